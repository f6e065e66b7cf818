/**
 * Redaction of secrets for anything shown to people: `time2bet config`, log lines, error
 * messages, warehouse locations. Pure: no I/O.
 */

export const REDACTED = '***';

/** Query-string parameter names that carry secrets (case-insensitive, matched as substrings). */
const SECRET_PARAM = /pass|pwd|secret|token|key|credential|signature|auth|session/i;

/** Whether a query-string parameter (or setting) name looks like it carries a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_PARAM.test(name);
}

/**
 * A URL with its userinfo password and every secret-looking query parameter (`password`,
 * `sslpassword`, `secret`, `token`, `key`, `X-Amz-Signature`, …) replaced by `***`. The user
 * name, host, path and other parameters stay, so the value is still recognisable. A value that
 * does not parse as a URL is replaced whole (keeping only a recognisable scheme).
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    const scheme = /^([a-z][a-z0-9+.-]{0,30}):\/\//i.exec(url);
    return scheme ? `${scheme[1]}://${REDACTED}` : REDACTED;
  }
  if (u.password) u.password = REDACTED;
  if (u.search) {
    // Edit the raw query so other parameters keep their exact spelling.
    const parts = u.search.slice(1).split('&').map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq < 0 ? part : part.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replaceAll('+', ' '));
      } catch {
        // a malformed escape: judge the raw name
      }
      return isSecretName(name) ? `${rawName}=${REDACTED}` : part;
    });
    u.search = `?${parts.join('&')}`;
  }
  return u.toString();
}

/** An access key id shown by its last 4 characters at most (none when it is short). */
export function maskAccessKeyId(id: string): string {
  return id.length >= 12 ? `${REDACTED}${id.slice(-4)}` : REDACTED;
}

/**
 * `text` with every occurrence of each secret (and of its URL-encoded form) replaced by `***`:
 * a last line of defence for messages that may echo configuration values.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

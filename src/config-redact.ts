/**
 * How configuration values may be shown (`time2bet config`, error messages) and which of them
 * are secrets to scrub from anything printed or logged. The redaction rules themselves live in
 * src/domain/redact.ts.
 */
import type { Config } from './config.ts';
import { isSecretName, maskAccessKeyId, redactUrl, REDACTED } from './domain/redact.ts';

/** Settings whose value is a URL that may carry a password or secret query parameters. */
const URL_SETTINGS: ReadonlySet<string> = new Set(['databaseUrl', 's3Endpoint', 'mlflowTrackingUri']);

/** A setting's value as it may be shown: secrets `***`, URLs redacted, access key ids masked. */
export function shownValue(key: string, secret: boolean, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (secret) return REDACTED;
  if (URL_SETTINGS.has(key)) return redactUrl(String(value));
  if (key === 's3AccessKeyId') return maskAccessKeyId(String(value));
  return value;
}

/**
 * The secret strings of a configuration (URL passwords and secret query values, S3 keys):
 * what `scrubSecrets` removes from a message before it is printed or logged.
 */
export function secretValues(cfg: Config): string[] {
  const out: string[] = [];
  for (const key of URL_SETTINGS) {
    const v = (cfg as Record<string, unknown>)[key];
    if (typeof v !== 'string') continue;
    try {
      const u = new URL(v);
      if (u.password) out.push(u.password, decodeURIComponent(u.password));
      for (const [k, val] of u.searchParams) if (isSecretName(k) && val) out.push(val);
    } catch {
      out.push(v);
    }
  }
  if (cfg.s3AccessKeyId) out.push(cfg.s3AccessKeyId);
  if (cfg.s3SecretAccessKey) out.push(cfg.s3SecretAccessKey);
  return out;
}


/**
 * robots.txt (RFC 9309): groups by user-agent, Allow/Disallow with `*` and `$`, longest match
 * wins and Allow wins a tie. Crawl-delay (non-standard) is read too, so the fetcher can honour it.
 */

export interface RobotsRules {
  /** Rules of the group that applies to our agent. */
  rules: { allow: boolean; pattern: string; re: RegExp }[];
  crawlDelayMs?: number;
  /** 'all' = everything disallowed (robots.txt unreachable); 'none' = nothing (no robots.txt). */
  blanket?: 'all' | 'none';
}

interface Group {
  agents: string[];
  rules: RobotsRules['rules'];
  crawlDelayMs?: number;
}

function patternToRegExp(pattern: string): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') src += '.*';
    else if (c === '$' && i === pattern.length - 1) src += '$';
    else src += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}`);
}

/** The product token robots.txt groups are matched against: `time2bet/0.1 (…)` → `time2bet`. */
export function productToken(userAgent: string): string {
  return (/^[A-Za-z0-9_-]+/.exec(userAgent)?.[0] ?? userAgent).toLowerCase();
}

export function parseRobots(text: string, userAgent: string): RobotsRules {
  const groups: Group[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = m[2].trim();
    if (key === 'user-agent') {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue;
    if (key === 'allow' || key === 'disallow') {
      if (value === '') continue; // "Disallow:" with no path allows everything
      current.rules.push({ allow: key === 'allow', pattern: value, re: patternToRegExp(value) });
    } else if (key === 'crawl-delay') {
      const s = Number(value);
      if (Number.isFinite(s) && s >= 0) current.crawlDelayMs = s * 1000;
    }
  }
  const token = productToken(userAgent);
  const specific = groups.filter((g) => g.agents.some((a) => a !== '*' && token.startsWith(a)));
  const chosen = specific.length ? specific : groups.filter((g) => g.agents.includes('*'));
  const out: RobotsRules = { rules: chosen.flatMap((g) => g.rules) };
  const delays = chosen.map((g) => g.crawlDelayMs).filter((d): d is number => d !== undefined);
  if (delays.length) out.crawlDelayMs = Math.max(...delays);
  return out;
}

/** Is the path (with query) allowed? Returns the deciding rule for messages. */
export function robotsAllows(rules: RobotsRules, pathAndQuery: string): { allowed: boolean; rule: string } {
  if (rules.blanket === 'all') return { allowed: false, rule: 'robots.txt unreachable: everything disallowed' };
  if (pathAndQuery === '/robots.txt') return { allowed: true, rule: '' };
  let best: RobotsRules['rules'][number] | undefined;
  for (const r of rules.rules) {
    if (!r.re.test(pathAndQuery)) continue;
    const len = r.pattern.replace(/[*$]/g, '').length;
    const bestLen = best ? best.pattern.replace(/[*$]/g, '').length : -1;
    if (len > bestLen || (len === bestLen && r.allow && !best?.allow)) best = r;
  }
  if (!best) return { allowed: true, rule: '' };
  return { allowed: best.allow, rule: `${best.allow ? 'Allow' : 'Disallow'}: ${best.pattern}` };
}

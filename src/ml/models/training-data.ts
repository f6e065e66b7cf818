/**
 * Helpers shared by the models: a locale-independent string order, a total order on matches
 * (so a fit never depends on the order of its input), and input checks.
 */
import type { TrainingMatch } from './model.ts';

/** Code-unit order: the same on every machine and locale (unlike localeCompare). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order by (day, home, away, homeGoals, awayGoals): a total order on the match content. */
export function compareMatches(a: TrainingMatch, b: TrainingMatch): number {
  return (
    a.day - b.day ||
    compareStrings(a.home, b.home) ||
    compareStrings(a.away, b.away) ||
    a.homeGoals - b.homeGoals ||
    a.awayGoals - b.awayGoals
  );
}

function checkMatch(m: TrainingMatch): void {
  const ok =
    Number.isInteger(m.day) &&
    typeof m.home === 'string' &&
    typeof m.away === 'string' &&
    m.home.length > 0 &&
    m.away.length > 0 &&
    m.home !== m.away &&
    Number.isInteger(m.homeGoals) &&
    Number.isInteger(m.awayGoals) &&
    m.homeGoals >= 0 &&
    m.awayGoals >= 0;
  if (!ok) {
    throw new Error(
      `invalid training match ${JSON.stringify(m)}: need an integer day, two different non-empty team names and non-negative integer goals`,
    );
  }
}

/**
 * The matches with lo ≤ day < asOfDay, validated and sorted by {@link compareMatches}.
 * `lo` defaults to −Infinity.
 */
export function selectMatches(matches: readonly TrainingMatch[], asOfDay: number, lo = -Infinity): TrainingMatch[] {
  if (!Number.isFinite(asOfDay)) throw new Error(`asOfDay must be a finite day number, got ${String(asOfDay)}`);
  const out: TrainingMatch[] = [];
  for (const m of matches) {
    checkMatch(m);
    if (m.day < asOfDay && m.day >= lo) out.push(m);
  }
  return out.sort(compareMatches);
}

/** Sorted distinct team names appearing in the matches. */
export function teamsOf(matches: readonly TrainingMatch[]): string[] {
  const set = new Set<string>();
  for (const m of matches) {
    set.add(m.home);
    set.add(m.away);
  }
  return [...set].sort(compareStrings);
}

/** Merge caller hyper-parameters over defaults, rejecting unknown keys and non-finite values. */
export function mergeHyper<P extends Record<string, number>>(model: string, defaults: P, given?: Partial<P>): P {
  const out = { ...defaults };
  for (const [k, v] of Object.entries(given ?? {})) {
    if (!(k in defaults)) {
      throw new Error(`${model}: unknown hyper-parameter "${k}"; known: ${Object.keys(defaults).join(', ')}`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${model}: hyper-parameter "${k}" must be a finite number, got ${String(v)}`);
    }
    (out as Record<string, number>)[k] = v;
  }
  return out;
}

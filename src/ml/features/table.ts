/**
 * The offline use of the feature function: {@link buildFeatureTable} replays a league day by
 * day — each day, first the vectors of that day's matches and fixtures from the state before
 * the day, then the day's results and other leagues' results — into a {@link FeatureTable}
 * (one vector per match or fixture, keyed by day and teams), and returns the final state too.
 */
import type { FeatureTableLike, TrainingMatch } from '../models/model.ts';
import { matchKey } from '../models/model.ts';
import { compareStrings } from '../models/training-data.ts';
import { FEATURE_DEFAULTS, featureConfigKey, type FeatureConfig } from './config.ts';
import { FeatureState } from './state.ts';
import type { Fixture } from './vector.ts';

/** A feature table: one vector per match (and fixture), computed point in time. */
export class FeatureTable implements FeatureTableLike {
  readonly rows = new Map<string, Float64Array>();
  constructor(
    readonly names: readonly string[],
    readonly configKey: string,
  ) {}

  get(day: number, home: string, away: string): Float64Array | undefined {
    return this.rows.get(matchKey(day, home, away));
  }

  get size(): number {
    return this.rows.size;
  }
}

export interface FeatureTableInput {
  /** Finished matches of the league (their results feed the state after their day). */
  matches: readonly TrainingMatch[];
  /** Further fixtures to compute vectors for (e.g. not yet played); results, if any, are ignored. */
  fixtures?: readonly Fixture[];
  /** Finished matches of other leagues (with `league` set), for promoted-team priors. */
  otherLeagues?: readonly TrainingMatch[];
  league?: string;
  /** Only results before this day enter the state (default: all). */
  asOfDay?: number;
}

/**
 * Replay a league day by day: each day, first the vectors of that day's matches and fixtures
 * (from the state before the day), then the day's results. Returns the table and the final
 * state (which has seen every result before `asOfDay`).
 */
export function buildFeatureTable(input: FeatureTableInput, cfg: FeatureConfig = FEATURE_DEFAULTS): { table: FeatureTable; state: FeatureState } {
  const asOf = input.asOfDay ?? Infinity;
  const state = new FeatureState(cfg, input.league);
  const table = new FeatureTable(state.names, featureConfigKey(cfg));
  const byDay = new Map<number, { results: TrainingMatch[]; fixtures: Fixture[]; others: TrainingMatch[] }>();
  const slot = (d: number) => {
    let s = byDay.get(d);
    if (!s) {
      s = { results: [], fixtures: [], others: [] };
      byDay.set(d, s);
    }
    return s;
  };
  for (const m of input.matches) {
    if (m.day >= asOf) continue;
    slot(m.day).results.push(m);
    slot(m.day).fixtures.push(m);
  }
  for (const f of input.fixtures ?? []) slot(f.day).fixtures.push(f);
  for (const m of input.otherLeagues ?? []) if (m.day < asOf && m.league && m.league !== input.league) slot(m.day).others.push(m);
  const days = [...byDay.keys()].sort((a, b) => a - b);
  for (const d of days) {
    const s = byDay.get(d)!;
    const fx = [...s.fixtures].sort((a, b) => compareStrings(a.home, b.home) || compareStrings(a.away, b.away));
    for (const f of fx) {
      const key = matchKey(f.day, f.home, f.away);
      if (!table.rows.has(key)) table.rows.set(key, state.vector(f));
    }
    if (s.results.length) state.updateDay(s.results);
    if (s.others.length) {
      const byLeague = new Map<string, TrainingMatch[]>();
      for (const m of s.others) (byLeague.get(m.league!) ?? byLeague.set(m.league!, []).get(m.league!)!).push(m);
      for (const lg of [...byLeague.keys()].sort(compareStrings)) state.updateOtherLeague(lg, byLeague.get(lg)!);
    }
  }
  return { table, state };
}

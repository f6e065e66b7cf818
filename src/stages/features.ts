/**
 * Features stage: the point-in-time feature table the models train on, computed by THE feature
 * function (src/ml/features/, `buildFeatureTable`) from the warehouse's finished matches, with
 * each league's state also fed the other leagues' results (promoted-team priors), exactly as the
 * backtests build it. One row per finished match: its identity, every feature column in
 * `featureNames(cfg)` order, and the result (the label). Deterministic: leagues and matches in a
 * fixed order, no clock.
 */
import type { Warehouse } from '../warehouse/db.ts';
import { buildFeatureTable, FEATURE_DEFAULTS, featureConfigKey, type FeatureConfig } from '../ml/features/index.ts';
import { dayToIso, outcomeOf } from '../domain/types.ts';
import type { Column, Row, TableData } from '../lake/snapshot/parquet.ts';
import { matchesByLeague, otherLeaguesOf } from './backtest.ts';
import { checkAborted, type StageHooks } from './progress.ts';

/** The feature function's name as the snapshot manifest records it (the configuration is recorded beside it). */
export const FEATURE_FUNCTION = 'time2bet.features/v1';

const col = (name: string, type: Column['type'], nullable = false): Column => ({ name, type, nullable });

export function featureColumns(names: readonly string[]): Column[] {
  return [
    col('match_id', 'INT32'),
    col('league', 'STRING'),
    col('season', 'STRING'),
    col('kickoff_date', 'DATE'),
    col('home_team', 'STRING'),
    col('away_team', 'STRING'),
    ...names.map((n) => col(n, 'DOUBLE', true)),
    col('result', 'STRING'),
  ];
}

/** The feature table of every finished match in the warehouse. */
export async function buildFeatureTableOf(wh: Warehouse, cfg: FeatureConfig = FEATURE_DEFAULTS, hooks: StageHooks = {}): Promise<TableData> {
  const all = await matchesByLeague(wh);
  const leagues = [...all.keys()].sort();
  const rows: Row[] = [];
  let names: readonly string[] | undefined;
  for (const [i, league] of leagues.entries()) {
    checkAborted(hooks.signal);
    hooks.onProgress?.({ step: 'features', done: i, total: leagues.length, detail: league });
    const matches = all.get(league)!;
    const { table } = buildFeatureTable({ matches, otherLeagues: otherLeaguesOf(all, league), league }, cfg);
    names ??= table.names;
    for (const m of matches) {
      const v = table.get(m.day, m.home, m.away);
      if (!v) throw new Error(`features: no vector for ${league} ${m.home} v ${m.away} on ${dayToIso(m.day)}`);
      const row: Row = { match_id: m.id, league, season: m.season, kickoff_date: dayToIso(m.day), home_team: m.home, away_team: m.away };
      table.names.forEach((n, k) => {
        row[n] = Number.isFinite(v[k]!) ? v[k]! : null;
      });
      row.result = outcomeOf(m.homeGoals, m.awayGoals);
      rows.push(row);
    }
  }
  hooks.onProgress?.({ step: 'features', done: leagues.length, total: leagues.length, detail: 'done' });
  rows.sort((x, y) => (x.match_id as number) - (y.match_id as number));
  return { name: 'features', columns: featureColumns(names ?? buildFeatureTable({ matches: [] }, cfg).table.names), rows };
}

/**
 * The feature configuration from params.yaml `features:` — any part of {@link FeatureConfig}
 * (same names and nesting, e.g. `elo: {k: 20}`, `formWindows: [3, 6, 12]`) over its defaults.
 */
export function featureConfigFromParams(raw: Record<string, unknown> = {}): FeatureConfig {
  return merge(FEATURE_DEFAULTS, raw, 'features') as FeatureConfig;
}

function merge(base: unknown, given: unknown, where: string): unknown {
  if (Array.isArray(base)) {
    if (!Array.isArray(given) || !given.length || !given.every((x) => Number.isInteger(x) && x > 0)) {
      throw new Error(`params ${where}: expected a non-empty list of whole numbers ≥ 1, got ${JSON.stringify(given)}`);
    }
    return [...given];
  }
  if (typeof base === 'number') {
    if (typeof given !== 'number' || !Number.isFinite(given)) throw new Error(`params ${where}: expected a number, got ${JSON.stringify(given)}`);
    return given;
  }
  if (!given || typeof given !== 'object' || Array.isArray(given)) throw new Error(`params ${where}: expected a mapping, got ${JSON.stringify(given)}`);
  const b = base as Record<string, unknown>;
  const out: Record<string, unknown> = { ...b };
  for (const [k, v] of Object.entries(given)) {
    if (!Object.hasOwn(b, k)) throw new Error(`params ${where}.${k} is unknown; known: ${Object.keys(b).join(', ')}`);
    out[k] = merge(b[k], v, `${where}.${k}`);
  }
  return out;
}

/** The feature table and its provenance, as a snapshot stores them. */
export async function snapshotFeatures(wh: Warehouse, cfg: FeatureConfig, hooks: StageHooks = {}) {
  return { table: await buildFeatureTableOf(wh, cfg, hooks), ...featureProvenance(cfg) };
}

/** What a snapshot manifest records of the feature table: the function and its configuration key. */
export function featureProvenance(cfg: FeatureConfig): { function: string; params: FeatureConfig; key: string } {
  return { function: FEATURE_FUNCTION, params: cfg, key: featureConfigKey(cfg) };
}

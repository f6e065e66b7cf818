/**
 * A league's multi-season walk-forward backtest, pure (the warehouse side is
 * src/stages/backtest.ts).
 *
 * One walk-forward per league, refits on a weekly grid (Mondays), to the end of the last test
 * season. With a stacked model among the specs the walk starts at `oosStart` (by default one
 * season after the league's first match), so the stack has out-of-sample history; otherwise at
 * the first test season's cut-off. The point-in-time feature table
 * is built once for every match. Only the test seasons' matches that have a market price are
 * scored, for models and market alike.
 */
import { outcomeOf } from '../../domain/types.ts';
import type { ModelSpec, TrainingMatch } from '../models/model.ts';
import { buildFeatureTable, FEATURE_DEFAULTS, featureConfigKey, type FeatureConfig } from '../features/index.ts';
import { marketForecast, pinnaclePreMatch, type BookPrice } from '../market/market.ts';
import { MONDAY_ANCHOR, seasonCutoff } from './seasons.ts';
import { orderSpecs, walkForward } from './walk-forward.ts';
import type { ForecastRecord } from './quality.ts';

export interface BacktestMatch extends TrainingMatch {
  id: number;
  season: string;
  /** Every price of the match (pre-match and closing); the market forecast is chosen from them. */
  prices: readonly BookPrice[];
}

export interface LeagueBacktestInput {
  league: string;
  /** The league's finished matches (any order). */
  matches: readonly BacktestMatch[];
  otherLeagues?: readonly TrainingMatch[];
  testSeasons: readonly string[];
  specs: readonly ModelSpec<any>[];
  refitDays: number;
  /** First day walked forward when a stacked model needs out-of-sample history (default: one year after the league's first match). */
  oosStart?: number;
  features?: FeatureConfig;
  onProgress?: (done: number, total: number) => void;
}

export interface LeagueBacktestResult {
  records: ForecastRecord[];
  /** Test-season matches without any market price (left out for models and market alike). */
  unpriced: number;
  refits: number;
  /** Matches walked forward (test seasons and the out-of-sample history before them). */
  walked: number;
  timings: { featuresMs: number; walkMs: number; models: Record<string, number> };
}

export function runLeagueBacktest(input: LeagueBacktestInput, now: () => number = () => 0): LeagueBacktestResult {
  const { league, testSeasons } = input;
  const matches = [...input.matches].sort((a, b) => a.day - b.day || a.id - b.id);
  if (matches.length === 0) return { records: [], unpriced: 0, refits: 0, walked: 0, timings: { featuresMs: 0, walkMs: 0, models: {} } };
  const test = matches.filter((m) => testSeasons.includes(m.season));
  if (test.length === 0) return { records: [], unpriced: 0, refits: 0, walked: 0, timings: { featuresMs: 0, walkMs: 0, models: {} } };
  const lastTestDay = test[test.length - 1]!.day;
  const firstTestDay = test[0]!.day;
  const specs = orderSpecs(input.specs);
  // Only stacked models read out-of-sample predictions of earlier matches; without one, the
  // walk starts at the first test season (a prediction depends only on matches before it).
  const stacked = specs.some((s) => (s.inputs?.length ?? 0) > 0);
  const oosStart = stacked ? Math.min(input.oosStart ?? seasonCutoff(matches[0]!.day + 365), seasonCutoff(firstTestDay)) : seasonCutoff(firstTestDay);
  const history = matches.filter((m) => m.day <= lastTestDay);
  const walked = history.filter((m) => m.day >= oosStart);
  const cfg = input.features ?? FEATURE_DEFAULTS;
  const t0 = now();
  const needFeatures = specs.some((s) => s.usesFeatures);
  const table = needFeatures ? buildFeatureTable({ matches: history, otherLeagues: input.otherLeagues, league }, cfg).table : undefined;
  if (table && specs.some((s) => s.usesFeatures && s.featureKey && s.featureKey !== featureConfigKey(cfg))) {
    throw new Error('backtest: a model expects a different feature configuration than the table built');
  }
  const t1 = now();
  const wf = walkForward(
    history,
    walked.map((m) => ({ id: m.id, day: m.day, home: m.home, away: m.away, preOdds: m.preOdds })),
    specs,
    input.refitDays,
    {
      anchorDay: MONDAY_ANCHOR,
      features: table,
      otherLeagues: input.otherLeagues,
      league,
      onBlock: input.onProgress ? (_d, done, total) => input.onProgress!(done, total) : undefined,
      now,
    },
  );
  const t2 = now();
  const records: ForecastRecord[] = [];
  let unpriced = 0;
  const names = input.specs.map((s) => s.name);
  for (const m of test) {
    const f = marketForecast(m.prices);
    if (!f) {
      unpriced++;
      continue;
    }
    const pre = pinnaclePreMatch(m.prices);
    records.push({
      league,
      season: m.season,
      id: m.id,
      outcome: outcomeOf(m.homeGoals, m.awayGoals),
      market: f.probabilities,
      marketLabel: f.label,
      ...(pre ? { pinnaclePre: pre } : {}),
      models: Object.fromEntries(names.map((n) => [n, wf.predictions[n]!.get(m.id)!.probabilities])),
    });
  }
  return { records, unpriced, refits: wf.refits, walked: walked.length, timings: { featuresMs: t1 - t0, walkMs: t2 - t1, models: wf.timings } };
}

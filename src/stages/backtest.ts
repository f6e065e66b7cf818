/**
 * Backtest stage: read leagues' matches, statistics and odds from the warehouse, walk forward
 * (src/ml/evaluation/backtest.ts), and score the models and the market on the same matches.
 *
 * - `backtestSeason`: one league-season, the original contract (pipeline, DAGs, `backtest --season`).
 * - `backtestSeasons`: several leagues and a range of seasons, per season and pooled, with
 *   paired gaps to the market, calibration and the Pinnacle pre-match comparison.
 */
import type { Warehouse } from '../warehouse/db.ts';
import { leagueSeasons, modelMatches, type ModelMatchRow } from '../warehouse/queries.ts';
import type { EvaluationReport } from '../ml/evaluation/evaluate.ts';
import type { ModelSpec, TrainingMatch } from '../ml/models/model.ts';
import { preMatchPrice } from '../ml/market/market.ts';
import { runLeagueBacktest, type BacktestMatch } from '../ml/evaluation/backtest.ts';
import { qualityReport, type ForecastRecord, type QualityReport } from '../ml/evaluation/quality.ts';
import { seasonCutoff } from '../ml/evaluation/seasons.ts';
import { isoToDay } from '../domain/types.ts';

export class UnknownSeasonError extends Error {
  override name = 'UnknownSeasonError';
}

export interface BacktestResult extends EvaluationReport {
  league: string;
  season: string;
  refits: number;
}

/** Warehouse rows → backtest matches: statistics, every price, and the best PRE-MATCH price as `preOdds`. */
export function toBacktestMatch(r: ModelMatchRow): BacktestMatch {
  const pre = preMatchPrice(r.prices);
  return {
    id: r.id,
    season: r.season,
    league: r.league,
    day: r.day,
    home: r.home,
    away: r.away,
    homeGoals: r.homeGoals,
    awayGoals: r.awayGoals,
    stats: r.stats,
    preOdds: pre ? { home: pre.home, draw: pre.draw, away: pre.away } : null,
    prices: r.prices,
  };
}

/** Every finished match of the warehouse as model inputs, by league. */
export async function matchesByLeague(wh: Warehouse): Promise<Map<string, BacktestMatch[]>> {
  const out = new Map<string, BacktestMatch[]>();
  for (const r of await modelMatches(wh.db)) {
    const list = out.get(r.league) ?? [];
    list.push(toBacktestMatch(r));
    out.set(r.league, list);
  }
  return out;
}

/** The other leagues' matches as training matches (with `league`), for promoted-team priors. */
export function otherLeaguesOf(all: Map<string, BacktestMatch[]>, league: string): TrainingMatch[] {
  const out: TrainingMatch[] = [];
  for (const [lg, list] of all) if (lg !== league) out.push(...list);
  return out;
}

/**
 * Out-of-sample history walked before the first test season: five seasons (or from one year
 * after the league's first match), enough for the stacked models' windows and L2 tuning.
 */
export const OOS_YEARS = 5;

function oosStartFor(matches: readonly BacktestMatch[], firstTestSeason: string): number {
  const firstTestDay = isoToDay(`${firstTestSeason.slice(0, 4)}-07-01`);
  const earliest = matches.length ? matches[0]!.day : firstTestDay;
  return Math.max(seasonCutoff(earliest + 365), seasonCutoff(firstTestDay) - OOS_YEARS * 365);
}

async function checkLeagueSeason(wh: Warehouse, league: string, season?: string): Promise<string[]> {
  const seasons = await leagueSeasons(wh.db);
  if (!seasons[league]) {
    const known = Object.keys(seasons);
    throw new UnknownSeasonError(`league "${league}" is not in the data; leagues present: ${known.length ? known.join(', ') : '(none)'}`);
  }
  if (season !== undefined && !seasons[league]!.includes(season)) {
    throw new UnknownSeasonError(`season "${season}" of league ${league} is not in the data; seasons present: ${seasons[league]!.join(', ')}`);
  }
  return seasons[league]!;
}

export async function backtestSeason(
  wh: Warehouse,
  opts: {
    league: string;
    season: string;
    specs: readonly ModelSpec<any>[];
    refitDays: number;
    /** matchesByLeague(wh), when the caller backtests several seasons: read once, not per season. */
    matches?: Map<string, BacktestMatch[]>;
    /** Walk-forward progress (blocks done of total), for a caller that shows it. */
    onProgress?: (done: number, total: number) => void;
  },
): Promise<BacktestResult> {
  const { league, season } = opts;
  await checkLeagueSeason(wh, league, season);
  const all = opts.matches ?? (await matchesByLeague(wh));
  const matches = all.get(league) ?? [];
  const r = runLeagueBacktest({
    league,
    matches,
    otherLeagues: otherLeaguesOf(all, league),
    testSeasons: [season],
    specs: opts.specs,
    refitDays: opts.refitDays,
    oosStart: oosStartFor(matches, season),
    onProgress: opts.onProgress,
  });
  const q = qualityReport(r.records, opts.specs.map((s) => s.name));
  return { league, season, ...q.pooled, refits: r.refits };
}

export interface SeasonsBacktest {
  leagues: string[];
  seasons: string[];
  report: QualityReport;
  /** Per-match forecasts (to build sub-reports, e.g. one league). */
  records: ForecastRecord[];
  refits: number;
  timings: { featuresMs: number; walkMs: number; models: Record<string, number> };
}

/** Seasons of a league within `from..to` (inclusive, `YYYY-YYYY` strings). */
export function seasonsInRange(all: readonly string[], from: string, to: string): string[] {
  return all.filter((s) => s >= from && s <= to);
}

/**
 * Walk forward through the given seasons of each league; pooled and per-season figures.
 * `now` (optional) times the stages.
 */
export async function backtestSeasons(
  wh: Warehouse,
  opts: {
    leagues: readonly string[];
    from: string;
    to: string;
    specs: readonly ModelSpec<any>[];
    refitDays: number;
    now?: () => number;
    onLeague?: (league: string, seasons: string[]) => void;
    onProgress?: (league: string, done: number, total: number) => void;
  },
): Promise<SeasonsBacktest> {
  const all = await matchesByLeague(wh);
  const records: ForecastRecord[] = [];
  const seasonsDone: string[] = [];
  let refits = 0;
  const timings = { featuresMs: 0, walkMs: 0, models: {} as Record<string, number> };
  for (const league of opts.leagues) {
    const known = await checkLeagueSeason(wh, league);
    // A league's first season has no history to predict it from: it is never a test season.
    const seasons = seasonsInRange(known.slice(1), opts.from, opts.to);
    if (seasons.length === 0) continue;
    opts.onLeague?.(league, seasons);
    const matches = all.get(league) ?? [];
    const r = runLeagueBacktest(
      {
        league,
        matches,
        otherLeagues: otherLeaguesOf(all, league),
        testSeasons: seasons,
        specs: opts.specs,
        refitDays: opts.refitDays,
        oosStart: oosStartFor(matches, seasons[0]!),
        onProgress: opts.onProgress ? (d, t) => opts.onProgress!(league, d, t) : undefined,
      },
      opts.now,
    );
    records.push(...r.records);
    seasonsDone.push(...seasons.map((s) => `${league} ${s}`));
    refits += r.refits;
    timings.featuresMs += r.timings.featuresMs;
    timings.walkMs += r.timings.walkMs;
    for (const [k, v] of Object.entries(r.timings.models)) timings.models[k] = (timings.models[k] ?? 0) + v;
  }
  if (records.length === 0) {
    throw new UnknownSeasonError(`no season of ${opts.leagues.join(', ')} between ${opts.from} and ${opts.to} has matches with a market price`);
  }
  return { leagues: [...opts.leagues], seasons: seasonsDone, report: qualityReport(records, opts.specs.map((s) => s.name)), records, refits, timings };
}

/**
 * Every league's finished matches as results-only training data (statistics kept, no prices),
 * for the training path: a served model gets no prices with a request.
 */
export async function trainingMatchesByLeague(wh: Warehouse): Promise<Map<string, TrainingMatch[]>> {
  const out = new Map<string, TrainingMatch[]>();
  for (const r of await modelMatches(wh.db, undefined, { prices: false })) {
    const list = out.get(r.league) ?? [];
    list.push(asTrainingMatch(r));
    out.set(r.league, list);
  }
  return out;
}

/** The same training view of matches already read for a backtest (matchesByLeague): prices dropped. */
export function trainingView(byLeague: Map<string, readonly BacktestMatch[]>): Map<string, TrainingMatch[]> {
  return new Map([...byLeague].map(([league, list]) => [league, list.map(asTrainingMatch)]));
}

function asTrainingMatch(r: TrainingMatch & { league?: string }): TrainingMatch {
  return { day: r.day, home: r.home, away: r.away, homeGoals: r.homeGoals, awayGoals: r.awayGoals, league: r.league, stats: r.stats };
}

/** The training path's fit context of a league: its code and the other leagues' matches (promoted-team priors). */
export function trainingContext(byLeague: Map<string, TrainingMatch[]>, league: string): { league: string; otherLeagues: TrainingMatch[] } {
  const otherLeagues: TrainingMatch[] = [];
  for (const [lg, list] of byLeague) if (lg !== league) otherLeagues.push(...list);
  return { league, otherLeagues };
}

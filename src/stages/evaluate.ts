/**
 * Evaluate stage: walk every model forward through each league's latest season, scored next to
 * the market, pooled over leagues. Holds the rules every driver shares: which specs are
 * evaluated ({@link evaluatedSpecs}), which model is best ({@link bestModel}) and the key of a
 * training configuration ({@link trainingConfigKey}).
 */
import type { Config } from '../config.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { leagueSeasons } from '../warehouse/queries.ts';
import { selectModelSpecs } from '../ml/index.ts';
import { poolReports, type EvaluationReport } from '../ml/evaluation/evaluate.ts';
import type { BacktestMatch } from '../ml/evaluation/backtest.ts';
import type { ModelSpec } from '../ml/models/model.ts';
import { stableJson } from '../domain/stable-json.ts';
import { backtestSeason, matchesByLeague, type BacktestResult } from './backtest.ts';
import { checkAborted, type StageHooks } from './progress.ts';

export interface Evaluation {
  evaluation: EvaluationReport;
  perLeague: BacktestResult[];
}

/** The specs `start` and `train_weekly` evaluate: the configured models with their literature defaults, untuned. */
export function evaluatedSpecs(cfg: Pick<Config, 'models'>): ModelSpec<any>[] {
  // Untuned: as good as tuned on the development seasons (docs/model-quality.md), and fast.
  return selectModelSpecs(cfg.models.split(','), {}, { tune: false });
}

/** The key of a training configuration: a version trained with the same key and data is not trained again. */
export function trainingConfigKey(specs: readonly ModelSpec<any>[], refitDays: number): string {
  return stableJson({ specs: specs.map((s) => ({ name: s.name, hyper: s.hyper })), refitDays });
}

/** The model with the lowest pooled RPS (ties: the first evaluated). */
export function bestModel(evaluation: EvaluationReport): string {
  const ranked = rankedModels(evaluation);
  if (!ranked.length) throw new Error('the evaluation scored no model');
  return ranked[0]!;
}

/** Every evaluated model, best pooled RPS first. */
export function rankedModels(evaluation: EvaluationReport): string[] {
  return Object.entries(evaluation.models)
    .sort((a, b) => a[1].rps - b[1].rps)
    .map(([name]) => name);
}

/** For each league, its latest season. */
export async function evaluationSeasons(wh: Warehouse): Promise<{ league: string; season: string }[]> {
  const seasons = await leagueSeasons(wh.db);
  return Object.entries(seasons).map(([league, list]) => ({ league, season: list[list.length - 1]! }));
}

/** One line per league-season: matches and each model's RPS next to the market's. */
export function describeSeason(r: BacktestResult): string {
  return `${r.league} ${r.season}: ${r.matches} matches; ${Object.entries(r.models).map(([m, s]) => `${m} RPS ${s.rps.toFixed(4)}`).join(', ')}; market ${r.market.rps.toFixed(4)}`;
}

/** Walk the specs forward through each league's latest season; per league and pooled. */
export async function evaluateLatest(
  wh: Warehouse,
  specs: readonly ModelSpec<any>[],
  refitDays: number,
  hooks: StageHooks & {
    /** matchesByLeague(wh) when the caller has read it: every league's matches once, not once per league. */
    matches?: Map<string, BacktestMatch[]>;
  } = {},
): Promise<Evaluation> {
  const matches = hooks.matches ?? (await matchesByLeague(wh));
  const targets = await evaluationSeasons(wh);
  if (!targets.length) throw new Error('the warehouse holds no finished season to evaluate on; ingest data first');
  const perLeague: BacktestResult[] = [];
  for (const [i, t] of targets.entries()) {
    checkAborted(hooks.signal);
    hooks.onProgress?.({ step: 'evaluate', done: i, total: targets.length, detail: `${t.league} ${t.season}` });
    const r = await backtestSeason(wh, { ...t, specs, refitDays, matches });
    perLeague.push(r);
  }
  hooks.onProgress?.({ step: 'evaluate', done: targets.length, total: targets.length, detail: 'done' });
  return { evaluation: poolReports(perLeague), perLeague };
}

/**
 * The end-to-end pipeline run by `time2bet start`: ingest the bundled data, evaluate the
 * models walk-forward against the market, train the best on everything, log the training run
 * and register the model (src/tracking), which becomes champion only if it passes the quality
 * gates against the current one. Reuses stored state: unchanged files are skipped, and nothing
 * is refitted when this data and configuration were already trained.
 */
import type { Config } from '../config.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ObjectStore } from '../lake/store.ts';
import { leagueSeasons, dataFingerprint } from '../warehouse/queries.ts';
import { loadFootballDataFolder } from '../ingest/football-data/load.ts';
import { seedAliases } from '../ingest/teams.ts';
import { modelSpecs, selectModelSpecs } from '../ml/index.ts';
import { poolReports, type EvaluationReport } from '../ml/evaluation/evaluate.ts';
import type { ModelSpec } from '../ml/models/model.ts';
import { CHAMPION, Registry, type ModelVersion } from '../registry/registry.ts';
import { trackingClientFor } from '../tracking/open.ts';
import { alreadyTrained, registerTraining } from '../registry/train-and-promote.ts';
import { stableJson } from '../domain/stable-json.ts';
import { backtestSeason, matchesByLeague, trainingView, type BacktestResult } from './backtest.ts';
import type { BacktestMatch } from '../ml/evaluation/backtest.ts';
import { REGISTERED_MODEL, trainAll } from './train.ts';
import { progress, say, stopwatch } from '../cli/progress.ts';

export interface PipelineResult {
  champion: ModelVersion;
  evaluation: EvaluationReport;
  perLeague: BacktestResult[];
  reused: boolean;
}

export async function ingestBundled(cfg: Config, wh: Warehouse): Promise<void> {
  const took = stopwatch();
  let bar: ReturnType<typeof progress> | undefined;
  const results = await loadFootballDataFolder(wh, cfg.dataDir, {
    onProgress: (done: number, total: number, file: string) => {
      bar ??= progress('ingest', total);
      bar.update(done, file.slice(cfg.dataDir.length + 1));
    },
  });
  bar?.stop();
  await seedAliases(wh.db); // known alternate spellings (Man Utd, Manchester United, …) → canonical teams
  const loaded = results.filter((r) => r.status === 'loaded');
  const inserted = loaded.reduce((s, r) => s + r.inserted, 0);
  const updated = loaded.reduce((s, r) => s + r.updated, 0);
  say(`ingest: ${results.length} files (${loaded.length} loaded, ${results.length - loaded.length} unchanged); ${inserted} matches inserted, ${updated} updated (${took()})`);
}

/** For each league, the latest season with at least 100 finished matches. */
export async function evaluationSeasons(wh: Warehouse): Promise<{ league: string; season: string }[]> {
  const seasons = await leagueSeasons(wh.db);
  return Object.entries(seasons).map(([league, list]) => ({ league, season: list[list.length - 1]! }));
}

export async function evaluateLatest(
  wh: Warehouse,
  specs: readonly ModelSpec<any>[],
  refitDays: number,
  /** matchesByLeague(wh) when the caller has read it: every league's matches once, not once per league. */
  read?: Map<string, BacktestMatch[]>,
): Promise<BacktestResult[]> {
  const matches = read ?? (await matchesByLeague(wh));
  const targets = await evaluationSeasons(wh);
  const bar = progress('evaluate', targets.length);
  const out: BacktestResult[] = [];
  for (const [i, t] of targets.entries()) {
    bar.update(i, `${t.league} ${t.season}`);
    out.push(await backtestSeason(wh, { ...t, specs, refitDays, matches }));
  }
  bar.update(targets.length, 'done');
  bar.stop();
  return out;
}

function configKey(specs: readonly ModelSpec<any>[], cfg: Config): string {
  return stableJson({ specs: specs.map((s) => ({ name: s.name, hyper: s.hyper })), refitDays: cfg.refitDays });
}

export async function runPipeline(cfg: Config, wh: Warehouse, lake: ObjectStore): Promise<PipelineResult> {
  await ingestBundled(cfg, wh);
  const registry = new Registry(trackingClientFor(cfg, wh, lake));
  // Literature defaults, untuned: as good as tuned on the development seasons (docs/model-quality.md), and fast.
  const specs = selectModelSpecs(cfg.models.split(','), {}, { tune: false });
  const fingerprint = await dataFingerprint(wh.db);
  const key = configKey(specs, cfg);
  const current = await registry.byAlias(REGISTERED_MODEL, CHAMPION);
  const done = current && (await alreadyTrained(registry, REGISTERED_MODEL, fingerprint, key));
  const reusable = done && (await registry.loadArtifact(done).catch(() => undefined));
  if (current && done && reusable && (await registry.loadArtifact(current).then(() => true, () => false))) {
    say(`${REGISTERED_MODEL} v${done.version} was trained on the same data (${done.tags['time2bet.promotion'] ?? 'decided'}); serving champion v${current.version} (${current.kind})`);
    return {
      champion: current,
      evaluation: reusable.metrics.evaluation as EvaluationReport,
      perLeague: reusable.metrics.perLeague as BacktestResult[],
      reused: true,
    };
  }
  let took = stopwatch();
  const matches = await matchesByLeague(wh);
  const perLeague = await evaluateLatest(wh, specs, cfg.refitDays, matches);
  const evaluation = poolReports(perLeague);
  say(`evaluate: ${specs.length} models on ${evaluation.matches} matches (${took()})`);
  const best = Object.entries(evaluation.models).sort((a, b) => a[1].rps - b[1].rps)[0]![0];
  took = stopwatch();
  say(`train: fitting ${best} (best pooled RPS) on all data`);
  const bar = progress('train', 1);
  const metricsFor = (name: string) => ({
    configKey: key,
    evaluation,
    perLeague,
    pooled: evaluation.models[name],
    marketPooled: evaluation.market,
  });
  const artifacts = await trainAll(
    wh,
    specs.filter((s) => s.name === best),
    { [best]: metricsFor(best) },
    { matches: trainingView(matches) }, // the matches evaluation read, without prices
  );
  bar.update(1, best);
  bar.stop();
  say(`train: done (${took()})`);
  took = stopwatch();
  say(`registry: registering ${REGISTERED_MODEL} (${best}) and checking it against the champion on the same matches`);
  const spec = specs.find((s) => s.name === best)!;
  const { version, outcome } = await registerTraining({ cfg, wh, registry, artifact: artifacts[0]!, spec, evaluation, perSeason: perLeague });
  say(
    outcome.decision.promote
      ? `registry: ${REGISTERED_MODEL} v${version.version} (${best}, pooled RPS ${evaluation.models[best]!.rps.toFixed(4)}) is now @${CHAMPION}: ${outcome.decision.reason} (${took()})`
      : `registry: ${REGISTERED_MODEL} v${version.version} not promoted (${outcome.decision.reason}); champion stays v${outcome.champion.version} (${took()})`,
  );
  return { champion: outcome.champion, evaluation, perLeague, reused: false };
}

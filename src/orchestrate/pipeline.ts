/**
 * The end-to-end pipeline run by `time2bet start`: ingest the bundled data, evaluate the
 * models walk-forward against the market, train on everything, register the best one as
 * champion. Reuses stored state: unchanged files are skipped, and a champion trained on the
 * same data and hyper-parameters is kept without refitting.
 */
import type { Config } from '../config.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ObjectStore } from '../lake/store.ts';
import { leagueSeasons, dataFingerprint } from '../warehouse/queries.ts';
import { loadFootballDataFolder } from '../ingest/football-data/load.ts';
import { modelSpecs } from '../ml/index.ts';
import { poolReports, type EvaluationReport } from '../ml/evaluate.ts';
import type { ModelSpec } from '../ml/model.ts';
import { Registry, type ModelVersion } from '../tracking/registry.ts';
import { stableStringify } from '../tracking/artifact.ts';
import { backtestSeason, type BacktestResult } from './stages/backtest.ts';
import { REGISTERED_MODEL, trainAll } from './stages/train.ts';
import { progress, say } from '../cli/progress.ts';

export interface PipelineResult {
  champion: ModelVersion;
  evaluation: EvaluationReport;
  perLeague: BacktestResult[];
  reused: boolean;
}

export async function ingestBundled(cfg: Config, wh: Warehouse): Promise<void> {
  let bar: ReturnType<typeof progress> | undefined;
  const results = await loadFootballDataFolder(wh, cfg.dataDir, {
    onProgress: (done: number, total: number, file: string) => {
      bar ??= progress('ingest', total);
      bar.update(done, file.slice(cfg.dataDir.length + 1));
    },
  });
  bar?.stop();
  const loaded = results.filter((r) => r.status === 'loaded');
  const inserted = loaded.reduce((s, r) => s + r.inserted, 0);
  const updated = loaded.reduce((s, r) => s + r.updated, 0);
  say(`ingest: ${results.length} files (${loaded.length} loaded, ${results.length - loaded.length} unchanged); ${inserted} matches inserted, ${updated} updated`);
}

/** For each league, the latest season with at least 100 finished matches. */
export async function evaluationSeasons(wh: Warehouse): Promise<{ league: string; season: string }[]> {
  const seasons = await leagueSeasons(wh.db);
  return Object.entries(seasons).map(([league, list]) => ({ league, season: list[list.length - 1]! }));
}

export async function evaluateLatest(wh: Warehouse, specs: readonly ModelSpec<any>[], refitDays: number): Promise<BacktestResult[]> {
  const targets = await evaluationSeasons(wh);
  const bar = progress('evaluate', targets.length);
  const out: BacktestResult[] = [];
  for (const [i, t] of targets.entries()) {
    bar.update(i, `${t.league} ${t.season}`);
    out.push(await backtestSeason(wh, { ...t, specs, refitDays }));
  }
  bar.update(targets.length, 'done');
  bar.stop();
  return out;
}

function configKey(specs: readonly ModelSpec<any>[], cfg: Config): string {
  return stableStringify({ specs: specs.map((s) => ({ name: s.name, hyper: s.hyper })), refitDays: cfg.refitDays });
}

export async function runPipeline(cfg: Config, wh: Warehouse, lake: ObjectStore): Promise<PipelineResult> {
  await ingestBundled(cfg, wh);
  const registry = new Registry(wh, lake);
  const specs = modelSpecs();
  const fingerprint = await dataFingerprint(wh.db);
  const key = configKey(specs, cfg);
  const current = await registry.byAlias(REGISTERED_MODEL, 'champion');
  if (current && current.dataFingerprint === fingerprint && current.metrics.configKey === key && (await lake.exists(current.artifactKey))) {
    say(`champion ${REGISTERED_MODEL} v${current.version} (${current.kind}) was trained on the same data; reusing it`);
    return {
      champion: current,
      evaluation: current.metrics.evaluation as EvaluationReport,
      perLeague: current.metrics.perLeague as BacktestResult[],
      reused: true,
    };
  }
  const perLeague = await evaluateLatest(wh, specs, cfg.refitDays);
  const evaluation = poolReports(perLeague);
  const best = Object.entries(evaluation.models).sort((a, b) => a[1].rps - b[1].rps)[0]![0];
  say(`train: fitting ${specs.map((s) => s.name).join(', ')} on all data`);
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
  );
  bar.update(1, best);
  bar.stop();
  const version = await registry.register(artifacts[0]!);
  await registry.setAlias(REGISTERED_MODEL, 'champion', version.version);
  say(`registry: ${REGISTERED_MODEL} v${version.version} (${best}, pooled RPS ${evaluation.models[best]!.rps.toFixed(4)}) is now @champion`);
  return { champion: { ...version, aliases: ['champion'] }, evaluation, perLeague, reused: false };
}

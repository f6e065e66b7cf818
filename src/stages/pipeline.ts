/**
 * The end-to-end pipeline run by `time2bet start`, a thin driver over the stages: ingest the
 * bundled data, evaluate the models walk-forward against the market, train the best on
 * everything, then register-and-promote (the training run is logged, and the version becomes
 * champion only if it passes the quality gates against the current one). Reuses stored state:
 * unchanged files are skipped, and nothing is refitted when this data and configuration were
 * already trained. Progress and summaries go to the hooks; nothing is printed here.
 */
import type { Config } from '../config.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ObjectStore } from '../lake/store.ts';
import { dataFingerprint } from '../warehouse/queries.ts';
import type { EvaluationReport } from '../ml/evaluation/evaluate.ts';
import { CHAMPION, Registry, type ModelVersion } from '../registry/registry.ts';
import { alreadyTrained } from '../registry/train-and-promote.ts';
import { trackingClientFor } from '../tracking/open.ts';
import { matchesByLeague, trainingView, type BacktestResult } from './backtest.ts';
import { bestModel, evaluateLatest, evaluatedSpecs, trainingConfigKey } from './evaluate.ts';
import { ingestFolder } from './ingest.ts';
import { elapsed, type StageHooks } from './progress.ts';
import { registerAndPromote, trainingMetrics } from './register.ts';
import { REGISTERED_MODEL, trainAll } from './train.ts';

export interface PipelineResult {
  champion: ModelVersion;
  evaluation: EvaluationReport;
  perLeague: BacktestResult[];
  reused: boolean;
}

export interface PipelineHooks extends StageHooks {
  /** Monotonic milliseconds, for the durations in summaries (default performance.now). */
  now?: () => number;
}

/** Ingest the configured data folder (TIME2BET_DATA_DIR). */
export async function ingestBundled(cfg: Config, wh: Warehouse, hooks: PipelineHooks = {}): Promise<void> {
  const took = elapsed(hooks.now ?? (() => performance.now()));
  await ingestFolder(wh, cfg.dataDir, { ...hooks, onMessage: (line) => hooks.onMessage?.(`${line} (${took()})`) });
}

export async function runPipeline(cfg: Config, wh: Warehouse, lake: ObjectStore, hooks: PipelineHooks = {}): Promise<PipelineResult> {
  const say = (line: string) => hooks.onMessage?.(line);
  const clock = hooks.now ?? (() => performance.now());
  await ingestBundled(cfg, wh, hooks);
  const registry = new Registry(trackingClientFor(cfg, wh, lake));
  const specs = evaluatedSpecs(cfg);
  const fingerprint = await dataFingerprint(wh.db);
  const key = trainingConfigKey(specs, cfg.refitDays);
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
  let took = elapsed(clock);
  const matches = await matchesByLeague(wh);
  const evaluated = await evaluateLatest(wh, specs, cfg.refitDays, { ...hooks, matches });
  const { evaluation, perLeague } = evaluated;
  say(`evaluate: ${specs.length} models on ${evaluation.matches} matches (${took()})`);
  const best = bestModel(evaluation);
  const spec = specs.find((s) => s.name === best)!;
  took = elapsed(clock);
  say(`train: fitting ${best} (best pooled RPS) on all data`);
  hooks.onProgress?.({ step: 'train', done: 0, total: 1, detail: best });
  const [artifact] = await trainAll(wh, [spec], { [best]: trainingMetrics(key, best, evaluated) }, { matches: trainingView(matches) }); // the matches evaluation read, without prices
  hooks.onProgress?.({ step: 'train', done: 1, total: 1, detail: best });
  say(`train: done (${took()})`);
  took = elapsed(clock);
  say(`registry: registering ${REGISTERED_MODEL} (${best}) and checking it against the champion on the same matches`);
  const r = await registerAndPromote({ cfg, wh, registry, artifact: artifact!, spec, evaluation, perLeague });
  const champion = r.champion;
  if (!champion) throw new Error(`${REGISTERED_MODEL} v${r.version.version} was refused earlier (${r.decision.reason}) and there is no champion; promote a version by hand`);
  say(
    r.decision.promote
      ? `registry: ${REGISTERED_MODEL} v${r.version.version} (${best}, pooled RPS ${evaluation.models[best]!.rps.toFixed(4)}) is now @${CHAMPION}: ${r.decision.reason} (${took()})`
      : `registry: ${REGISTERED_MODEL} v${r.version.version} not promoted (${r.decision.reason}); champion stays v${champion.version} (${took()})`,
  );
  return { champion, evaluation, perLeague, reused: false };
}

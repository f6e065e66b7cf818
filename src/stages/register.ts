/**
 * Register-and-promote stage: log the training run, register the artifact as a new version and
 * let the quality gates (src/registry/promotion.ts, `gateAndPromote`) decide whether it becomes
 * @champion. `start` and `time2bet stage register` call {@link registerAndPromote};
 * `train_weekly` runs the same two halves as separate tasks (`logTraining` + `register`, then
 * `gateAndPromote`) with the same policy ({@link promotionPolicy}).
 */
import type { Config } from '../config.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ModelSpec } from '../ml/models/model.ts';
import type { EvaluationReport } from '../ml/evaluation/evaluate.ts';
import { serialiseArtifact, type ModelArtifact } from '../registry/artifact.ts';
import { CHAMPION, VERSION_TAGS, type ModelVersion, type Registry } from '../registry/registry.ts';
import { PROMOTION_TAGS, type Decision } from '../registry/promotion.ts';
import { promotionPolicy, registerTraining } from '../registry/train-and-promote.ts';
import type { BacktestResult } from './backtest.ts';
import { rankedModels, trainingConfigKey } from './evaluate.ts';

export { promotionPolicy };

/** What an artifact records of the evaluation that chose it (the same for every driver). */
export function trainingMetrics(configKey: string, kind: string, e: { evaluation: EvaluationReport; perLeague: BacktestResult[] }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { configKey, evaluation: e.evaluation, perLeague: e.perLeague, pooled: e.evaluation.models[kind], marketPooled: e.evaluation.market, ...extra };
}

export interface RegisterOutcome {
  /** The version registered now, or the one registered earlier with the same artifact. */
  version: ModelVersion;
  champion: ModelVersion | undefined;
  decision: Decision;
  /** False when the same artifact was registered and decided before (nothing new recorded). */
  registered: boolean;
}

/**
 * Register the artifact and gate it against the champion on the evaluation's seasons. The same
 * artifact (same bytes) already registered and decided is not registered again: its recorded
 * decision is returned.
 */
export async function registerAndPromote(opts: {
  cfg: Pick<Config, 'refitDays' | 'promotionRpsTolerance' | 'promotionCalibrationBound'>;
  wh: Warehouse;
  registry: Registry;
  artifact: ModelArtifact;
  spec: ModelSpec<any>;
  evaluation: EvaluationReport;
  perLeague: readonly BacktestResult[];
  now?: () => Date;
}): Promise<RegisterOutcome> {
  const { registry, artifact } = opts;
  const { sha256 } = serialiseArtifact(artifact);
  const current = await registry.byAlias(artifact.name, CHAMPION);
  const earlier = (await registry.list(artifact.name))
    .filter((v) => v.tags[VERSION_TAGS.sha256] === sha256 && (v.version === current?.version || v.tags[PROMOTION_TAGS.decision] !== undefined))
    .sort((a, b) => b.version - a.version)[0];
  if (earlier) {
    const reason = earlier.tags[PROMOTION_TAGS.reason] ?? 'no reason recorded';
    const promote = earlier.version === current?.version;
    return { version: earlier, champion: current, decision: { promote, reason }, registered: false };
  }
  const r = await registerTraining({ cfg: opts.cfg, wh: opts.wh, registry, artifact, spec: opts.spec, evaluation: opts.evaluation, perSeason: opts.perLeague, ...(opts.now ? { now: opts.now } : {}) });
  return { version: r.version, champion: r.outcome.champion, decision: r.outcome.decision, registered: true };
}

/**
 * `time2bet stage register`'s step: of the evaluated models, best pooled RPS first, the first
 * with an artifact is given the evaluation's metrics and registered-and-promoted.
 */
export async function registerBest(opts: {
  cfg: Pick<Config, 'refitDays' | 'promotionRpsTolerance' | 'promotionCalibrationBound'>;
  /** The warehouse the gates score on (the evaluation's data). */
  wh: Warehouse;
  registry: Registry;
  specs: readonly ModelSpec<any>[];
  metrics: { pooled: EvaluationReport; perLeague: BacktestResult[] };
  /** The trained artifact of a model kind, if there is one. */
  artifactOf: (kind: string) => Promise<ModelArtifact | undefined>;
  now?: () => Date;
}): Promise<RegisterOutcome & { kind: string; sha256: string; rps: number }> {
  const ranked = rankedModels(opts.metrics.pooled);
  let chosen: { kind: string; artifact: ModelArtifact } | undefined;
  for (const kind of ranked) {
    const artifact = await opts.artifactOf(kind);
    if (artifact) {
      chosen = { kind, artifact };
      break;
    }
  }
  if (!chosen) throw new Error(`none of the evaluated models (${ranked.join(', ')}) has a trained artifact`);
  const spec = opts.specs.find((s) => s.name === chosen.kind);
  if (!spec) throw new Error(`model "${chosen.kind}" has an artifact but is not among the trained models (${opts.specs.map((s) => s.name).join(', ')})`);
  const evaluated = { evaluation: opts.metrics.pooled, perLeague: opts.metrics.perLeague };
  const artifact: ModelArtifact = { ...chosen.artifact, metrics: trainingMetrics(trainingConfigKey(opts.specs, opts.cfg.refitDays), chosen.kind, evaluated) };
  const r = await registerAndPromote({ cfg: opts.cfg, wh: opts.wh, registry: opts.registry, artifact, spec, evaluation: opts.metrics.pooled, perLeague: opts.metrics.perLeague, ...(opts.now ? { now: opts.now } : {}) });
  return { ...r, kind: chosen.kind, sha256: serialiseArtifact(artifact).sha256, rps: opts.metrics.pooled.models[chosen.kind]!.rps };
}

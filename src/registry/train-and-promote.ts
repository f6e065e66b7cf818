/**
 * The registry side of a training: log the run (params, per-season metrics, data fingerprint,
 * code version), attach the artifact and register it as a new version, then let the quality
 * gates decide whether it becomes champion. `registerTraining` does it all in one call for
 * `time2bet start` (src/stages/pipeline.ts); the DAG `train_weekly`
 * (src/orchestrate/dags/train-weekly.ts) does the same steps in separate tasks with
 * `logTraining`, `promotionPolicy` and `gateAndPromote`, so both follow one policy.
 */
import { PACKAGE_ROOT, type Config } from '../config.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ModelSpec } from '../ml/models/model.ts';
import type { ModelArtifact } from './artifact.ts';
import { gitCodeVersion } from './code-version.ts';
import { gateAndPromote, type GatePolicy, type PromotionOutcome } from './promotion.ts';
import { TRAINING_EXPERIMENT, type ModelVersion, type Registry } from './registry.ts';
import { logTrainingRun, type SeasonReport, type TrainingRunInput } from './training-run.ts';

export interface TrainingRecord {
  runId: string;
  version: ModelVersion;
  outcome: PromotionOutcome;
}

/** The promotion gate's thresholds from the configuration. */
export function promotionPolicy(cfg: Pick<Config, 'promotionRpsTolerance' | 'promotionCalibrationBound'>): GatePolicy {
  return { rpsTolerance: cfg.promotionRpsTolerance, calibrationBound: cfg.promotionCalibrationBound };
}

/**
 * Log the training run of an artifact in the training experiment (params, metrics, data
 * fingerprint, code version) and return its id; the run is left RUNNING for the artifact.
 * `tags` are set after everything else, so a run that carries them is complete.
 */
export async function logTraining(opts: {
  cfg: Pick<Config, 'refitDays'>;
  registry: Registry;
  artifact: ModelArtifact;
  evaluation: TrainingRunInput['evaluation'];
  perSeason: readonly SeasonReport[];
  startTime: number;
  tags?: Record<string, string>;
}): Promise<string> {
  const { registry, artifact } = opts;
  const client = registry.client;
  const experimentId = await client.getOrCreateExperiment(TRAINING_EXPERIMENT);
  const runId = await logTrainingRun(client, {
    experimentId,
    kind: artifact.kind,
    hyper: artifact.hyper,
    refitDays: opts.cfg.refitDays,
    dataFingerprint: artifact.trainingData.fingerprint,
    trainingMatches: artifact.trainingData.matches,
    evaluation: opts.evaluation,
    perSeason: opts.perSeason,
    code: await gitCodeVersion(PACKAGE_ROOT),
    startTime: opts.startTime,
  });
  if (opts.tags && Object.keys(opts.tags).length) await client.logBatch(runId, { tags: opts.tags });
  return runId;
}

export async function registerTraining(opts: {
  cfg: Pick<Config, 'refitDays' | 'promotionRpsTolerance' | 'promotionCalibrationBound'>;
  wh: Warehouse;
  registry: Registry;
  artifact: ModelArtifact;
  spec: ModelSpec<any>;
  evaluation: TrainingRunInput['evaluation'];
  perSeason: readonly SeasonReport[];
  now?: () => Date;
}): Promise<TrainingRecord> {
  const { registry, artifact, cfg } = opts;
  const now = opts.now ?? (() => new Date());
  const client = registry.client;
  const runId = await logTraining({ cfg, registry, artifact, evaluation: opts.evaluation, perSeason: opts.perSeason, startTime: now().getTime() });
  try {
    const version = await registry.register(artifact, { runId });
    const outcome = await gateAndPromote({
      registry,
      wh: opts.wh,
      candidate: version,
      candidateSpec: opts.spec,
      seasons: opts.perSeason.map((s) => ({ league: s.league, season: s.season })),
      refitDays: cfg.refitDays,
      policy: promotionPolicy(cfg),
      at: now(),
      runId,
    });
    await client.finishRun(runId);
    return { runId, version, outcome };
  } catch (e) {
    await client.finishRun(runId, 'FAILED').catch(() => {});
    throw e;
  }
}

/**
 * The newest version already trained on this data with this configuration (promoted or not),
 * so that a refused retrain is not repeated on every start.
 */
export async function alreadyTrained(registry: Registry, name: string, fingerprint: string, configKey: string): Promise<ModelVersion | undefined> {
  const versions = await registry.list(name);
  return versions
    .filter((v) => v.dataFingerprint === fingerprint && v.metrics.configKey === configKey)
    .sort((a, b) => b.version - a.version)[0];
}

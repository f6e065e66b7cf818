/**
 * What a training run records through the tracking client (so it lands in MLflow's data model
 * whichever server is behind): params (model kind, hyper-parameters, evaluation setup), metrics
 * (pooled, per model, and per league-season with the season's first year as the step), the
 * dataset fingerprint and the code version as tags. The artifact is attached by the registry.
 */
import type { TrackingClient } from '../tracking/client/client.ts';
import type { CodeVersion } from './code-version.ts';

interface Scores {
  rps: number;
  logloss: number;
  brier: number;
  accuracy: number;
}
export interface SeasonReport {
  league: string;
  season: string;
  matches: number;
  market: Scores;
  models: Record<string, Scores>;
}

export interface TrainingRunInput {
  experimentId: string;
  kind: string;
  hyper: Record<string, unknown>;
  refitDays: number;
  dataFingerprint: string;
  trainingMatches: number;
  /** Pooled evaluation of every model and the market, and the same per league-season. */
  evaluation: { matches: number; market: Scores & { source?: string }; models: Record<string, Scores> };
  perSeason: readonly SeasonReport[];
  code?: CodeVersion;
  startTime?: number;
}

export const RUN_TAGS = {
  fingerprint: 'time2bet.data_fingerprint',
  gitCommit: 'mlflow.source.git.commit',
  dirty: 'time2bet.source.dirty',
  sourceName: 'mlflow.source.name',
  sourceType: 'mlflow.source.type',
} as const;

const SCORES = ['rps', 'logloss', 'brier', 'accuracy'] as const;

/** Create the run and log everything but the artifact; returns the run id (still RUNNING). */
export async function logTrainingRun(client: TrackingClient, t: TrainingRunInput): Promise<string> {
  const tags: Record<string, string> = {
    [RUN_TAGS.fingerprint]: t.dataFingerprint,
    [RUN_TAGS.sourceName]: 'time2bet',
    [RUN_TAGS.sourceType]: 'LOCAL',
  };
  if (t.code) {
    tags[RUN_TAGS.gitCommit] = t.code.commit;
    tags[RUN_TAGS.dirty] = String(t.code.dirty);
  }
  const run = await client.createRun({ experimentId: t.experimentId, runName: `train-${t.kind}`, startTime: t.startTime, tags });
  const runId = run.info.run_id;
  const params: Record<string, string> = {
    model: t.kind,
    refit_days: String(t.refitDays),
    data_fingerprint: t.dataFingerprint,
    training_matches: String(t.trainingMatches),
    evaluation_matches: String(t.evaluation.matches),
    evaluation_seasons: t.perSeason.map((s) => `${s.league} ${s.season}`).join(', ').slice(0, 6000),
    market_source: (t.evaluation.market.source ?? '').slice(0, 6000),
  };
  for (const [k, v] of Object.entries(t.hyper)) params[`hyper.${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
  const metrics: { key: string; value: number; step?: number }[] = [];
  const mine = t.evaluation.models[t.kind];
  for (const s of SCORES) {
    if (mine) metrics.push({ key: s, value: mine[s] });
    metrics.push({ key: `market.${s}`, value: t.evaluation.market[s] });
    for (const [model, sc] of Object.entries(t.evaluation.models)) metrics.push({ key: `${model}.${s}`, value: sc[s] });
  }
  if (mine) metrics.push({ key: 'rps_minus_market', value: mine.rps - t.evaluation.market.rps });
  for (const s of t.perSeason) {
    const step = Number(s.season.slice(0, 4)) || 0;
    const m = s.models[t.kind];
    if (m) for (const k of SCORES) metrics.push({ key: `${k}.${s.league}`, value: m[k], step });
    metrics.push({ key: `market.rps.${s.league}`, value: s.market.rps, step }, { key: `matches.${s.league}`, value: s.matches, step });
  }
  await client.logBatch(runId, { params, metrics });
  return runId;
}

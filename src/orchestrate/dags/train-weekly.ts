/**
 * `train_weekly`: every Sunday 00:00 UTC, evaluate → train → register → promote, with the same
 * stages, tracking and promotion policy as `time2bet start` (src/stages/, src/registry/), on the
 * same tracking server and registry (MLFLOW_TRACKING_URI, else the built-in one).
 *
 *   evaluate — the evaluate stage (src/stages/evaluate.ts): walk forward through the latest
 *              season of each league for every configured model spec (untuned, as `start`
 *              does), scored next to the market; picks the best model by pooled RPS (`bestModel`). Skips the rest of the run when a
 *              version was already trained and decided on the same data and configuration
 *              (nothing new to learn; a refused retrain is not repeated every week).
 *   train    — fit that same spec on all data (train stage); the artifact goes to the lake
 *              under this run's key, so a retry overwrites it.
 *   register — log a training run (params, per-season metrics, data fingerprint, code version,
 *              tagged with this DAG run) and register the artifact as a new model version of
 *              it. Idempotent: a retry finds the version this DAG run registered, or else the
 *              run it logged, instead of making a second one.
 *   promote  — `gateAndPromote` (src/registry/promotion.ts): the candidate and the champion are
 *              walked forward on the same evaluation matches; @champion moves only if the RPS is
 *              no worse than TIME2BET_PROMOTION_RPS_TOLERANCE and the calibration error is within
 *              TIME2BET_PROMOTION_CALIBRATION_BOUND (the first version is always promoted). The
 *              decision and its reason go to the version's and the run's tags; a refusal ends the
 *              task as skipped with the reason.
 */
import { dataFingerprint } from '../../warehouse/queries.ts';
import type { EvaluationReport } from '../../ml/evaluation/evaluate.ts';
import type { Config } from '../../config.ts';
import { CHAMPION, Registry, TRAINING_EXPERIMENT, type ModelVersion } from '../../registry/registry.ts';
import { trackingClientFor } from '../../tracking/open.ts';
import { parseArtifact, serialiseArtifact, type ModelArtifact } from '../../registry/artifact.ts';
import { RUN_TAGS } from '../../registry/training-run.ts';
import { gateAndPromote, PROMOTION_TAGS } from '../../registry/promotion.ts';
import { alreadyTrained, logTraining } from '../../registry/train-and-promote.ts';
import type { ModelSpec } from '../../ml/models/model.ts';
import { bestModel, describeSeason, evaluateLatest, evaluatedSpecs, trainingConfigKey } from '../../stages/evaluate.ts';
import { promotionPolicy, trainingMetrics } from '../../stages/register.ts';
import type { BacktestResult } from '../../stages/backtest.ts';
import { REGISTERED_MODEL, trainAll } from '../../stages/train.ts';
import { defineDag, type TaskContext } from '../dag/define.ts';

/** Run tag naming the DAG run (`<dag id>/<run id>`) that logged a training run. */
export const DAG_RUN_TAG = 'time2bet.dag_run';

/** The spec evaluate chose, as evaluate scored it (train fits it, promote gates it). */
function chosenSpec(cfg: Pick<Config, 'models'>, name: string): ModelSpec<any> {
  const spec = evaluatedSpecs(cfg).find((s) => s.name === name);
  if (!spec) throw new Error(`model "${name}" chosen by evaluate is no longer among TIME2BET_MODELS (${cfg.models}); clear the whole run to evaluate again`);
  return spec;
}

/** The registry `start` and `serve` use (MLFLOW_TRACKING_URI, else the built-in server). */
const registryOf = (ctx: TaskContext) => new Registry(trackingClientFor(ctx.cfg, ctx.wh, ctx.lake));

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The complete training run a previous try of this DAG run logged for this artifact, if any. */
async function loggedRun(registry: Registry, dagRun: string, artifact: ModelArtifact): Promise<string | undefined> {
  const experiment = await registry.client.getExperimentByName(TRAINING_EXPERIMENT);
  if (!experiment) return undefined;
  const { runs } = await registry.client.searchRuns({
    experimentIds: [experiment.experiment_id],
    filter: `tags.\`${DAG_RUN_TAG}\` = ${quote(dagRun)} and tags.\`${RUN_TAGS.fingerprint}\` = ${quote(artifact.trainingData.fingerprint)} and params.model = ${quote(artifact.kind)}`,
    maxResults: 1,
  });
  return runs[0]?.info.run_id;
}

async function finishIfRunning(registry: Registry, runId: string | undefined): Promise<void> {
  if (runId && (await registry.client.getRun(runId)).info.status === 'RUNNING') await registry.client.finishRun(runId);
}

interface Evaluated {
  fingerprint: string;
  configKey: string;
  best: string;
  evaluation: EvaluationReport;
  perLeague: BacktestResult[];
}

interface Registered {
  version: number;
  kind: string;
  runId: string | null;
}

const runKey = (runId: string) => runId.replace(/[^A-Za-z0-9._=@+-]/g, '_');

export const trainWeekly = defineDag({
  id: 'train_weekly',
  description: 'evaluate the models walk-forward, train the best, register it with its training run, promote it if it beats the champion on the same matches',
  schedule: '@weekly',
  startDate: new Date('2024-01-07T00:00:00Z'),
  catchup: false,
  maxActiveRuns: 1,
  defaults: { retries: 1, retryDelayMs: 5 * 60_000, retryExponentialBackoff: true },
  tasks: [
    {
      id: 'evaluate',
      executionTimeoutMs: 4 * 3600_000,
      async run(ctx): Promise<Evaluated> {
        const specs = evaluatedSpecs(ctx.cfg);
        const fingerprint = await dataFingerprint(ctx.wh.db);
        const key = trainingConfigKey(specs, ctx.cfg.refitDays);
        const registry = registryOf(ctx);
        const current = await registry.byAlias(REGISTERED_MODEL, CHAMPION);
        const done = current && (await alreadyTrained(registry, REGISTERED_MODEL, fingerprint, key));
        // A version whose promote never finished has no decision yet: this run trains and decides again.
        const decided = done && (done.version === current!.version || done.tags[PROMOTION_TAGS.decision] !== undefined);
        const servable = async (v: ModelVersion) => registry.loadArtifact(v).then(() => true, () => false);
        if (current && done && decided && (await servable(current))) {
          ctx.skip(
            done.version === current.version
              ? `champion ${REGISTERED_MODEL} v${current.version} was trained on the same data and configuration`
              : `${REGISTERED_MODEL} v${done.version} was trained on the same data and configuration (${done.tags[PROMOTION_TAGS.decision]}: ${done.tags[PROMOTION_TAGS.reason] ?? 'no reason recorded'}); champion v${current.version} stays`,
          );
        }
        const { evaluation, perLeague } = await evaluateLatest(ctx.wh, specs, ctx.cfg.refitDays, { signal: ctx.signal });
        for (const r of perLeague) ctx.log(describeSeason(r));
        const best = bestModel(evaluation);
        ctx.log(`best: ${best} (pooled RPS ${evaluation.models[best]!.rps.toFixed(4)}, market ${evaluation.market.rps.toFixed(4)})`);
        return { fingerprint, configKey: key, best, evaluation, perLeague };
      },
    },
    {
      id: 'train',
      deps: ['evaluate'],
      executionTimeoutMs: 2 * 3600_000,
      async run(ctx) {
        const e = (await ctx.pull<Evaluated>('evaluate'))!;
        const spec = chosenSpec(ctx.cfg, e.best);
        const metrics = trainingMetrics(e.configKey, e.best, e, { dagRun: `${ctx.dagId}/${ctx.runId}` });
        const [artifact] = await trainAll(ctx.wh, [spec], { [e.best]: metrics }, { onLeague: (league, i, n) => ctx.log(`fit ${e.best} ${league} (${i + 1}/${n})`) });
        const key = `orchestration/${ctx.dagId}/${runKey(ctx.runId)}/${e.best}.json`;
        await ctx.lake.put(key, serialiseArtifact(artifact!).bytes);
        ctx.log(`artifact ${key} (${artifact!.trainingData.matches} training matches)`);
        return { artifactKey: key, kind: e.best };
      },
    },
    {
      id: 'register',
      deps: ['train'],
      async run(ctx): Promise<Registered> {
        const e = (await ctx.pull<Evaluated>('evaluate'))!;
        const t = (await ctx.pull<{ artifactKey: string; kind: string }>('train'))!;
        const bytes = await ctx.lake.get(t.artifactKey);
        if (!bytes) throw new Error(`artifact ${t.artifactKey} is missing from the lake (${ctx.lake.location}); clear train to rebuild it`);
        const artifact = parseArtifact(new TextDecoder().decode(bytes), t.artifactKey);
        const registry = registryOf(ctx);
        const dagRun = `${ctx.dagId}/${ctx.runId}`;
        const previous = (await registry.list(REGISTERED_MODEL)).find((v) => v.metrics.dagRun === dagRun && v.dataFingerprint === artifact.trainingData.fingerprint && v.kind === artifact.kind);
        if (previous) {
          if (previous.runId && (await registry.client.getRun(previous.runId)).info.status !== 'FINISHED') await registry.client.finishRun(previous.runId);
          ctx.log(`already registered ${REGISTERED_MODEL} v${previous.version} (${previous.kind}, training run ${previous.runId ?? 'none'})`);
          return { version: previous.version, kind: previous.kind, runId: previous.runId ?? null };
        }
        const logged = await loggedRun(registry, dagRun, artifact);
        const runId =
          logged ??
          (await logTraining({ cfg: ctx.cfg, registry, artifact, evaluation: e.evaluation, perSeason: e.perLeague, startTime: Date.now(), tags: { [DAG_RUN_TAG]: dagRun } }));
        try {
          const version = await registry.register(artifact, { runId });
          await registry.client.finishRun(runId);
          ctx.log(`registered ${REGISTERED_MODEL} v${version.version} (${version.kind}) with training run ${runId}${logged ? ' (logged by an earlier try)' : ''}`);
          return { version: version.version, kind: version.kind, runId };
        } catch (err) {
          // A retry reuses the run (and finishes it); after the last try it is marked failed.
          if (ctx.tryNumber >= ctx.maxTries) await registry.client.finishRun(runId, 'FAILED').catch(() => {});
          throw err;
        }
      },
    },
    {
      id: 'promote',
      deps: ['register'],
      async run(ctx) {
        const e = (await ctx.pull<Evaluated>('evaluate'))!;
        const r = (await ctx.pull<Registered>('register'))!;
        const registry = registryOf(ctx);
        const candidate = await registry.get(REGISTERED_MODEL, r.version);
        const current = await registry.byAlias(REGISTERED_MODEL, CHAMPION);
        if (current?.version === candidate.version) {
          // An earlier try promoted it; its decision is in the tags already.
          ctx.log(`${REGISTERED_MODEL} v${candidate.version} is already @${CHAMPION} (${candidate.tags[PROMOTION_TAGS.reason] ?? 'no reason recorded'})`);
          return { champion: candidate.version, previous: Number(candidate.tags[PROMOTION_TAGS.previous]) || null, reason: candidate.tags[PROMOTION_TAGS.reason] ?? null };
        }
        const seasons = e.perLeague.map((s) => ({ league: s.league, season: s.season }));
        ctx.log(`gate: v${candidate.version} (${e.best}) against ${current ? `champion v${current.version} (${current.kind})` : 'no champion'} on ${seasons.map((s) => `${s.league} ${s.season}`).join(', ')}`);
        const outcome = await gateAndPromote({
          registry,
          wh: ctx.wh,
          candidate,
          candidateSpec: chosenSpec(ctx.cfg, e.best),
          seasons,
          refitDays: ctx.cfg.refitDays,
          policy: promotionPolicy(ctx.cfg),
          at: new Date(),
          ...(candidate.runId ? { runId: candidate.runId } : {}),
        });
        if (!outcome.decision.promote) ctx.skip(`v${candidate.version} not promoted: ${outcome.decision.reason}`);
        ctx.log(`${REGISTERED_MODEL} v${candidate.version} is now @${CHAMPION}${current ? ` (was v${current.version})` : ''}: ${outcome.decision.reason}`);
        return { champion: candidate.version, previous: current?.version ?? null, reason: outcome.decision.reason };
      },
    },
  ],
});

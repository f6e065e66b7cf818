import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { forEachEngine } from '../helpers/warehouses.ts';
import { bundled, tempDir } from '../helpers/football-data.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { dataFingerprint } from '../../src/warehouse/queries.ts';
import { builtInDags } from '../../src/orchestrate/dags/index.ts';
import { DAG_RUN_TAG } from '../../src/orchestrate/dags/train-weekly.ts';
import { backfill, triggerRun } from '../../src/orchestrate/scheduler/commands.ts';
import { selectModelSpecs } from '../../src/ml/index.ts';
import type { Config } from '../../src/config.ts';
import type { ObjectStore } from '../../src/lake/store.ts';
import { CHAMPION, Registry, TRAINING_EXPERIMENT } from '../../src/registry/registry.ts';
import { PROMOTION_TAGS } from '../../src/registry/promotion.ts';
import { fromKeyValues } from '../../src/tracking/client/client.ts';
import { REGISTERED_MODEL } from '../../src/stages/train.ts';
import { harness, states, testConfig, tries } from './harness.ts';

function dataDir(): string {
  const dir = tempDir('t2b-orch-data-');
  mkdirSync(path.join(dir, 'E0'));
  for (const f of ['E0/2021-2022.csv', 'E0/2022-2023.csv']) copyFileSync(bundled(f), path.join(dir, f));
  return dir;
}

async function warehouseState(wh: Warehouse) {
  const counts = (await sql<{ t: string; n: number }>`
    select 'matches' as t, count(*)::int as n from matches union all select 'odds', count(*)::int from odds
    union all select 'match_stats', count(*)::int from match_stats union all select 'ingestion_runs', count(*)::int from ingestion_runs
    union all select 'dag_runs', count(*)::int from dag_runs union all select 'task_instances', count(*)::int from task_instances`.execute(wh.db)).rows;
  return { counts: Object.fromEntries(counts.map((r) => [r.t, Number(r.n)])), fingerprint: await dataFingerprint(wh.db) };
}

forEachEngine('ingest_daily loads the data folder and snapshots it; a backfilled range run twice leaves the same warehouse and lake', async (wh) => {
  const now = new Date('2024-03-01T00:00:00Z');
  const h = harness(wh, builtInDags(), { cfg: testConfig({ TIME2BET_DATA_DIR: dataDir() }), now: () => now, createScheduledRuns: false });
  const dag = h.dags.get('ingest_daily')!;
  const range = { from: new Date('2024-02-10T00:00:00Z'), to: new Date('2024-02-11T00:00:00Z'), now };
  const first = await backfill(wh.db, dag, range);
  assert.equal(first.runs.length, 2);
  await h.settle();
  const once = await warehouseState(wh);
  assert.equal(once.counts.matches, 760);
  assert.equal(once.counts.dag_runs, 2);
  const xcoms = async (task: string) =>
    (await wh.db.selectFrom('task_instances').select(['state', 'xcom']).where('task_id', '=', task).orderBy('dag_run_id').execute()).map((r) => [r.state, (r.xcom as { value: Record<string, unknown> }).value]);
  assert.deepEqual((await xcoms('load_football_data')).map(([s, v]) => [s, (v as { loaded: number }).loaded]), [['success', 2], ['success', 0]], 'the second interval found nothing new');
  const snaps = (await xcoms('snapshot')).map(([s, v]) => [s, ...['id', 'created'].map((k) => (v as Record<string, unknown>)[k])]);
  assert.equal(snaps[0]![0], 'success');
  assert.deepEqual(snaps.map((x) => x.slice(1)), [[snaps[0]![1], true], [snaps[0]![1], false]], 'the same content gives the same snapshot, published once');
  assert.ok(await h.services.lake.exists(`snapshots/${String(snaps[0]![1])}/manifest.json`));
  await backfill(wh.db, dag, range);
  await h.settle();
  assert.deepEqual(await warehouseState(wh), once);
  assert.deepEqual((await xcoms('snapshot')).map(([, v]) => (v as { id: string }).id), [snaps[0]![1], snaps[0]![1]]);
  assert.deepEqual((await wh.db.selectFrom('dag_runs').select('state').execute()).map((r) => r.state), ['success', 'success']);
});

async function trainingRuns(registry: Registry) {
  const experiment = await registry.client.getExperimentByName(TRAINING_EXPERIMENT);
  return experiment ? (await registry.client.searchRuns({ experimentIds: [experiment.experiment_id] })).runs : [];
}

const taskError = async (wh: Warehouse, runId: number, task: string) =>
  (await wh.db.selectFrom('task_instances').select('error').where('dag_run_id', '=', runId).where('task_id', '=', task).executeTakeFirstOrThrow()).error;

/** Make the next write of a model artifact into the tracking store fail once (a register try dying half-way). */
function failNextModelUpload(lake: ObjectStore): void {
  let armed = true;
  const trip = (key: string) => {
    if (armed && key.endsWith('/model/model.json')) {
      armed = false;
      throw new Error(`injected failure writing ${key}`);
    }
  };
  const { put, putStream } = lake;
  lake.put = async (key, body) => (trip(key), put.call(lake, key, body));
  lake.putStream = async (key, body) => (trip(key), putStream.call(lake, key, body));
}

forEachEngine('train_weekly logs a training run, registers the untuned best model once despite a retried register, promotes the first; an unchanged warehouse skips it', async (wh) => {
  let now = new Date('2024-03-01T00:00:00Z');
  const h = harness(wh, builtInDags(), { cfg: testConfig({ TIME2BET_DATA_DIR: dataDir(), TIME2BET_REFIT_DAYS: '30' }), now: () => now, createScheduledRuns: false });
  await triggerRun(wh.db, h.dags.get('ingest_daily')!, now);
  await h.settle();
  failNextModelUpload(h.services.lake);
  const run = await triggerRun(wh.db, h.dags.get('train_weekly')!, now);
  for (let i = 0; i < 50 && (await states(wh, run.id)).register !== 'up_for_retry'; i++) {
    await h.scheduler.tick();
    await h.executor.drain();
  }
  assert.equal((await states(wh, run.id)).register, 'up_for_retry', 'the first register try failed after logging its training run');
  now = new Date(now.getTime() + 3600_000); // past the retry delay
  await h.settle();
  const failed = await wh.db.selectFrom('task_instances').select(['task_id', 'error']).where('dag_run_id', '=', run.id).where('error', 'is not', null).execute();
  assert.deepEqual(await states(wh, run.id), { evaluate: 'success', train: 'success', register: 'success', promote: 'success' }, JSON.stringify(failed));
  assert.equal((await tries(wh, run.id, 'register')).length, 2);

  const registry = new Registry(wh, h.services.lake);
  const versions = await registry.list(REGISTERED_MODEL);
  assert.equal(versions.length, 1, 'one version despite the retry');
  const champion = (await registry.byAlias(REGISTERED_MODEL, CHAMPION))!;
  assert.equal(champion.version, 1);
  assert.equal(champion.metrics.dagRun, `train_weekly/${run.run_id}`);
  assert.equal(champion.dataFingerprint, await dataFingerprint(wh.db));
  const evaluated = (await wh.db.selectFrom('task_instances').select('xcom').where('dag_run_id', '=', run.id).where('task_id', '=', 'evaluate').executeTakeFirstOrThrow()).xcom as { value: { best: string; evaluation: { matches: number } } };
  assert.equal(champion.kind, evaluated.value.best);
  assert.ok(evaluated.value.evaluation.matches >= 370);
  // Trained (and gated) with the spec evaluate scored: the configured model's untuned defaults, as `start` uses.
  const untuned = selectModelSpecs([champion.kind], {}, { tune: false })[0]!;
  const artifact = await registry.loadArtifact(champion);
  assert.deepEqual(artifact.hyper, JSON.parse(JSON.stringify(untuned.hyper)));
  assert.deepEqual(Object.values(artifact.leagues).filter((l) => 'tuning' in l.params), [], 'fitted without a hyper-parameter search');
  // Promoted by the gate `start` uses, its decision on the version and on the run.
  assert.equal(champion.tags[PROMOTION_TAGS.decision], 'promoted');
  assert.match(champion.tags[PROMOTION_TAGS.reason]!, /^no champion yet; RPS 0\.\d{4}, .* on \d+ matches$/);

  // One training run, the one the first try logged: linked to the version, complete, tagged with the DAG run.
  const runs = await trainingRuns(registry);
  assert.equal(runs.length, 1, 'the retry reused the training run the first try logged');
  const tracked = runs[0]!;
  assert.equal(champion.runId, tracked.info.run_id);
  assert.equal(tracked.info.status, 'FINISHED');
  const tags = fromKeyValues(tracked.data.tags);
  assert.equal(tags[DAG_RUN_TAG], `train_weekly/${run.run_id}`);
  assert.equal(tags['time2bet.data_fingerprint'], champion.dataFingerprint);
  assert.equal(tags[PROMOTION_TAGS.decision], 'promoted');
  const params = fromKeyValues(tracked.data.params);
  assert.equal(params.model, champion.kind);
  assert.equal(params.refit_days, '30');
  assert.equal(params.evaluation_seasons, 'E0 2022-2023');
  assert.ok(tracked.data.metrics?.some((m) => m.key === 'rps'), 'evaluation metrics are logged');
  assert.deepEqual(await registry.client.listArtifacts(tracked.info.run_id, 'model').then((l) => l.map((f) => f.path)), ['model/model.json']);

  const again = await triggerRun(wh.db, h.dags.get('train_weekly')!, new Date(now.getTime() + 1));
  await h.settle();
  assert.deepEqual(await states(wh, again.id), { evaluate: 'skipped', train: 'skipped', register: 'skipped', promote: 'skipped' });
  assert.equal((await wh.db.selectFrom('dag_runs').select('state').where('id', '=', again.id).executeTakeFirstOrThrow()).state, 'success');
  assert.equal((await registry.list(REGISTERED_MODEL)).length, 1, 'nothing new registered');
  assert.equal((await trainingRuns(registry)).length, 1, 'no new training run');
});

forEachEngine('train_weekly promotes a model that beats the champion on the same matches, refuses a worse one (champion stays, reason recorded), and does not retrain a refused one', async (wh) => {
  const now = new Date('2024-03-01T00:00:00Z');
  // Calibration error is noisy on one season (380 matches, about 0.07 for every model); the RPS gate is the one under test.
  const base = testConfig({ TIME2BET_DATA_DIR: dataDir(), TIME2BET_REFIT_DAYS: '30', TIME2BET_PROMOTION_CALIBRATION_BOUND: '0.2' });
  // One scheduler per model list (TIME2BET_MODELS), over the same warehouse and lake.
  const withModels = (models: string) => harness(wh, builtInDags(), { cfg: { ...base, models } as Config, now: () => now, createScheduledRuns: false });
  const trainWith = async (models: string, at: number) => {
    const h = withModels(models);
    const run = await triggerRun(wh.db, h.dags.get('train_weekly')!, new Date(now.getTime() + at));
    await h.settle();
    return run;
  };
  const first = withModels('dixon-coles');
  await triggerRun(wh.db, first.dags.get('ingest_daily')!, now);
  await first.settle();
  const registry = new Registry(wh, first.services.lake);
  const championVersion = async () => (await registry.byAlias(REGISTERED_MODEL, CHAMPION))?.version;

  // v1 (dixon-coles): nothing to compare with, promoted.
  const r1 = await trainWith('dixon-coles', 1);
  assert.equal((await states(wh, r1.id)).promote, 'success');
  assert.equal(await championVersion(), 1);

  // v2 (elo, about 0.006 better RPS on E0 2022-2023): both walked forward on the same matches, promoted.
  const r2 = await trainWith('elo', 2);
  assert.equal((await states(wh, r2.id)).promote, 'success', String(await taskError(wh, r2.id, 'promote')));
  assert.equal(await championVersion(), 2);
  const v2 = await registry.get(REGISTERED_MODEL, 2);
  assert.equal(v2.kind, 'elo');
  assert.equal(v2.tags[PROMOTION_TAGS.decision], 'promoted');
  assert.equal(v2.tags[PROMOTION_TAGS.previous], '1');
  assert.match(v2.tags[PROMOTION_TAGS.reason]!, /vs champion v1's .* on the same 380 matches/);

  // v3 (pi, about 0.006 worse than elo): refused; the champion stays, the reason is on v3 and its run, the run still succeeds.
  const r3 = await trainWith('pi', 3);
  assert.deepEqual(await states(wh, r3.id), { evaluate: 'success', train: 'success', register: 'success', promote: 'skipped' });
  assert.equal((await wh.db.selectFrom('dag_runs').select('state').where('id', '=', r3.id).executeTakeFirstOrThrow()).state, 'success');
  assert.equal(await championVersion(), 2, 'the champion stays');
  const v3 = await registry.get(REGISTERED_MODEL, 3);
  assert.equal(v3.kind, 'pi');
  assert.equal(v3.tags[PROMOTION_TAGS.decision], 'refused');
  const reason = v3.tags[PROMOTION_TAGS.reason]!;
  assert.match(reason, /^RPS 0\.\d{4} is worse than champion v2's 0\.\d{4} by 0\.\d{4} \(tolerance 0\.0005\) on the same 380 matches; champion v2 stays$/);
  const gate = JSON.parse(v3.tags[PROMOTION_TAGS.gate]!);
  assert.equal(gate.candidate.matches, gate.champion.matches, 'both scored on the same matches');
  assert.equal(await taskError(wh, r3.id, 'promote'), `v3 not promoted: ${reason}`, 'the skipped task says why');
  assert.equal(fromKeyValues((await registry.client.getRun(v3.runId!)).data.tags)[PROMOTION_TAGS.decision], 'refused');

  // The same data and models again: the refused retrain is not repeated.
  const r4 = await trainWith('pi', 4);
  assert.equal((await states(wh, r4.id)).evaluate, 'skipped');
  assert.match(String(await taskError(wh, r4.id, 'evaluate')), /v3 was trained on the same data and configuration \(refused: .*\); champion v2 stays/);
  assert.equal((await registry.list(REGISTERED_MODEL)).length, 3);
  assert.equal(await championVersion(), 2);
});

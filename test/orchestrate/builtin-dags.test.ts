import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { forEachEngine } from '../helpers/warehouses.ts';
import { bundled, tempDir } from '../helpers/football-data.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { dataFingerprint } from '../../src/warehouse/queries.ts';
import { builtInDags } from '../../src/orchestrate/dags/index.ts';
import { promotionGates } from '../../src/orchestrate/dags/train-weekly.ts';
import { backfill, triggerRun } from '../../src/orchestrate/scheduler/commands.ts';
import { Registry } from '../../src/tracking/registry.ts';
import { REGISTERED_MODEL } from '../../src/orchestrate/stages/train.ts';
import { harness, states, testConfig } from './harness.ts';

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

forEachEngine('train_weekly evaluates, trains, registers and promotes; an unchanged warehouse skips it', async (wh) => {
  const now = new Date('2024-03-01T00:00:00Z');
  const h = harness(wh, builtInDags(), { cfg: testConfig({ TIME2BET_DATA_DIR: dataDir(), TIME2BET_REFIT_DAYS: '30' }), now: () => now, createScheduledRuns: false });
  await triggerRun(wh.db, h.dags.get('ingest_daily')!, now);
  await h.settle();
  const run = await triggerRun(wh.db, h.dags.get('train_weekly')!, now);
  await h.settle();
  const failed = await wh.db.selectFrom('task_instances').select(['task_id', 'error']).where('dag_run_id', '=', run.id).where('error', 'is not', null).execute();
  assert.deepEqual(await states(wh, run.id), { evaluate: 'success', train: 'success', register: 'success', promote: 'success' }, JSON.stringify(failed));
  const registry = new Registry(wh, h.services.lake);
  const champion = (await registry.byAlias(REGISTERED_MODEL, 'champion'))!;
  assert.equal(champion.version, 1);
  assert.equal(champion.metrics.dagRun, `train_weekly/${run.run_id}`);
  assert.equal(champion.dataFingerprint, await dataFingerprint(wh.db));
  const evaluated = (await wh.db.selectFrom('task_instances').select('xcom').where('dag_run_id', '=', run.id).where('task_id', '=', 'evaluate').executeTakeFirstOrThrow()).xcom as { value: { best: string; evaluation: { matches: number } } };
  assert.equal(champion.kind, evaluated.value.best);
  assert.ok(evaluated.value.evaluation.matches >= 370);

  const again = await triggerRun(wh.db, h.dags.get('train_weekly')!, new Date(now.getTime() + 1));
  await h.settle();
  assert.deepEqual(await states(wh, again.id), { evaluate: 'skipped', train: 'skipped', register: 'skipped', promote: 'skipped' });
  assert.equal((await wh.db.selectFrom('dag_runs').select('state').where('id', '=', again.id).executeTakeFirstOrThrow()).state, 'success');
  assert.equal((await registry.list(REGISTERED_MODEL)).length, 1, 'nothing new registered');
});

test('promotion gates: too few matches, far from the market, or worse than the champion block promotion', () => {
  const perLeague = [{ league: 'E0', season: '2022-2023', matches: 380 }] as never;
  const evaluation = { matches: 380, market: { rps: 0.19, logloss: 0, brier: 0, accuracy: 0, source: 'm' }, models: { elo: { rps: 0.2, logloss: 0, brier: 0, accuracy: 0 } } };
  const pass = promotionGates({ best: 'elo', evaluation, perLeague });
  assert.ok(pass.every((g) => g.passed), JSON.stringify(pass));
  const few = promotionGates({ best: 'elo', evaluation: { ...evaluation, matches: 50 }, perLeague });
  assert.deepEqual(few.filter((g) => !g.passed).map((g) => g.name), ['enough_matches']);
  const far = promotionGates({ best: 'elo', evaluation: { ...evaluation, models: { elo: { ...evaluation.models.elo, rps: 0.25 } } }, perLeague });
  assert.deepEqual(far.filter((g) => !g.passed).map((g) => g.name), ['near_market']);
  const worse = promotionGates({ best: 'elo', evaluation, perLeague }, { metrics: { pooled: { rps: 0.195 }, perLeague } });
  assert.deepEqual(worse.filter((g) => !g.passed).map((g) => g.name), ['no_regression']);
  const otherSeasons = promotionGates({ best: 'elo', evaluation, perLeague }, { metrics: { pooled: { rps: 0.195 }, perLeague: [] } });
  assert.ok(otherSeasons.every((g) => g.passed));
});

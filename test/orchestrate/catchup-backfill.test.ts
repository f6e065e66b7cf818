import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { forEachEngine } from '../helpers/warehouses.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import type { DagSpec } from '../../src/orchestrate/dag/define.ts';
import { backfill, clearRuns, triggerRun } from '../../src/orchestrate/scheduler/commands.ts';
import { claimTask, queueTask } from '../../src/orchestrate/scheduler/task-state.ts';
import { harness, states, tries } from './harness.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

function clock(start: string) {
  let t = Date.parse(start);
  return { now: () => new Date(t), set: (s: string) => (t = Date.parse(s)) };
}

const daily = (id: string, catchup: boolean, seen: string[], extra: Partial<DagSpec> = {}): DagSpec => ({
  id,
  schedule: '@daily',
  startDate: new Date('2024-01-01T00:00:00Z'),
  catchup,
  tasks: [{ id: 't', async run(ctx) { seen.push(`${iso(ctx.dataIntervalStart)}/${iso(ctx.dataIntervalEnd)}`); } }],
  ...extra,
});

forEachEngine('catchup creates exactly the missed intervals; without catchup only the latest', async (wh) => {
  const c = clock('2024-01-10T05:00:00Z');
  const seen: string[] = [];
  const latest: string[] = [];
  const h = harness(wh, [daily('caught', true, seen, { maxActiveRuns: 3 }), daily('latest', false, latest)], { now: c.now });
  await h.scheduler.tick();
  const runs = await wh.db.selectFrom('dag_runs').selectAll().where('dag_id', '=', 'caught').orderBy('logical_date').execute();
  assert.deepEqual(runs.map((r) => iso(r.logical_date)), Array.from({ length: 9 }, (_, i) => iso(new Date(Date.UTC(2024, 0, i + 1)))));
  assert.ok(runs.every((r) => r.run_type === 'scheduled' && r.run_id === `scheduled__${iso(r.logical_date).replace('.000Z', '+00:00')}`));
  assert.equal(runs.filter((r) => r.state === 'running').length, 3, 'max_active_runs = 3');
  await h.settle();
  assert.deepEqual(seen.sort(), Array.from({ length: 9 }, (_, i) => {
    const s = new Date(Date.UTC(2024, 0, i + 1));
    return `${iso(s)}/${iso(new Date(s.getTime() + 86_400_000))}`;
  }));
  assert.deepEqual(latest, ['2024-01-09T00:00:00.000Z/2024-01-10T00:00:00.000Z']);
  await h.scheduler.tick(); // nothing new is due
  assert.equal((await wh.db.selectFrom('dag_runs').select('id').execute()).length, 10);
  c.set('2024-01-12T00:00:00Z'); // two more intervals have ended: [10th, 11th) and [11th, 12th)
  await h.settle();
  const after = await wh.db.selectFrom('dag_runs').select(['dag_id', 'logical_date', 'state']).where('logical_date', '>=', new Date('2024-01-10T00:00:00Z')).orderBy('dag_id').orderBy('logical_date').execute();
  assert.deepEqual(after.map((r) => `${r.dag_id} ${iso(r.logical_date)} ${r.state}`), [
    'caught 2024-01-10T00:00:00.000Z success',
    'caught 2024-01-11T00:00:00.000Z success',
    'latest 2024-01-11T00:00:00.000Z success',
  ]);
});

async function snapshot(wh: Warehouse) {
  const runs = await wh.db.selectFrom('dag_runs').select(['run_id', 'run_type', 'state', 'data_interval_start', 'data_interval_end']).orderBy('run_id').execute();
  const tis = await wh.db.selectFrom('task_instances as ti').innerJoin('dag_runs as r', 'r.id', 'ti.dag_run_id').select(['r.run_id', 'ti.task_id', 'ti.state']).orderBy('r.run_id').orderBy('ti.task_id').execute();
  const data = (await sql<{ day: string; matches: number; total: number }>`select day::text as day, matches, total from orch_partitions order by day`.execute(wh.db)).rows;
  return { runs: runs.map((r) => ({ ...r, data_interval_start: iso(r.data_interval_start), data_interval_end: iso(r.data_interval_end) })), tis, data };
}

forEachEngine('backfill runs a range; running it twice leaves the same warehouse state', async (wh) => {
  await sql`create table orch_partitions (day date primary key, matches int not null, total int not null)`.execute(wh.db);
  const spec: DagSpec = {
    id: 'partitions',
    schedule: '@daily',
    startDate: new Date('2024-01-01T00:00:00Z'),
    maxActiveRuns: 1, // the running total reads earlier partitions: one run at a time, oldest first
    tasks: [
      {
        id: 'extract',
        async run(ctx) {
          return { day: iso(ctx.dataIntervalStart).slice(0, 10), matches: ctx.dataIntervalStart.getUTCDate() };
        },
      },
      {
        id: 'load',
        deps: ['extract'],
        async run(ctx) {
          const p = (await ctx.pull<{ day: string; matches: number }>('extract'))!;
          // overwrite the interval's partition: idempotent under retries and backfills
          await ctx.wh.db.transaction().execute(async (trx) => {
            await sql`delete from orch_partitions where day = ${p.day}::date`.execute(trx);
            await sql`insert into orch_partitions (day, matches, total) values (${p.day}::date, ${p.matches}, (select coalesce(sum(matches), 0) from orch_partitions where day < ${p.day}::date) + ${p.matches})`.execute(trx);
          });
        },
      },
    ],
  };
  const h = harness(wh, [spec], { now: () => new Date('2024-03-01T00:00:00Z'), createScheduledRuns: false });
  const dag = h.dags.get('partitions')!;
  const now = new Date('2024-03-01T00:00:00Z');
  const first = await backfill(wh.db, dag, { from: new Date('2024-02-01T00:00:00Z'), to: new Date('2024-02-05T00:00:00Z'), now });
  assert.deepEqual([first.created, first.rerun, first.kept], [5, 0, 0]);
  assert.deepEqual(first.runs.map((r) => r.run_id), [1, 2, 3, 4, 5].map((d) => `backfill__2024-02-0${d}T00:00:00+00:00`));
  await h.settle();
  const once = await snapshot(wh);
  assert.equal(once.runs.length, 5);
  assert.ok(once.runs.every((r) => r.state === 'success'));
  assert.deepEqual(once.data.map((d) => d.day), ['2024-02-01', '2024-02-02', '2024-02-03', '2024-02-04', '2024-02-05']);
  assert.deepEqual(once.data.map((d) => d.total), [1, 3, 6, 10, 15]);

  const second = await backfill(wh.db, dag, { from: new Date('2024-02-01T00:00:00Z'), to: new Date('2024-02-05T00:00:00Z'), now });
  assert.deepEqual([second.created, second.rerun, second.kept], [0, 5, 0]);
  await h.settle();
  assert.deepEqual(await snapshot(wh), once);
  const t = await tries(wh, first.runs[0]!.id, 'load');
  assert.deepEqual(t.map((x) => [x.try_number, x.state]), [[1, 'success'], [2, 'success']], 'both tries kept in the history');

  const third = await backfill(wh.db, dag, { from: new Date('2024-02-01T00:00:00Z'), to: new Date('2024-02-05T00:00:00Z'), reprocess: 'none', now });
  assert.deepEqual([third.created, third.rerun, third.kept], [0, 0, 5]);
  // the scheduler (catchup on) does not re-create the backfilled intervals as scheduled runs
  const ahead = harness(wh, [{ ...spec, catchup: true, startDate: new Date('2024-02-01T00:00:00Z') }], { now: () => new Date('2024-02-06T00:00:00Z') });
  await ahead.scheduler.tick();
  assert.equal((await wh.db.selectFrom('dag_runs').select('id').execute()).length, 5);
});

forEachEngine('clear and rerun: failed tasks and their downstream run again with fresh retries', async (wh) => {
  let fail = true;
  const count: Record<string, number> = {};
  const t = (id: string, deps: string[] = [], fn?: () => void) => ({ id, deps, async run() { count[id] = (count[id] ?? 0) + 1; fn?.(); } });
  const h = harness(wh, [{ id: 'chain', schedule: null, startDate: new Date('2024-01-01'), tasks: [t('a'), t('b', ['a'], () => { if (fail) throw new Error('b broke'); }), t('c', ['b'])] }]);
  const run = await triggerRun(wh.db, h.dags.get('chain')!, new Date());
  await h.settle();
  assert.deepEqual(await states(wh, run.id), { a: 'success', b: 'failed', c: 'upstream_failed' });
  fail = false;
  const n = await clearRuns(wh.db, h.dags.get('chain')!, [run.id], { onlyFailed: true, downstream: true, now: new Date() });
  assert.equal(n, 2);
  assert.equal((await wh.db.selectFrom('dag_runs').select('state').where('id', '=', run.id).executeTakeFirstOrThrow()).state, 'queued');
  await h.settle();
  assert.deepEqual(await states(wh, run.id), { a: 'success', b: 'success', c: 'success' });
  assert.deepEqual(count, { a: 1, b: 2, c: 1 });
  assert.deepEqual((await tries(wh, run.id, 'b')).map((x) => x.state), ['failed', 'success']);
  assert.equal((await wh.db.selectFrom('dag_runs').select('state').where('id', '=', run.id).executeTakeFirstOrThrow()).state, 'success');
});

forEachEngine('a running try whose worker stopped heartbeating is failed and retried; a try is claimed once', async (wh) => {
  const c = clock('2024-05-01T12:00:00Z');
  let runs = 0;
  const h = harness(wh, [{ id: 'zombie', schedule: null, startDate: new Date('2024-01-01'), tasks: [{ id: 'z', retries: 1, retryDelayMs: 0, async run() { runs++; } }] }], { now: c.now, heartbeatTimeoutMs: 30_000 });
  const run = await triggerRun(wh.db, h.dags.get('zombie')!, c.now());
  await wh.db.updateTable('dag_runs').set({ state: 'running', start_date: c.now() }).where('id', '=', run.id).execute();
  const ti = await wh.db.selectFrom('task_instances').selectAll().where('dag_run_id', '=', run.id).executeTakeFirstOrThrow();
  const job = (await queueTask(wh.db, ti, c.now()))!;
  // another worker claims the try, then dies (never heartbeats); a duplicate delivery cannot claim it again
  const ghost = { workerId: 'ghost@elsewhere:1', hostname: 'elsewhere', pid: 1 };
  assert.ok(await claimTask(wh.db, job, ghost, c.now()));
  assert.equal(await claimTask(wh.db, job, { ...ghost, workerId: 'second@x:2' }, c.now()), undefined);
  c.set('2024-05-01T12:00:20Z');
  await h.scheduler.tick();
  assert.equal((await states(wh, run.id)).z, 'running', 'within the heartbeat timeout nothing happens');
  c.set('2024-05-01T12:00:31Z');
  await h.settle();
  assert.equal(runs, 1, 'the retry ran here');
  const t = await tries(wh, run.id, 'z');
  assert.deepEqual(t.map((x) => [x.try_number, x.state, x.worker_id === ghost.workerId]), [[1, 'failed', true], [2, 'success', false]]);
  assert.match(t[0]!.error ?? '', /heartbeat timeout/);
  assert.equal((await states(wh, run.id)).z, 'success');
});

forEachEngine('an exclusive (embedded) scheduler takes over what a crashed process left running or queued, at once', async (wh) => {
  const now = () => new Date('2024-05-01T12:00:00Z');
  const tasks = [{ id: 'o', retries: 1, retryDelayMs: 0, async run() {} }, { id: 'q', async run() {} }];
  const h = harness(wh, [{ id: 'orphan', schedule: null, startDate: new Date('2024-01-01'), tasks }], { now, exclusive: true });
  const run = await triggerRun(wh.db, h.dags.get('orphan')!, now());
  await wh.db.updateTable('dag_runs').set({ state: 'running', start_date: now() }).where('id', '=', run.id).execute();
  const tis = await wh.db.selectFrom('task_instances').selectAll().where('dag_run_id', '=', run.id).orderBy('task_id').execute();
  const job = (await queueTask(wh.db, tis[0]!, now()))!;
  assert.ok(await claimTask(wh.db, job, { workerId: 'embedded@crashed:9', hostname: 'crashed', pid: 9 }, now()));
  assert.ok(await queueTask(wh.db, tis[1]!, now())); // queued, then the process died before running it
  await h.settle();
  const t = await tries(wh, run.id, 'o');
  assert.deepEqual(t.map((x) => x.state), ['failed', 'success']);
  assert.match(t[0]!.error ?? '', /orphaned/);
  assert.deepEqual(await states(wh, run.id), { o: 'success', q: 'success' });
});

/**
 * Production topology on PostgreSQL: one `time2bet scheduler` and two `time2bet worker`
 * processes (pg-boss executor). The worker running the slow task is killed with SIGKILL in the
 * middle of it; after the heartbeat timeout the task is retried on the other worker and the
 * run completes, with nothing written twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { openWarehouse } from '../../src/warehouse/db.ts';
import { FIXTURE_DAGS, pauseScheduledDags, spawnCli, stopAll, waitFor, type Cli } from './processes.ts';

const BASE = process.env.TEST_DATABASE_URL;
const t0 = Date.now();
const mark = (m: string) => process.env.T2B_TEST_VERBOSE && process.stderr.write(`${Date.now() - t0} ms: ${m}\n`);

async function admin(q: string) {
  const c = new pg.Client({ connectionString: BASE });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

test('scheduler + 2 workers: a worker killed mid-task has its task retried on the other; nothing duplicated', { skip: BASE ? false : 'set TEST_DATABASE_URL (PostgreSQL) to run the distributed test', timeout: 120_000 }, async () => {
  const name = `t2b_orch_${randomBytes(5).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(BASE!);
  url.pathname = `/${name}`;
  const wh = await openWarehouse({ engine: 'postgres', url: url.toString() });
  await pauseScheduledDags(wh);
  const env = {
    DATABASE_URL: url.toString(),
    TIME2BET_HOME: mkdtempSync(path.join(tmpdir(), 't2b-dist-')),
    TIME2BET_EXECUTOR: 'pgboss',
    TIME2BET_HEARTBEAT_TIMEOUT: '3',
    TIME2BET_WORKER_CONCURRENCY: '1',
    TIME2BET_DAG_MODULES: FIXTURE_DAGS,
  };
  const procs: Cli[] = [];
  try {
    mark('db ready');
    const scheduler = spawnCli(['scheduler'], env);
    procs.push(scheduler);
    await waitFor('the scheduler', () => /scheduler: executor pgboss/.test(scheduler.output()), 60_000);
    mark('scheduler up');
    const workers = [spawnCli(['worker'], env), spawnCli(['worker'], env)];
    procs.push(...workers);
    for (const w of workers) await waitFor('a worker', () => /worker .*: 1 slots/.test(w.output()), 60_000);

    mark('workers up');
    const trigger = spawnCli(['dags', 'trigger', 'dist_kill', '--wait'], env);
    procs.push(trigger);
    const running = await waitFor('slow to run', async () => {
      const r = await sql<{ pid: number; run_id: string }>`select ti.pid, r.run_id from task_instances ti join dag_runs r on r.id = ti.dag_run_id
        join orch_events e on e.run_id = r.run_id and e.task_id = 'slow' and e.event = 'start'
        where ti.task_id = 'slow' and ti.state = 'running'`.execute(wh.db);
      return r.rows[0];
    });
    mark('slow running');
    await new Promise((r) => setTimeout(r, 1000)); // in the middle of the task
    const victim = workers.find((w) => w.child.pid === running.pid);
    assert.ok(victim, `the slow task runs in worker pid ${running.pid}, one of ${workers.map((w) => w.child.pid).join(', ')}`);
    victim!.child.kill('SIGKILL');
    const survivor = workers.find((w) => w !== victim)!;

    const code = await Promise.race([trigger.exited, new Promise((r) => setTimeout(r, 60_000).unref()).then(() => 'timeout')]);
    assert.equal(code, 0, `dags trigger --wait: ${trigger.output()}\n--- scheduler:\n${scheduler.output()}\n--- survivor:\n${survivor.output()}`);

    mark('trigger exited');
    const run = await wh.db.selectFrom('dag_runs').selectAll().where('run_id', '=', running.run_id).executeTakeFirstOrThrow();
    assert.equal(run.state, 'success');
    const slowTries = await wh.db.selectFrom('task_tries').selectAll().where('dag_run_id', '=', run.id).where('task_id', '=', 'slow').orderBy('try_number').execute();
    assert.deepEqual(slowTries.map((t) => [t.try_number, t.state, t.pid]), [[1, 'failed', victim!.child.pid], [2, 'success', survivor.child.pid]]);
    assert.match(slowTries[0]!.error ?? '', /heartbeat timeout/);
    assert.ok(new Date(slowTries[1]!.started_at) > new Date(slowTries[0]!.ended_at!), 'the retry started after the dead try was failed');
    const results = (await sql<{ task_id: string; n: number }>`select task_id, count(*)::int as n from orch_results where run_id = ${run.run_id} group by task_id order by task_id`.execute(wh.db)).rows;
    assert.deepEqual(results.map((r) => [r.task_id, Number(r.n)]), [['finish', 1], ['slow', 1]], 'every result written exactly once');
    const events = (await sql<{ task_id: string; try_number: number; event: string }>`select task_id, try_number, event from orch_events where run_id = ${run.run_id} order by at`.execute(wh.db)).rows;
    assert.deepEqual(events.map((e) => `${e.task_id}#${e.try_number} ${e.event}`), ['slow#1 start', 'slow#2 start', 'slow#2 end', 'finish#1 start', 'finish#1 end']);
    const others = await wh.db.selectFrom('task_instances').select(['task_id', 'try_number', 'state']).where('dag_run_id', '=', run.id).orderBy('task_id').execute();
    assert.deepEqual(others.map((t) => [t.task_id, t.try_number, t.state]), [['finish', 1, 'success'], ['prepare', 1, 'success'], ['slow', 2, 'success']]);
    assert.match(survivor.output(), /worker .* slots/);
  } finally {
    if (process.env.T2B_TEST_VERBOSE) for (const p of procs) process.stderr.write(`--- ${p.child.spawnargs.slice(2).join(' ')}\n${p.output()}`);
    mark('stopping');
    await stopAll(procs);
    mark('stopped');
    await wh.close();
    await admin(`drop database if exists ${name} with (force)`);
    mark('dropped');
  }
});

import assert from 'node:assert/strict';
import { forEachEngine } from '../helpers/warehouses.ts';
import { retryDelayMs } from '../../src/orchestrate/dag/retry.ts';
import { triggerRun } from '../../src/orchestrate/scheduler/commands.ts';
import { Registry } from 'prom-client';
import { registerOrchestrationMetrics } from '../../src/orchestrate/metrics.ts';
import { harness, sleep, states, tries } from './harness.ts';

const T0 = new Date('2024-01-01T00:00:00Z');

forEachEngine('dependency order: a task starts only after all its upstreams succeeded', async (wh) => {
  const events: string[] = [];
  const task = (id: string, deps: string[] = [], ms = 30) => ({
    id,
    deps,
    async run() {
      events.push(`start ${id}`);
      await sleep(ms);
      events.push(`end ${id}`);
    },
  });
  const h = harness(wh, [{ id: 'diamond', schedule: null, startDate: T0, tasks: [task('d', ['b', 'c']), task('b', ['a'], 60), task('c', ['a']), task('a'), task('e', ['d'])] }]);
  const run = await triggerRun(wh.db, h.dags.get('diamond')!, new Date());
  await h.runUntilDone([run.id]);
  const at = (e: string) => events.indexOf(e);
  assert.ok(at('end a') < at('start b') && at('end a') < at('start c'), events.join(', '));
  assert.ok(at('end b') < at('start d') && at('end c') < at('start d'), events.join(', '));
  assert.ok(at('end d') < at('start e'), events.join(', '));
  assert.ok(at('start c') < at('end b'), 'b and c ran side by side');
  assert.deepEqual(await states(wh, run.id), { a: 'success', b: 'success', c: 'success', d: 'success', e: 'success' });
  const r = await wh.db.selectFrom('dag_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow();
  assert.equal(r.state, 'success');
});

forEachEngine('retries wait the configured exponential backoff (Airflow jitter), measured', async (wh) => {
  let calls = 0;
  const policy = { retries: 3, retryDelayMs: 120, retryExponentialBackoff: true, maxRetryDelayMs: 400 };
  const h = harness(wh, [
    {
      id: 'flaky',
      schedule: null,
      startDate: T0,
      tasks: [
        {
          id: 'f',
          ...policy,
          async run(ctx) {
            calls++;
            ctx.log(`attempt ${calls}`);
            if (calls < 4) throw new Error(`boom ${calls}`);
            return 'ok';
          },
        },
      ],
    },
  ]);
  const run = await triggerRun(wh.db, h.dags.get('flaky')!, new Date());
  await h.runUntilDone([run.id]);
  assert.equal((await states(wh, run.id)).f, 'success');
  const t = await tries(wh, run.id, 'f');
  assert.deepEqual(t.map((x) => x.state), ['failed', 'failed', 'failed', 'success']);
  for (let k = 1; k < t.length; k++) {
    const expected = retryDelayMs(policy, { dagId: 'flaky', taskId: 'f', logicalDate: new Date(run.logical_date), tryNumber: k });
    const base = 120 * 2 ** (k - 1);
    assert.ok(expected >= Math.min(base, 400) && expected < Math.min(2 * base, 400 + 1), `try ${k}: delay ${expected} within Airflow's [d, 2d) capped at 400`);
    const measured = new Date(t[k]!.started_at).getTime() - new Date(t[k - 1]!.ended_at!).getTime();
    assert.ok(measured >= expected, `retry ${k} started ${measured} ms after the failure, before the ${expected} ms delay`);
    assert.ok(measured < expected + 250, `retry ${k} started ${measured} ms after the failure; expected about ${expected} ms`);
    assert.match(t[k - 1]!.error ?? '', new RegExp(`boom ${k}`));
    assert.match(t[k - 1]!.log, new RegExp(`attempt ${k}`));
  }
});

forEachEngine('a retry without backoff waits exactly the retry delay; exhausted retries fail the run', async (wh) => {
  const h = harness(wh, [
    { id: 'doomed', schedule: null, startDate: T0, tasks: [{ id: 'x', retries: 1, retryDelayMs: 200, async run() { throw new Error('always'); } }] },
  ]);
  const run = await triggerRun(wh.db, h.dags.get('doomed')!, new Date());
  await h.runUntilDone([run.id]);
  const t = await tries(wh, run.id, 'x');
  assert.equal(t.length, 2);
  const gap = new Date(t[1]!.started_at).getTime() - new Date(t[0]!.ended_at!).getTime();
  assert.ok(gap >= 200 && gap < 450, `gap ${gap} ms`);
  assert.equal((await states(wh, run.id)).x, 'failed');
  assert.equal((await wh.db.selectFrom('dag_runs').select('state').where('id', '=', run.id).executeTakeFirstOrThrow()).state, 'failed');
});

forEachEngine('execution timeout fails the try when it runs too long, aborts ctx.signal, then retries', async (wh) => {
  const seen: { aborted: boolean; reason: string }[] = [];
  let calls = 0;
  const h = harness(wh, [
    {
      id: 'slow',
      schedule: null,
      startDate: T0,
      tasks: [
        {
          id: 's',
          executionTimeoutMs: 200,
          retries: 1,
          retryDelayMs: 0,
          async run(ctx) {
            calls++;
            if (calls === 1) {
              await sleep(600); // ignores the signal: still cut off at 200 ms
              seen.push({ aborted: ctx.signal.aborted, reason: String((ctx.signal.reason as Error)?.message) });
              return 'late';
            }
            return 'fast';
          },
        },
      ],
    },
  ]);
  const run = await triggerRun(wh.db, h.dags.get('slow')!, new Date());
  await h.runUntilDone([run.id]);
  const t = await tries(wh, run.id, 's');
  assert.deepEqual(t.map((x) => x.state), ['failed', 'success']);
  const took = new Date(t[0]!.ended_at!).getTime() - new Date(t[0]!.started_at).getTime();
  assert.ok(took >= 200 && took < 500, `the timed-out try lasted ${took} ms`);
  assert.match(t[0]!.error ?? '', /TaskTimeoutError: execution timeout/);
  assert.deepEqual(seen, [{ aborted: true, reason: 'execution timeout: the try ran longer than 200 ms' }]);
  assert.ok(new Date(t[1]!.started_at) >= new Date(t[0]!.ended_at!), 'the retry did not overlap the timed-out try');
  const ti = await wh.db.selectFrom('task_instances').select(['state', 'xcom']).where('dag_run_id', '=', run.id).executeTakeFirstOrThrow();
  assert.equal(ti.state, 'success');
});

forEachEngine('upstream_failed propagates down every path; all_done and independent tasks still run', async (wh) => {
  const ran: string[] = [];
  const ok = (id: string, deps: string[] = [], extra = {}) => ({ id, deps, ...extra, async run() { ran.push(id); } });
  const h = harness(wh, [
    {
      id: 'breaks',
      schedule: null,
      startDate: T0,
      tasks: [
        { id: 'a', async run() { ran.push('a'); throw new Error('a broke'); } },
        ok('b', ['a']),
        ok('c', ['b']),
        ok('d', ['a', 'e']),
        ok('e'),
        ok('cleanup', ['c', 'd'], { triggerRule: 'all_done' }),
        ok('alert', ['a'], { triggerRule: 'one_failed' }),
      ],
    },
  ]);
  const run = await triggerRun(wh.db, h.dags.get('breaks')!, new Date());
  await h.runUntilDone([run.id]);
  assert.deepEqual(await states(wh, run.id), { a: 'failed', b: 'upstream_failed', c: 'upstream_failed', d: 'upstream_failed', e: 'success', cleanup: 'success', alert: 'success' });
  assert.deepEqual(ran.sort(), ['a', 'alert', 'cleanup', 'e']);
  // Leaves are cleanup (success) and alert (success): Airflow's rule makes the run a success.
  assert.equal((await wh.db.selectFrom('dag_runs').select('state').where('id', '=', run.id).executeTakeFirstOrThrow()).state, 'success');
});

forEachEngine('skip propagates to all_success tasks; return values reach downstream tasks (XCom)', async (wh) => {
  const h = harness(wh, [
    {
      id: 'flow',
      schedule: null,
      startDate: T0,
      tasks: [
        { id: 'count', async run() { return { n: 21 }; } },
        { id: 'double', deps: ['count'], async run(ctx) { return ((await ctx.pull<{ n: number }>('count'))!.n) * 2; } },
        { id: 'gate', deps: ['double'], async run(ctx) { ctx.skip('nothing to do'); } },
        { id: 'after_gate', deps: ['gate'], async run() { throw new Error('must not run'); } },
        { id: 'tolerant', deps: ['gate'], triggerRule: 'none_failed', async run(ctx) { return await ctx.pull('double'); } },
      ],
    },
  ]);
  const run = await triggerRun(wh.db, h.dags.get('flow')!, new Date());
  await h.runUntilDone([run.id]);
  assert.deepEqual(await states(wh, run.id), { count: 'success', double: 'success', gate: 'skipped', after_gate: 'skipped', tolerant: 'success' });
  const x = await wh.db.selectFrom('task_instances').select('xcom').where('dag_run_id', '=', run.id).where('task_id', '=', 'tolerant').executeTakeFirstOrThrow();
  assert.deepEqual(x.xcom, { value: 42 });
  assert.equal((await wh.db.selectFrom('dag_runs').select('state').where('id', '=', run.id).executeTakeFirstOrThrow()).state, 'success');
});

forEachEngine('metrics: last success per DAG (from the warehouse) and task outcome counters', async (wh) => {
  const registry = new Registry();
  registerOrchestrationMetrics(registry, wh);
  registerOrchestrationMetrics(registry, wh); // idempotent
  const h = harness(wh, [{ id: 'observed', schedule: null, startDate: T0, tasks: [{ id: 'ok', async run() {} }, { id: 'bad', async run() { throw new Error('x'); } }] }]);
  const run = await triggerRun(wh.db, h.dags.get('observed')!, new Date());
  await h.runUntilDone([run.id]);
  const ok = await triggerRun(wh.db, h.dags.get('observed')!, new Date(Date.now() + 5));
  await wh.db.updateTable('task_instances').set({ state: 'skipped' }).where('dag_run_id', '=', ok.id).where('task_id', '=', 'bad').execute();
  await h.runUntilDone([ok.id]);
  const text = await registry.metrics();
  assert.match(text, /time2bet_task_outcomes_total\{dag_id="observed",task_id="ok",outcome="success"\} [1-9]/);
  assert.match(text, /time2bet_task_outcomes_total\{dag_id="observed",task_id="bad",outcome="failed"\} [1-9]/);
  assert.match(text, /time2bet_dag_runs_total\{dag_id="observed",state="failed"\} [1-9]/);
  const end = (await wh.db.selectFrom('dag_runs').select('end_date').where('id', '=', ok.id).executeTakeFirstOrThrow()).end_date!;
  assert.match(text, new RegExp(`time2bet_dag_last_success_timestamp_seconds\\{dag_id="observed"\\} ${new Date(end).getTime() / 1000}`));
});

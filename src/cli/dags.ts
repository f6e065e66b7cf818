/**
 * `time2bet dags list|trigger|runs|logs|clear|backfill`, `time2bet scheduler` and `time2bet worker`.
 *
 * Waiting (trigger --wait, backfill, clear --wait): with the embedded executor the command runs
 * the scheduler for its own runs in this process; with TIME2BET_EXECUTOR=pgboss it waits for
 * the `time2bet scheduler` and `time2bet worker` processes to run them.
 */
import { Command, Option } from 'commander';
import type { Config } from '../config.ts';
import { withContext, type Context } from './context.ts';
import { say } from './progress.ts';
import type { Dag } from '../orchestrate/dag/define.ts';
import { loadDags } from '../orchestrate/dags/index.ts';
import { backfill, clearRuns, triggerRun, waitForRuns, type Reprocess } from '../orchestrate/scheduler/commands.ts';
import { startEmbeddedScheduler } from '../orchestrate/scheduler/embedded.ts';
import { formatLogs, formatRuns, listDags, runViews, tryLogs } from '../orchestrate/scheduler/report.ts';
import { getRun, listRuns, setPaused, type DagRun } from '../orchestrate/scheduler/runs.ts';
import { guardLostConnections } from '../orchestrate/executors/connection-guard.ts';
import { runWorker } from '../orchestrate/worker.ts';

function parseDate(v: string, flag: string): Date {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) throw new Error(`${flag} "${v}": expected a date (YYYY-MM-DD) or an ISO timestamp`);
  return d;
}

function parseConf(v: string | undefined): Record<string, unknown> {
  if (!v) return {};
  try {
    const c: unknown = JSON.parse(v);
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new Error('not a JSON object');
    return c as Record<string, unknown>;
  } catch (e) {
    throw new Error(`--conf: expected a JSON object (${(e as Error).message})`);
  }
}

async function dagOf(c: Config, id: string): Promise<{ dags: Map<string, Dag>; dag: Dag }> {
  const dags = await loadDags(c);
  const dag = dags.get(id);
  if (!dag) throw new Error(`no DAG "${id}"; DAGs: ${[...dags.keys()].join(', ')}`);
  return { dags, dag };
}

/** Run (embedded) or wait for (pgboss) the given runs; throws when one of them failed. */
async function complete(ctx: Context, dags: Map<string, Dag>, runs: DagRun[]): Promise<DagRun[]> {
  const ids = runs.map((r) => r.id);
  if (ctx.wh.capabilities.connectionsCanDrop) guardLostConnections(say);
  let done: DagRun[];
  if (ctx.cfg.executor === 'embedded') {
    const s = await startEmbeddedScheduler({ cfg: ctx.cfg, wh: ctx.wh, lake: ctx.lake, dags, runIds: ids, say });
    try {
      done = await waitForRuns(ctx.wh.db, ids, { pollMs: 200 });
    } finally {
      await s.stop();
    }
  } else {
    say(`waiting for ${ids.length} run(s); the \`time2bet scheduler\` and \`time2bet worker\` processes run them`);
    done = await waitForRuns(ctx.wh.db, ids, { pollMs: 500 });
  }
  const failed = done.filter((r) => r.state === 'failed');
  for (const r of done) say(`${r.dag_id} ${r.run_id}: ${r.state}`);
  if (failed.length) {
    const dag = dags.get(failed[0]!.dag_id)!;
    const [view] = await runViews(ctx.wh.db, dag, { from: new Date(failed[0]!.logical_date), to: new Date(failed[0]!.logical_date), limit: 1 });
    const bad = view?.tasks.filter((t) => t.state === 'failed' || t.state === 'upstream_failed').map((t) => `${t.taskId} (${t.state}${t.error ? `: ${t.error.split('\n')[0]}` : ''})`);
    throw new Error(`${failed.length} of ${done.length} run(s) failed; ${failed[0]!.run_id}: ${bad?.join(', ') ?? ''}`);
  }
  return done;
}

function untilSignal(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  return { signal: ac.signal, dispose: () => (process.off('SIGINT', onSig), process.off('SIGTERM', onSig)) };
}

const json = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

export function registerDagCommands(program: Command, cfg: () => Config): void {
  const dags = program.command('dags').description('scheduled pipelines (DAGs): runs, retries, backfills, logs');

  dags
    .command('list')
    .description('the DAGs with their schedule, runs by state, last success and next run')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) =>
      withContext(cfg(), async (ctx) => {
        const rows = await listDags(ctx.wh.db, await loadDags(ctx.cfg), new Date());
        if (o.json) return json(rows);
        if (!rows.length) say('no DAGs');
        for (const d of rows) {
          const runs = Object.entries(d.runs).map(([s, n]) => `${s} ${n}`).join(', ') || 'no runs';
          process.stdout.write(`${d.id.padEnd(16)} ${(d.schedule ?? 'manual').padEnd(10)} catchup ${d.catchup ? 'on ' : 'off'}${d.paused ? '  PAUSED' : ''}  tasks ${d.tasks.join(' → ')}\n    ${runs}; last success ${d.lastSuccess?.toISOString() ?? '—'}; next run ${d.nextRunAt?.toISOString() ?? '—'}\n`);
        }
      }),
    );

  for (const [verb, paused] of [['pause', true], ['unpause', false]] as const) {
    dags
      .command(`${verb} <dag>`)
      .description(paused ? 'stop creating scheduled runs (manual runs and backfills still run)' : 'resume scheduled runs')
      .action(async (id: string) =>
        withContext(cfg(), async (ctx) => {
          const { dag } = await dagOf(ctx.cfg, id);
          await setPaused(ctx.wh.db, dag.id, paused, new Date());
          say(`${dag.id} ${paused ? 'paused' : 'unpaused'}`);
        }),
      );
  }

  dags
    .command('trigger <dag>')
    .description('create a manual run now (data interval: the latest complete one)')
    .option('--conf <json>', 'run configuration, a JSON object (ctx.conf)')
    .option('--wait', 'block until the run ends; exit non-zero if it failed')
    .action(async (id: string, o: { conf?: string; wait?: boolean }) =>
      withContext(cfg(), async (ctx) => {
        const { dags: all, dag } = await dagOf(ctx.cfg, id);
        const run = await triggerRun(ctx.wh.db, dag, new Date(), parseConf(o.conf));
        say(`created ${dag.id} ${run.run_id}`);
        if (o.wait) await complete(ctx, all, [run]);
        else process.stdout.write(`${run.run_id}\n`);
      }),
    );

  dags
    .command('runs <dag>')
    .description('recent runs with the state and try of each task (newest first)')
    .option('--limit <n>', 'how many runs', '20')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { limit: string; json?: boolean }) =>
      withContext(cfg(), async (ctx) => {
        const { dag } = await dagOf(ctx.cfg, id);
        const views = await runViews(ctx.wh.db, dag, { limit: Number(o.limit) || 20 });
        if (o.json) return json(views);
        process.stdout.write(`${formatRuns(views)}\n`);
      }),
    );

  dags
    .command('logs <dag> [run_id]')
    .description('the stored log of every try of a run (default: the latest run)')
    .option('--task <id>', 'only this task')
    .option('--try <n>', 'only this try number')
    .option('--json', 'print JSON')
    .action(async (id: string, runId: string | undefined, o: { task?: string; try?: string; json?: boolean }) =>
      withContext(cfg(), async (ctx) => {
        const { dag } = await dagOf(ctx.cfg, id);
        const run = runId ? await getRun(ctx.wh.db, dag.id, runId) : (await listRuns(ctx.wh.db, dag.id, { limit: 1 }))[0];
        if (!run) throw new Error(runId ? `${dag.id} has no run "${runId}"; see \`time2bet dags runs ${dag.id}\`` : `${dag.id} has no runs yet`);
        const logs = await tryLogs(ctx.wh.db, dag, run, { taskId: o.task, tryNumber: o.try === undefined ? undefined : Number(o.try) });
        if (o.json) return json({ runId: run.run_id, tries: logs });
        process.stdout.write(`${dag.id} ${run.run_id} (${run.state})\n${formatLogs(logs)}\n`);
      }),
    );

  dags
    .command('clear <dag>')
    .description('reset task instances so they run again (with their full retries); logs of earlier tries are kept')
    .option('--run <run_id...>', 'these runs')
    .option('--from <date>', 'runs with a logical date on or after this')
    .option('--to <date>', 'runs with a logical date on or before this')
    .option('--task <id...>', 'only these tasks (default: all)')
    .option('--downstream', 'also the tasks downstream of them')
    .option('--only-failed', 'only failed and upstream_failed tasks')
    .option('--wait', 'run them now (or wait for them) and exit non-zero if one fails')
    .action(async (id: string, o: { run?: string[]; from?: string; to?: string; task?: string[]; downstream?: boolean; onlyFailed?: boolean; wait?: boolean }) =>
      withContext(cfg(), async (ctx) => {
        const { dags: all, dag } = await dagOf(ctx.cfg, id);
        if (!o.run && !o.from && !o.to) throw new Error('name the runs to clear: --run <run_id…> or --from/--to');
        let runs: DagRun[] = [];
        if (o.run) {
          for (const r of o.run) {
            const run = await getRun(ctx.wh.db, dag.id, r);
            if (!run) throw new Error(`${dag.id} has no run "${r}"`);
            runs.push(run);
          }
        } else runs = await listRuns(ctx.wh.db, dag.id, { from: o.from ? parseDate(o.from, '--from') : undefined, to: o.to ? parseDate(o.to, '--to') : undefined });
        const n = await clearRuns(ctx.wh.db, dag, runs.map((r) => r.id), { taskIds: o.task, downstream: o.downstream, onlyFailed: o.onlyFailed, now: new Date() });
        say(`cleared ${n} task instance(s) in ${runs.length} run(s) of ${dag.id}`);
        if (o.wait && n) await complete(ctx, all, runs);
      }),
    );

  dags
    .command('backfill <dag>')
    .description('run every interval whose logical date is in [--from, --to]; running it twice leaves the same state')
    .requiredOption('--from <date>', 'first logical date (YYYY-MM-DD or ISO)')
    .requiredOption('--to <date>', 'last logical date (inclusive)')
    .addOption(new Option('--reprocess <what>', 'existing runs to run again').choices(['none', 'failed', 'completed']).default('completed'))
    .option('--no-wait', 'only create/clear the runs; the scheduler runs them')
    .action(async (id: string, o: { from: string; to: string; reprocess: Reprocess; wait: boolean }) =>
      withContext(cfg(), async (ctx) => {
        const { dags: all, dag } = await dagOf(ctx.cfg, id);
        const r = await backfill(ctx.wh.db, dag, { from: parseDate(o.from, '--from'), to: parseDate(o.to, '--to'), reprocess: o.reprocess, now: new Date() });
        say(`backfill ${dag.id}: ${r.runs.length} interval(s); ${r.created} run(s) created, ${r.rerun} re-run, ${r.kept} kept`);
        if (o.wait && r.runs.length) await complete(ctx, all, r.runs);
      }),
    );

  program
    .command('scheduler')
    .description('run the scheduler alone (tasks run in-process, or on `time2bet worker`s with TIME2BET_EXECUTOR=pgboss)')
    .action(async () =>
      withContext(cfg(), async (ctx) => {
        const stop = untilSignal();
        const s = await startEmbeddedScheduler({ cfg: ctx.cfg, wh: ctx.wh, lake: ctx.lake, say });
        say(`scheduler: executor ${ctx.cfg.executor}; DAGs ${[...s.dags.keys()].join(', ')}; warehouse ${ctx.wh.location}`);
        await new Promise((r) => stop.signal.addEventListener('abort', r, { once: true }));
        say('scheduler: stopping');
        await s.stop();
        stop.dispose();
      }),
    );

  program
    .command('worker')
    .description('run DAG tasks queued in PostgreSQL (TIME2BET_EXECUTOR=pgboss); start as many as you like')
    .action(async () =>
      withContext(cfg(), async (ctx) => {
        const stop = untilSignal();
        await runWorker({ cfg: ctx.cfg, wh: ctx.wh, lake: ctx.lake, signal: stop.signal, say });
        stop.dispose();
      }),
    );
}

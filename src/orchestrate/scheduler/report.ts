/** Read models for `time2bet dags list|runs|logs`: the DAGs with their runs, the Grid view, task logs. */
import type { Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import type { Dag } from '../dag/define.ts';
import { dueIntervals } from '../dag/timetable.ts';
import { dagSummaries, latestInterval, listRuns, pausedDags, type DagRun } from './runs.ts';

export interface DagListing {
  id: string;
  description: string;
  schedule: string | null;
  catchup: boolean;
  paused: boolean;
  tasks: string[];
  runs: Record<string, number>;
  lastSuccess: Date | null;
  /** End of the next interval to be scheduled (when its run will be created). */
  nextRunAt: Date | null;
}

export async function listDags(db: Kysely<Database>, dags: Map<string, Dag>, now: Date): Promise<DagListing[]> {
  const summaries = await dagSummaries(db);
  const paused = await pausedDags(db);
  const out: DagListing[] = [];
  for (const dag of dags.values()) {
    let nextRunAt: Date | null = null;
    if (dag.cron) {
      // A run is created when its interval ends: now, if one is due; else at the next fire time
      // (or at the end of the first interval when the start date is still ahead).
      const due = dueIntervals(dag, await latestInterval(db, dag.id), now);
      const firstStart = dag.cron.matches(dag.startDate) ? dag.startDate : dag.cron.next(dag.startDate);
      nextRunAt = paused.has(dag.id) ? null : due[0]?.end ?? (firstStart > now ? dag.cron.next(firstStart) : dag.cron.next(now));
    }
    const s = summaries.get(dag.id);
    out.push({ id: dag.id, description: dag.description, schedule: dag.schedule, catchup: dag.catchup, paused: paused.has(dag.id), tasks: dag.tasks.map((t) => t.id), runs: s?.runs ?? {}, lastSuccess: s?.lastSuccess ?? null, nextRunAt });
  }
  return out;
}

export interface RunView {
  run: DagRun;
  tasks: { taskId: string; state: string; tryNumber: number; error: string | null }[];
}

/** Runs of a DAG (newest first) with their task states: the Grid view as rows. */
export async function runViews(db: Kysely<Database>, dag: Dag, opts: { limit?: number; from?: Date; to?: Date } = {}): Promise<RunView[]> {
  const runs = await listRuns(db, dag.id, { limit: opts.limit ?? 20, from: opts.from, to: opts.to });
  if (!runs.length) return [];
  const tis = await db.selectFrom('task_instances').select(['dag_run_id', 'task_id', 'state', 'try_number', 'error']).where('dag_run_id', 'in', runs.map((r) => r.id)).execute();
  const order = new Map(dag.tasks.map((t, i) => [t.id, i]));
  return runs.map((run) => ({
    run,
    tasks: tis
      .filter((t) => t.dag_run_id === run.id)
      .sort((a, b) => (order.get(a.task_id) ?? 1e9) - (order.get(b.task_id) ?? 1e9))
      .map((t) => ({ taskId: t.task_id, state: t.state, tryNumber: t.try_number, error: t.error })),
  }));
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString().replace('.000Z', 'Z') : '—');

export function formatRuns(views: RunView[]): string {
  if (!views.length) return 'no runs';
  return views
    .map(({ run, tasks }) => {
      const head = `${run.run_id}  ${run.state.padEnd(7)}  ${run.run_type.padEnd(9)}  interval ${iso(run.data_interval_start)} → ${iso(run.data_interval_end)}  started ${iso(run.start_date)}  ended ${iso(run.end_date)}`;
      const lines = tasks.map((t) => `    ${t.taskId.padEnd(24)} ${t.state.padEnd(15)} try ${t.tryNumber}${t.error ? `  ${t.error.split('\n')[0]}` : ''}`);
      return [head, ...lines].join('\n');
    })
    .join('\n');
}

export interface TryLog {
  taskId: string;
  tryNumber: number;
  state: string;
  hostname: string | null;
  workerId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  error: string | null;
  log: string;
}

/** Every try of a run's tasks (or of one task / one try), in task then try order. */
export async function tryLogs(db: Kysely<Database>, dag: Dag, run: DagRun, opts: { taskId?: string; tryNumber?: number } = {}): Promise<TryLog[]> {
  let q = db.selectFrom('task_tries').selectAll().where('dag_run_id', '=', run.id);
  if (opts.taskId) q = q.where('task_id', '=', opts.taskId);
  if (opts.tryNumber !== undefined) q = q.where('try_number', '=', opts.tryNumber);
  const rows = await q.orderBy('started_at').orderBy('try_number').execute();
  const order = new Map(dag.tasks.map((t, i) => [t.id, i]));
  return rows
    .sort((a, b) => (order.get(a.task_id) ?? 1e9) - (order.get(b.task_id) ?? 1e9) || a.try_number - b.try_number)
    .map((r) => ({
      taskId: r.task_id,
      tryNumber: r.try_number,
      state: r.state,
      hostname: r.hostname,
      workerId: r.worker_id,
      startedAt: new Date(r.started_at),
      endedAt: r.ended_at ? new Date(r.ended_at) : null,
      error: r.error,
      log: r.log,
    }));
}

export function formatLogs(logs: TryLog[]): string {
  if (!logs.length) return 'no tries yet';
  return logs
    .map((l) => `=== ${l.taskId} try ${l.tryNumber}: ${l.state} on ${l.workerId ?? '?'} (${iso(l.startedAt)} → ${iso(l.endedAt)})${l.error ? `\n    error: ${l.error}` : ''}\n${l.log.trimEnd()}`)
    .join('\n');
}

/**
 * What users ask of the scheduler: trigger a run, backfill a date range, clear runs or tasks so
 * that they run again, and wait for runs to end.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import type { Dag } from '../dag/define.ts';
import { intervalsInRange, manualRun, runIdFor } from '../dag/timetable.ts';
import { createRuns, type DagRun } from './runs.ts';

/** Create a manual run (logical date = now, data interval = the latest complete interval). */
export async function triggerRun(db: Kysely<Database>, dag: Dag, now: Date, conf: Record<string, unknown> = {}): Promise<DagRun> {
  const { logicalDate, interval } = manualRun(dag, now);
  for (let bump = 0; bump < 1000; bump++) {
    const at = new Date(logicalDate.getTime() + bump);
    const [run] = await createRuns(db, dag, [{ type: 'manual', logicalDate: at, interval, conf, runId: runIdFor('manual', at) }], now);
    if (run) return run;
  }
  throw new Error(`could not create a manual run of ${dag.id}: run ids taken`);
}

export interface ClearOptions {
  /** Clear only these tasks (default: all). */
  taskIds?: string[];
  /** With taskIds: also every task downstream of them. */
  downstream?: boolean;
  /** Only tasks that failed or were upstream_failed (and, with downstream, what follows them). */
  onlyFailed?: boolean;
  now: Date;
}

function withDownstream(dag: Dag, ids: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(dag.task(id)?.downstream ?? []));
  }
  return out;
}

/**
 * Reset task instances of the given runs to `none`, so the scheduler runs them again, each with
 * its full retries (max_tries = tries so far + retries). Try history and logs are kept; a try
 * still running loses its claim and is aborted at its next heartbeat. The runs go back to queued.
 * Returns the number of task instances cleared.
 */
export async function clearRuns(db: Kysely<Database>, dag: Dag, runIds: number[], o: ClearOptions): Promise<number> {
  if (!runIds.length) return 0;
  for (const t of o.taskIds ?? []) if (!dag.task(t)) throw new Error(`DAG ${dag.id} has no task "${t}"; tasks: ${dag.tasks.map((x) => x.id).join(', ')}`);
  let cleared = 0;
  await db.transaction().execute(async (trx) => {
    for (const runId of runIds) {
      const tis = await trx.selectFrom('task_instances').selectAll().where('dag_run_id', '=', runId).forUpdate().execute();
      let chosen = new Set(o.taskIds?.length ? o.taskIds : dag.tasks.map((t) => t.id));
      if (o.onlyFailed) {
        const failed = tis.filter((t) => chosen.has(t.task_id) && (t.state === 'failed' || t.state === 'upstream_failed')).map((t) => t.task_id);
        chosen = o.downstream ? withDownstream(dag, failed) : new Set(failed);
      } else if (o.downstream) chosen = withDownstream(dag, chosen);
      const targets = tis.filter((t) => chosen.has(t.task_id) && dag.task(t.task_id));
      if (!targets.length) continue;
      for (const t of targets) {
        await trx
          .updateTable('task_instances')
          .set({
            state: 'none',
            max_tries: t.try_number + dag.task(t.task_id)!.retries,
            next_retry_at: null,
            queued_at: null,
            start_date: null,
            end_date: null,
            heartbeat_at: null,
            worker_id: null,
            error: null,
            xcom: null,
          })
          .where('dag_run_id', '=', runId)
          .where('task_id', '=', t.task_id)
          .execute();
      }
      cleared += targets.length;
      await trx.updateTable('dag_runs').set({ state: 'queued', start_date: null, end_date: null }).where('id', '=', runId).execute();
    }
  });
  return cleared;
}

export type Reprocess = 'none' | 'failed' | 'completed';

export interface BackfillResult {
  /** Every run of the range, oldest first (wait for these). */
  runs: DagRun[];
  created: number;
  /** Existing runs cleared to run again. */
  rerun: number;
  /** Existing runs left as they were. */
  kept: number;
}

/**
 * Runs for every interval whose logical date lies in [from, to]: missing ones are created
 * (run type backfill); existing ones are re-run as `reprocess` says (Airflow 3's
 * reprocess_behavior): `completed` (default) clears every finished run, `failed` clears the
 * failed tasks of failed runs, `none` keeps them. A run still queued or running is kept.
 * Running the same backfill twice creates no second set of runs.
 */
export async function backfill(
  db: Kysely<Database>,
  dag: Dag,
  o: { from: Date; to: Date; reprocess?: Reprocess; now: Date; conf?: Record<string, unknown> },
): Promise<BackfillResult> {
  const intervals = intervalsInRange(dag, o.from, o.to, o.now);
  if (!intervals.length) return { runs: [], created: 0, rerun: 0, kept: 0 };
  const reprocess = o.reprocess ?? 'completed';
  const starts = intervals.map((i) => i.start);
  const existing = await db
    .selectFrom('dag_runs')
    .selectAll()
    .where('dag_id', '=', dag.id)
    .where('run_type', '<>', 'manual')
    .where('logical_date', 'in', starts)
    .execute();
  const have = new Set(existing.map((r) => new Date(r.logical_date).getTime()));
  const missing = intervals.filter((i) => !have.has(i.start.getTime()));
  const created = await createRuns(db, dag, missing.map((interval) => ({ type: 'backfill' as const, logicalDate: interval.start, interval, conf: o.conf })), o.now);
  let rerun = 0;
  for (const r of existing) {
    const finished = r.state === 'success' || r.state === 'failed';
    if (!finished || reprocess === 'none') continue;
    if (reprocess === 'completed') {
      await clearRuns(db, dag, [r.id], { now: o.now });
      rerun++;
    } else if (r.state === 'failed') {
      await clearRuns(db, dag, [r.id], { onlyFailed: true, downstream: true, now: o.now });
      rerun++;
    }
  }
  const runs = await db.selectFrom('dag_runs').selectAll().where('dag_id', '=', dag.id).where('run_type', '<>', 'manual').where('logical_date', 'in', starts).orderBy('logical_date').execute();
  return { runs, created: created.length, rerun, kept: existing.length - rerun };
}

/** Poll until every run has ended (success or failed); returns them. */
export async function waitForRuns(db: Kysely<Database>, runIds: number[], o: { pollMs?: number; signal?: AbortSignal } = {}): Promise<DagRun[]> {
  if (!runIds.length) return [];
  for (;;) {
    try {
      const runs = await db.selectFrom('dag_runs').selectAll().where('id', 'in', runIds).orderBy('logical_date').execute();
      if (runs.every((r) => r.state === 'success' || r.state === 'failed')) return runs;
    } catch {
      // database unreachable for a moment (restart): keep waiting
    }
    if (o.signal?.aborted) throw new Error('stopped while waiting for the runs');
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}

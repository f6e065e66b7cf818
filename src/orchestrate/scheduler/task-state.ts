/**
 * State transitions of task instances. Every write is a compare-and-set on (state, try number,
 * and for a worker its id), so a scheduler, several workers and a second scheduler can race
 * without a task running twice at once: only one claim of a try succeeds, and a worker that
 * lost its task (heartbeat timeout, clear) can no longer record anything for it.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import type { TaskState } from '../dag/states.ts';
import type { TaskInstancesTable } from './tables.ts';

export type TaskInstance = Selectable<TaskInstancesTable>;

/** One try of one task instance: what a scheduler hands to an executor. */
export interface TaskJob {
  dagRunId: number;
  dagId: string;
  taskId: string;
  tryNumber: number;
}

export interface WorkerIdentity {
  workerId: string;
  hostname: string;
  pid: number;
}

export const jobKey = (j: Pick<TaskJob, 'dagRunId' | 'taskId'>) => `${j.dagRunId}/${j.taskId}`;

/** none/up_for_retry → queued with the next try number. Returns the job, or undefined if someone else moved it. */
export async function queueTask(db: Kysely<Database>, ti: TaskInstance, now: Date): Promise<TaskJob | undefined> {
  const row = await db
    .updateTable('task_instances')
    .set({ state: 'queued', try_number: ti.try_number + 1, queued_at: now, next_retry_at: null, error: null })
    .where('dag_run_id', '=', ti.dag_run_id)
    .where('task_id', '=', ti.task_id)
    .where('state', '=', ti.state)
    .where('try_number', '=', ti.try_number)
    .returning(['dag_run_id', 'dag_id', 'task_id', 'try_number'])
    .executeTakeFirst();
  return row && { dagRunId: row.dag_run_id, dagId: row.dag_id, taskId: row.task_id, tryNumber: row.try_number };
}

/** Mark a waiting task upstream_failed or skipped (never ran). */
export async function settleUnrun(db: Kysely<Database>, ti: TaskInstance, state: 'upstream_failed' | 'skipped', now: Date, reason?: string): Promise<boolean> {
  const r = await db
    .updateTable('task_instances')
    .set({ state, end_date: now, error: reason ?? null })
    .where('dag_run_id', '=', ti.dag_run_id)
    .where('task_id', '=', ti.task_id)
    .where('state', '=', ti.state)
    .where('try_number', '=', ti.try_number)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** queued → running for this worker, and the try's row. Undefined when the try was claimed elsewhere or cleared. */
export async function claimTask(db: Kysely<Database>, job: TaskJob, me: WorkerIdentity, now: Date): Promise<TaskInstance | undefined> {
  return db.transaction().execute(async (trx) => {
    const ti = await trx
      .updateTable('task_instances')
      .set({ state: 'running', start_date: now, end_date: null, heartbeat_at: now, worker_id: me.workerId, hostname: me.hostname, pid: me.pid })
      .where('dag_run_id', '=', job.dagRunId)
      .where('task_id', '=', job.taskId)
      .where('state', '=', 'queued')
      .where('try_number', '=', job.tryNumber)
      .returningAll()
      .executeTakeFirst();
    if (!ti) return undefined;
    await trx
      .insertInto('task_tries')
      .values({ dag_run_id: job.dagRunId, task_id: job.taskId, try_number: job.tryNumber, state: 'running', hostname: me.hostname, worker_id: me.workerId, pid: me.pid, started_at: now })
      .onConflict((oc) => oc.columns(['dag_run_id', 'task_id', 'try_number']).doNothing())
      .execute();
    return ti;
  });
}

/** Refresh the heartbeat and append to the try's log. False when this worker no longer owns the try. */
export async function heartbeat(db: Kysely<Database>, job: TaskJob, workerId: string, now: Date, logChunk: string): Promise<boolean> {
  const r = await db
    .updateTable('task_instances')
    .set({ heartbeat_at: now })
    .where('dag_run_id', '=', job.dagRunId)
    .where('task_id', '=', job.taskId)
    .where('state', '=', 'running')
    .where('try_number', '=', job.tryNumber)
    .where('worker_id', '=', workerId)
    .executeTakeFirst();
  const owned = Number(r.numUpdatedRows) === 1;
  if (owned && logChunk) await appendLog(db, job, logChunk);
  return owned;
}

export async function appendLog(db: Kysely<Database>, job: TaskJob, chunk: string): Promise<void> {
  await db
    .updateTable('task_tries')
    .set((eb) => ({ log: eb('log', '||', chunk) }))
    .where('dag_run_id', '=', job.dagRunId)
    .where('task_id', '=', job.taskId)
    .where('try_number', '=', job.tryNumber)
    .execute();
}

export interface TryOutcome {
  state: 'success' | 'failed' | 'skipped';
  error?: string;
  xcom?: unknown;
}

export interface FinishArgs {
  job: TaskJob;
  /** The worker that ran the try; null when the scheduler reaps a try whose worker is gone. */
  workerId: string | null;
  outcome: TryOutcome;
  now: Date;
  logTail?: string;
  /** Delay before the retry of this failed try, in ms. */
  retryDelayMs: () => number;
}

/**
 * End a running try: success, skipped, or failed → up_for_retry (when try_number ≤ max_tries,
 * with next_retry_at = now + delay) or failed. Returns the new state, or undefined when the try
 * was no longer this worker's to end.
 */
export async function finishTry(db: Kysely<Database>, a: FinishArgs): Promise<TaskState | undefined> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('task_instances')
      .selectAll()
      .where('dag_run_id', '=', a.job.dagRunId)
      .where('task_id', '=', a.job.taskId)
      .where('state', '=', 'running')
      .where('try_number', '=', a.job.tryNumber);
    if (a.workerId !== null) q = q.where('worker_id', '=', a.workerId);
    const ti = await q.forUpdate().executeTakeFirst();
    if (!ti) return undefined;
    let state: TaskState = a.outcome.state;
    let nextRetryAt: Date | null = null;
    if (state === 'failed' && ti.try_number <= ti.max_tries) {
      state = 'up_for_retry';
      nextRetryAt = new Date(a.now.getTime() + a.retryDelayMs());
    }
    await trx
      .updateTable('task_instances')
      .set({
        state,
        end_date: a.now,
        next_retry_at: nextRetryAt,
        error: a.outcome.error ?? null,
        xcom: a.outcome.state === 'success' && a.outcome.xcom !== undefined ? JSON.stringify({ value: a.outcome.xcom }) : null,
      })
      .where('dag_run_id', '=', a.job.dagRunId)
      .where('task_id', '=', a.job.taskId)
      .execute();
    await trx
      .updateTable('task_tries')
      .set((eb) => ({ state: a.outcome.state, ended_at: a.now, error: a.outcome.error ?? null, log: eb('log', '||', a.logTail ?? '') }))
      .where('dag_run_id', '=', a.job.dagRunId)
      .where('task_id', '=', a.job.taskId)
      .where('try_number', '=', a.job.tryNumber)
      .execute();
    return state;
  });
}

/** The JSON value a task of the run returned (stored as {"value": …}). */
export async function pullXcom(db: Kysely<Database>, dagRunId: number, taskId: string): Promise<unknown> {
  const row = await db.selectFrom('task_instances').select('xcom').where('dag_run_id', '=', dagRunId).where('task_id', '=', taskId).executeTakeFirst();
  const v = row?.xcom;
  if (v === null || v === undefined) return undefined;
  return (typeof v === 'string' ? (JSON.parse(v) as { value: unknown }) : (v as { value: unknown })).value;
}

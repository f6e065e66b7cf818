/**
 * The scheduler. Each tick, at the injected clock's `now()`:
 *  1. creates the scheduled runs that are due (catchup: every missed interval), except for
 *     paused DAGs;
 *  2. starts queued runs, at most max_active_runs per DAG, oldest logical date first;
 *  3. walks each running run's tasks in dependency order: queues a task whose trigger rule is
 *     met (at most max_active_tasks per DAG), marks it upstream_failed or skipped when its
 *     upstreams decide so, queues a retry whose delay has passed, re-sends a try left queued
 *     too long, and fails a running try whose heartbeat is older than the timeout (its worker
 *     died) so that it is retried under its policy;
 *  4. ends a run when every task is finished: failed if a leaf task failed, else success.
 * All state lives in the warehouse, and every transition is a compare-and-set, so ticks are
 * idempotent and a second scheduler is harmless.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import type { Dag } from '../dag/define.ts';
import { decide, FINISHED, runOutcome, type TaskState } from '../dag/states.ts';
import { retryDelayMs } from '../dag/retry.ts';
import { dueIntervals } from '../dag/timetable.ts';
import type { Executor } from '../executors/executor.ts';
import { recordRunOutcome, recordTaskOutcome } from '../metrics.ts';
import { createRuns, insertTaskInstances, latestInterval, pausedDags, type DagRun } from './runs.ts';
import { finishTry, queueTask, settleUnrun, type TaskInstance, type TaskJob } from './task-state.ts';

export interface SchedulerOptions {
  db: Kysely<Database>;
  dags: Map<string, Dag>;
  executor: Executor;
  /** The clock; every scheduling decision and timestamp uses it. */
  now?: () => Date;
  /** Pause between ticks of the loop (start()). */
  pollMs?: number;
  /** A running try whose heartbeat is older than this is failed (its worker is gone). */
  heartbeatTimeoutMs: number;
  /** A try still queued after this long is handed to the executor again; default heartbeatTimeoutMs. */
  requeueAfterMs?: number;
  /** Create scheduled runs (false: only advance existing runs, e.g. a CLI waiting on its own runs). */
  createScheduledRuns?: boolean;
  /** Only start and advance these runs (a CLI waiting on its own runs). */
  runIds?: number[];
  /**
   * No other process can be running tasks (embedded PGlite: its data folder is locked to this
   * process), so a running try that is not running here was left by a crashed process and is
   * failed at once instead of after the heartbeat timeout.
   */
  exclusive?: boolean;
  say?: (line: string) => void;
}

export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly now: () => Date;
  #loop: Promise<void> | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #firstTick = true;

  constructor(o: SchedulerOptions) {
    this.#o = o;
    this.now = o.now ?? (() => new Date());
  }

  get dags(): Map<string, Dag> {
    return this.#o.dags;
  }

  /** One pass of the scheduling loop. */
  async tick(): Promise<void> {
    const now = this.now();
    const { db, dags } = this.#o;
    if (this.#o.createScheduledRuns !== false) {
      const paused = await pausedDags(db);
      for (const dag of dags.values()) {
        if (paused.has(dag.id)) continue;
        const due = dueIntervals(dag, await latestInterval(db, dag.id), now);
        if (due.length) await createRuns(db, dag, due.map((interval) => ({ type: 'scheduled' as const, logicalDate: interval.start, interval })), now);
      }
    }
    await this.#startQueuedRuns(now);
    const ids = [...dags.keys()];
    if (!ids.length) return;
    let q = db.selectFrom('dag_runs').selectAll().where('state', '=', 'running').where('dag_id', 'in', ids);
    if (this.#o.runIds) q = q.where('id', 'in', this.#o.runIds.length ? this.#o.runIds : [-1]);
    const runs = await q.orderBy('logical_date').orderBy('id').execute();
    const active = new Map<string, number>();
    const counts = await db
      .selectFrom('task_instances')
      .select(['dag_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['queued', 'running'])
      .where('dag_id', 'in', ids)
      .groupBy('dag_id')
      .execute();
    for (const c of counts) active.set(c.dag_id, Number(c.n));
    for (const run of runs) await this.#advance(dags.get(run.dag_id)!, run, now, active);
    this.#firstTick = false;
  }

  async #startQueuedRuns(now: Date): Promise<void> {
    const { db, dags } = this.#o;
    const ids = [...dags.keys()];
    if (!ids.length) return;
    const queued = await db.selectFrom('dag_runs').select(['dag_id']).where('state', '=', 'queued').where('dag_id', 'in', ids).distinct().execute();
    for (const { dag_id } of queued) {
      const dag = dags.get(dag_id)!;
      const running = await db.selectFrom('dag_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('dag_id', '=', dag_id).where('state', '=', 'running').executeTakeFirstOrThrow();
      const room = dag.maxActiveRuns - Number(running.n);
      if (room <= 0) continue;
      let q = db.selectFrom('dag_runs').select('id').where('dag_id', '=', dag_id).where('state', '=', 'queued');
      if (this.#o.runIds) q = q.where('id', 'in', this.#o.runIds.length ? this.#o.runIds : [-1]);
      const next = await q.orderBy('logical_date').orderBy('id').limit(room).execute();
      if (!next.length) continue;
      await db
        .updateTable('dag_runs')
        .set({ state: 'running', start_date: now, end_date: null })
        .where('id', 'in', next.map((r) => r.id))
        .where('state', '=', 'queued')
        .execute();
    }
  }

  async #advance(dag: Dag, run: DagRun, now: Date, active: Map<string, number>): Promise<void> {
    const { db, executor } = this.#o;
    let tis = await db.selectFrom('task_instances').selectAll().where('dag_run_id', '=', run.id).execute();
    if (tis.length < dag.tasks.length) {
      await insertTaskInstances(db, dag, [run.id]);
      tis = await db.selectFrom('task_instances').selectAll().where('dag_run_id', '=', run.id).execute();
    }
    const byId = new Map(tis.map((t) => [t.task_id, t]));
    if (dag.dagrunTimeoutMs !== undefined && run.start_date && now.getTime() - new Date(run.start_date).getTime() > dag.dagrunTimeoutMs) {
      await db
        .updateTable('task_instances')
        .set({ state: 'skipped', end_date: now, error: `the run exceeded its dagrun timeout of ${dag.dagrunTimeoutMs} ms` })
        .where('dag_run_id', '=', run.id)
        .where('state', 'not in', [...FINISHED])
        .execute();
      await this.#finish(run, 'failed', now);
      return;
    }
    const heartbeatLimit = now.getTime() - this.#o.heartbeatTimeoutMs;
    // An exclusive scheduler's first tick re-sends every queued try: its old executor is gone.
    const requeueLimit = this.#o.exclusive && this.#firstTick ? Infinity : now.getTime() - (this.#o.requeueAfterMs ?? this.#o.heartbeatTimeoutMs);
    const setState = (ti: TaskInstance, state: TaskState, extra: Partial<TaskInstance> = {}) => byId.set(ti.task_id, { ...ti, state, ...extra });
    const queue = async (ti: TaskInstance) => {
      if ((active.get(dag.id) ?? 0) >= dag.maxActiveTasks) return;
      const job = await queueTask(db, ti, now);
      if (!job) return;
      setState(ti, 'queued', { try_number: job.tryNumber });
      active.set(dag.id, (active.get(dag.id) ?? 0) + 1);
      await this.#submit(job);
    };
    for (const task of dag.tasks) {
      const ti = byId.get(task.id);
      if (!ti) continue;
      if (ti.state === 'none') {
        const decision = decide(task.triggerRule, task.deps.map((d) => byId.get(d)?.state ?? 'none'));
        if (decision === 'run') await queue(ti);
        else if (decision !== 'wait' && (await settleUnrun(db, ti, decision, now))) {
          setState(ti, decision);
          recordTaskOutcome(dag.id, task.id, decision);
        }
      } else if (ti.state === 'up_for_retry') {
        if (!ti.next_retry_at || new Date(ti.next_retry_at).getTime() <= now.getTime()) await queue(ti);
      } else if (ti.state === 'queued') {
        if (ti.queued_at && new Date(ti.queued_at).getTime() < requeueLimit) {
          const r = await db
            .updateTable('task_instances')
            .set({ queued_at: now })
            .where('dag_run_id', '=', ti.dag_run_id)
            .where('task_id', '=', ti.task_id)
            .where('state', '=', 'queued')
            .where('try_number', '=', ti.try_number)
            .executeTakeFirst();
          if (Number(r.numUpdatedRows) === 1) await this.#submit({ dagRunId: ti.dag_run_id, dagId: dag.id, taskId: task.id, tryNumber: ti.try_number });
        }
      } else if (ti.state === 'running') {
        const beat = ti.heartbeat_at ? new Date(ti.heartbeat_at).getTime() : 0;
        if ((this.#o.exclusive || beat < heartbeatLimit) && !executor.isRunningHere({ dagRunId: run.id, taskId: task.id })) {
          const error = this.#o.exclusive
            ? `orphaned: ${ti.worker_id ?? 'its worker'} is gone (this process owns the embedded warehouse, so no other process runs tasks)`
            : `heartbeat timeout: no heartbeat from ${ti.worker_id ?? 'its worker'} for more than ${this.#o.heartbeatTimeoutMs} ms (the worker died or lost the database)`;
          const state = await finishTry(db, {
            job: { dagRunId: run.id, dagId: dag.id, taskId: task.id, tryNumber: ti.try_number },
            workerId: null,
            outcome: { state: 'failed', error },
            now,
            logTail: `${now.toISOString()} scheduler: ${error}\n`,
            retryDelayMs: () => retryDelayMs(task, { dagId: dag.id, taskId: task.id, logicalDate: new Date(run.logical_date), tryNumber: ti.try_number }),
          });
          if (state) {
            this.#o.say?.(`scheduler: ${dag.id}.${task.id} (${run.run_id}) try ${ti.try_number}: ${error} → ${state}`);
            recordTaskOutcome(dag.id, task.id, state);
            setState(ti, state);
            if (state === 'up_for_retry') {
              const fresh = await db.selectFrom('task_instances').selectAll().where('dag_run_id', '=', run.id).where('task_id', '=', task.id).executeTakeFirst();
              if (fresh && fresh.next_retry_at && new Date(fresh.next_retry_at).getTime() <= now.getTime()) await queue(fresh);
            }
          }
        }
      }
    }
    const states = [...byId.values()];
    if (states.length === dag.tasks.length && states.every((t) => FINISHED.has(t.state))) {
      const leaves = dag.tasks.filter((t) => t.downstream.length === 0).map((t) => byId.get(t.id)!.state);
      await this.#finish(run, runOutcome(leaves), now);
    }
  }

  async #submit(job: TaskJob): Promise<void> {
    try {
      await this.#o.executor.submit(job);
    } catch (e) {
      // Left queued: re-sent after requeueAfterMs.
      this.#o.say?.(`scheduler: could not hand ${job.dagId}.${job.taskId} try ${job.tryNumber} to the executor: ${(e as Error).message}`);
    }
  }

  async #finish(run: DagRun, state: 'success' | 'failed', now: Date): Promise<void> {
    const r = await this.#o.db.updateTable('dag_runs').set({ state, end_date: now }).where('id', '=', run.id).where('state', '=', 'running').executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) {
      recordRunOutcome(run.dag_id, state);
      this.#o.say?.(`scheduler: ${run.dag_id} ${run.run_id} ${state}`);
    }
  }

  /** Run ticks every pollMs until stop(); a failed tick (database down) is logged and retried. */
  start(): void {
    if (this.#loop) return;
    this.#stopped = false;
    this.#loop = (async () => {
      let failures = 0;
      while (!this.#stopped) {
        try {
          await this.tick();
          failures = 0;
        } catch (e) {
          failures++;
          if (failures === 1 || failures % 30 === 0) this.#o.say?.(`scheduler: tick failed (${(e as Error).message}); retrying`);
        }
        if (this.#stopped) break;
        await new Promise<void>((r) => {
          const t = setTimeout(r, this.#o.pollMs ?? 1000);
          this.#wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.#wake = undefined;
      }
    })();
  }

  /** Tick now instead of waiting for the next poll (e.g. a task just ended). */
  wake(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.wake();
    await this.#loop;
    this.#loop = undefined;
  }
}

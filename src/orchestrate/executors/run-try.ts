/**
 * Run one try of a task instance, wherever it runs (in-process executor or `time2bet worker`):
 * claim it (compare-and-set queued → running), heartbeat while it runs, enforce the execution
 * timeout, and record the outcome (success, skipped, or failed → up_for_retry / failed).
 *
 * The timeout aborts ctx.signal and fails the try at once; the task's code keeps running until
 * it notices the signal or returns (JavaScript cannot kill a promise). The executor does not
 * start another try of the same task instance in this process until the old one has settled
 * (or `settleGraceMs` has passed).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Dag, Services, TaskContext } from '../dag/define.ts';
import { SkipTask } from '../dag/define.ts';
import { retryDelayMs } from '../dag/retry.ts';
import type { TaskState } from '../dag/states.ts';
import { getRunById, parseJson } from '../scheduler/runs.ts';
import { claimTask, finishTry, heartbeat, pullXcom, type TaskJob, type TryOutcome, type WorkerIdentity } from '../scheduler/task-state.ts';
import { recordTaskOutcome } from '../metrics.ts';

export class TaskTimeoutError extends Error {
  override name = 'TaskTimeoutError';
}

export interface TryRunnerOptions {
  services: Services;
  dags: Map<string, Dag>;
  me: WorkerIdentity;
  now: () => Date;
  /** How often a running try refreshes its heartbeat and flushes its log. */
  heartbeatMs: number;
  /** How long to keep retrying the final write while the database is unreachable. */
  finishRetryMs: number;
  /** How long to wait for a timed-out or lost task's code to return before moving on. */
  settleGraceMs: number;
  /** Process-level log (stderr by default). */
  say?: (line: string) => void;
}

export function workerIdentity(kind: string): WorkerIdentity {
  const host = hostname();
  return { workerId: `${kind}@${host}:${process.pid}:${randomBytes(3).toString('hex')}`, hostname: host, pid: process.pid };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(e: unknown): { message: string; detail: string } {
  if (e instanceof Error) return { message: `${e.name}: ${e.message}`, detail: e.stack ?? `${e.name}: ${e.message}` };
  return { message: String(e), detail: String(e) };
}

/**
 * Run a try if this process wins the claim. Resolves with the state recorded, 'not-claimed'
 * (another worker has it, or it was cleared), or 'lost' (it was taken away while running).
 */
export async function runTry(o: TryRunnerOptions, job: TaskJob, stop?: AbortSignal): Promise<TaskState | 'not-claimed' | 'lost'> {
  const db = o.services.wh.db;
  const ti = await claimTask(db, job, o.me, o.now());
  if (!ti) return 'not-claimed';
  const run = await getRunById(db, job.dagRunId);
  const dag = o.dags.get(job.dagId);
  const task = dag?.task(job.taskId);

  let pending = '';
  const log = (line: string) => {
    pending += `${o.now().toISOString()} ${line}\n`;
  };
  const takeLog = () => {
    const s = pending;
    pending = '';
    return s;
  };
  log(`try ${job.tryNumber} (retried up to try ${ti.max_tries + 1}) on ${o.me.workerId}`);

  const ac = new AbortController();
  let lostReason: string | undefined;
  let onLost: (e: Error) => void = () => {};
  const lost = new Promise<never>((_, reject) => (onLost = reject));
  lost.catch(() => {});
  const loseTry = (reason: string) => {
    if (lostReason) return;
    lostReason = reason;
    const e = new Error(reason);
    ac.abort(e);
    onLost(e);
  };
  const onStop = () => ac.abort(new Error('the worker is stopping'));
  stop?.addEventListener('abort', onStop, { once: true });
  let beating = false;
  const beat = setInterval(async () => {
    if (beating) return;
    beating = true;
    const chunk = takeLog();
    try {
      if (!(await heartbeat(db, job, o.me.workerId, o.now(), chunk))) loseTry('this try was taken away (heartbeat timeout, clear or run timeout)');
    } catch (e) {
      pending = chunk + pending; // the database is unreachable: keep the log for the next beat
      o.say?.(`heartbeat of ${job.dagId}.${job.taskId} failed: ${(e as Error).message}`);
    } finally {
      beating = false;
    }
  }, o.heartbeatMs);

  let timer: NodeJS.Timeout | undefined;
  let work: Promise<unknown> = Promise.resolve();
  let outcome: TryOutcome;
  try {
    if (!run || !dag || !task) throw new Error(`task ${job.dagId}.${job.taskId} is not defined in this process (check TIME2BET_DAG_MODULES)`);
    const ctx: TaskContext = {
      ...o.services,
      dagId: job.dagId,
      taskId: job.taskId,
      runId: run.run_id,
      runType: run.run_type,
      tryNumber: job.tryNumber,
      maxTries: ti.max_tries,
      dataIntervalStart: new Date(run.data_interval_start),
      dataIntervalEnd: new Date(run.data_interval_end),
      logicalDate: new Date(run.logical_date),
      conf: parseJson<Record<string, unknown>>(run.conf) ?? {},
      signal: ac.signal,
      log,
      pull: async <T>(taskId: string) => (await pullXcom(db, job.dagRunId, taskId)) as T | undefined,
      skip: (reason: string): never => {
        throw new SkipTask(reason);
      },
    };
    work = Promise.resolve().then(() => task.run(ctx));
    const racers: Promise<unknown>[] = [work, lost];
    if (task.executionTimeoutMs !== undefined) {
      const ms = task.executionTimeoutMs;
      racers.push(
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            const e = new TaskTimeoutError(`execution timeout: the try ran longer than ${ms} ms`);
            ac.abort(e);
            reject(e);
          }, ms);
        }),
      );
    }
    const value = await Promise.race(racers);
    outcome = { state: 'success', xcom: value ?? undefined };
    log('success');
  } catch (e) {
    if (e instanceof SkipTask) {
      outcome = { state: 'skipped', error: e.message };
      log(`skipped: ${e.message}`);
    } else {
      const d = describe(e);
      outcome = { state: 'failed', error: d.message };
      log(`failed: ${d.detail}`);
    }
  } finally {
    clearTimeout(timer);
    clearInterval(beat);
    stop?.removeEventListener('abort', onStop);
  }
  if (lostReason) {
    await settle(work, o.settleGraceMs);
    return 'lost';
  }
  const state = await recordOutcome(o, job, outcome, takeLog(), ti.dag_id, run ? new Date(run.logical_date) : new Date(0));
  await settle(work, o.settleGraceMs);
  return state ?? 'lost';
}

async function settle(work: Promise<unknown>, graceMs: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise((r) => (t = setTimeout(r, graceMs)))]);
  clearTimeout(t);
}

async function recordOutcome(o: TryRunnerOptions, job: TaskJob, outcome: TryOutcome, logTail: string, dagId: string, logicalDate: Date) {
  const task = o.dags.get(dagId)?.task(job.taskId);
  const deadline = Date.now() + o.finishRetryMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const state = await finishTry(o.services.wh.db, {
        job,
        workerId: o.me.workerId,
        outcome,
        now: o.now(),
        logTail,
        retryDelayMs: () => (task ? retryDelayMs(task, { dagId, taskId: job.taskId, logicalDate, tryNumber: job.tryNumber }) : 0),
      });
      if (state) recordTaskOutcome(dagId, job.taskId, state);
      return state;
    } catch (e) {
      if (Date.now() > deadline) {
        o.say?.(`could not record the end of ${dagId}.${job.taskId} try ${job.tryNumber}: ${(e as Error).message}; the scheduler will retry it after the heartbeat timeout`);
        return undefined;
      }
      await sleep(Math.min(2000, 100 * attempt));
    }
  }
}

/**
 * The production executor: the scheduler queues each try as a pg-boss job in PostgreSQL, and
 * `time2bet worker` processes on any number of machines fetch jobs and run the tries.
 *
 * pg-boss only delivers: the task instance row stays the source of truth. A worker completes
 * the job as soon as it has fetched it, then claims the try with a compare-and-set in the
 * warehouse (so a duplicate delivery never runs a try twice), heartbeats while it runs, and
 * records the outcome. A try whose worker dies is failed by the scheduler after the heartbeat
 * timeout and retried (by any worker) under the task's retry policy; a queued try whose job
 * was lost (worker died between fetch and claim, send failed) is re-sent by the scheduler.
 */
import { PgBoss } from 'pg-boss';
import type { Executor } from './executor.ts';
import type { TaskJob } from '../scheduler/task-state.ts';

export const TASK_QUEUE = 'time2bet-tasks';

export async function openBoss(url: string, say: (line: string) => void = () => {}): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, max: 4, application_name: 'time2bet-orchestrate' });
  boss.on('error', (e: Error) => say(`pg-boss: ${e.message}`));
  await boss.start();
  await boss.createQueue(TASK_QUEUE, { retryLimit: 0, expireInSeconds: 900, deleteAfterSeconds: 86_400 });
  return boss;
}

/** Scheduler side: queue tries as pg-boss jobs. */
export class PgBossExecutor implements Executor {
  readonly kind = 'pgboss' as const;
  constructor(private readonly boss: PgBoss) {}

  static async open(url: string, say?: (line: string) => void): Promise<PgBossExecutor> {
    return new PgBossExecutor(await openBoss(url, say));
  }

  async submit(job: TaskJob): Promise<void> {
    await this.boss.send(TASK_QUEUE, { ...job });
  }

  isRunningHere(): boolean {
    return false;
  }

  async drain(): Promise<void> {}

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, timeout: 2000 });
  }
}

function isTaskJob(d: unknown): d is TaskJob {
  const j = d as TaskJob;
  return !!j && Number.isInteger(j.dagRunId) && typeof j.dagId === 'string' && typeof j.taskId === 'string' && Number.isInteger(j.tryNumber);
}

/**
 * Worker side: fetch jobs while `free()` reports free slots, acknowledge them, and hand each
 * try to `run`. Resolves when `signal` aborts.
 */
export async function consumeTasks(
  boss: PgBoss,
  o: { free: () => number; run: (job: TaskJob) => void; signal: AbortSignal; pollMs: number; say: (line: string) => void },
): Promise<void> {
  let failures = 0;
  while (!o.signal.aborted) {
    let got = 0;
    try {
      const n = o.free();
      if (n > 0) {
        const jobs = await boss.fetch<TaskJob>(TASK_QUEUE, { batchSize: n });
        got = jobs.length;
        for (const j of jobs) {
          if (isTaskJob(j.data)) o.run(j.data);
          else o.say(`worker: ignoring malformed job ${j.id}`);
        }
        // Acknowledge at once: the claim in the warehouse, not the job, guards the try.
        if (jobs.length) await boss.complete(TASK_QUEUE, jobs.map((j) => j.id));
      }
      failures = 0;
    } catch (e) {
      failures++;
      if (failures === 1 || failures % 20 === 0) o.say(`worker: fetching tasks failed (${(e as Error).message}); retrying`);
    }
    if (got === 0) await new Promise((r) => setTimeout(r, o.pollMs * Math.min(failures + 1, 10)));
  }
}

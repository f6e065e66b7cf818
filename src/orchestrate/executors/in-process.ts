/**
 * The embedded executor: runs tries in this process, at most `concurrency` at a time, and never
 * two tries of the same task instance at once (a new try waits for the previous one to settle).
 */
import type { Executor } from './executor.ts';
import { jobKey, type TaskJob } from '../scheduler/task-state.ts';
import { runTry, type TryRunnerOptions } from './run-try.ts';

export class InProcessExecutor implements Executor {
  readonly kind = 'in-process' as const;
  readonly #o: TryRunnerOptions;
  readonly #concurrency: number;
  readonly #waiting: TaskJob[] = [];
  readonly #running = new Map<string, Promise<void>>();
  readonly #stop = new AbortController();
  #idle: (() => void)[] = [];

  /** Called after each try ends (a scheduler sets it to wake up at once). */
  onSettled: (() => void) | undefined;

  constructor(o: TryRunnerOptions & { concurrency: number }) {
    this.#o = o;
    this.#concurrency = Math.max(1, o.concurrency);
  }

  async submit(job: TaskJob): Promise<void> {
    if (this.#stop.signal.aborted) return;
    const dup = this.#waiting.some((w) => jobKey(w) === jobKey(job) && w.tryNumber === job.tryNumber);
    if (!dup) this.#waiting.push(job);
    this.#pump();
  }

  /** Tries held by this executor: running or waiting for a slot. */
  pending(): number {
    return this.#running.size + this.#waiting.length;
  }

  isRunningHere(job: Pick<TaskJob, 'dagRunId' | 'taskId'>): boolean {
    return this.#running.has(jobKey(job));
  }

  #pump(): void {
    while (this.#running.size < this.#concurrency) {
      const i = this.#waiting.findIndex((j) => !this.#running.has(jobKey(j)));
      if (i < 0) break;
      const job = this.#waiting.splice(i, 1)[0]!;
      const key = jobKey(job);
      const p = runTry(this.#o, job, this.#stop.signal)
        .then(() => undefined)
        .catch((e: Error) => this.#o.say?.(`executor: ${job.dagId}.${job.taskId} try ${job.tryNumber}: ${e.message}`))
        .finally(() => {
          this.#running.delete(key);
          this.#pump();
          this.onSettled?.();
        });
      this.#running.set(key, p);
    }
    if (this.#running.size === 0 && this.#waiting.length === 0) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const w of waiters) w();
    }
  }

  drain(): Promise<void> {
    if (this.#running.size === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  async stop(): Promise<void> {
    this.#waiting.length = 0;
    this.#stop.abort();
    await Promise.all(this.#running.values());
  }
}

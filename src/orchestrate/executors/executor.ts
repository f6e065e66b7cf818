/** How a scheduler hands a queued try to something that runs it. */
import type { TaskJob } from '../scheduler/task-state.ts';

export interface Executor {
  readonly kind: 'in-process' | 'pgboss';
  /** Hand over a queued try. Must not throw for a duplicate: the claim decides who runs it. */
  submit(job: TaskJob): Promise<void>;
  /** True when this process is running the task instance right now (the scheduler never reaps those). */
  isRunningHere(job: Pick<TaskJob, 'dagRunId' | 'taskId'>): boolean;
  /** Resolves when every try handed to this executor so far has ended (in-process only; others resolve at once). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

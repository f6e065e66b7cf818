/** Task-instance and run states, and what a trigger rule makes of the upstream states. */
import type { TriggerRule } from './define.ts';

/** `none`: created, waiting for its upstream tasks (Airflow's "no status"). */
export type TaskState = 'none' | 'queued' | 'running' | 'success' | 'failed' | 'up_for_retry' | 'upstream_failed' | 'skipped';
export type RunState = 'queued' | 'running' | 'success' | 'failed';

export const TASK_STATES: readonly TaskState[] = ['none', 'queued', 'running', 'success', 'failed', 'up_for_retry', 'upstream_failed', 'skipped'];
export const FINISHED: ReadonlySet<TaskState> = new Set(['success', 'failed', 'upstream_failed', 'skipped']);
const FAILED: ReadonlySet<TaskState> = new Set(['failed', 'upstream_failed']);

/** What to do with a task waiting on its upstreams. */
export type Decision = 'run' | 'wait' | 'upstream_failed' | 'skipped';

/** Airflow's trigger rules over the upstream states (a task without upstreams runs at once). */
export function decide(rule: TriggerRule, upstream: readonly TaskState[]): Decision {
  const done = upstream.every((s) => FINISHED.has(s));
  const failed = upstream.some((s) => FAILED.has(s));
  switch (rule) {
    case 'all_success':
      if (failed) return 'upstream_failed';
      if (upstream.some((s) => s === 'skipped')) return 'skipped';
      return upstream.every((s) => s === 'success') ? 'run' : 'wait';
    case 'none_failed':
      if (failed) return 'upstream_failed';
      return done ? 'run' : 'wait';
    case 'all_done':
      return done ? 'run' : 'wait';
    case 'all_failed':
      if (!done) return 'wait';
      return upstream.every((s) => FAILED.has(s)) ? 'run' : 'skipped';
    case 'one_failed':
      if (failed) return 'run';
      return done ? 'skipped' : 'wait';
  }
}

/**
 * A finished run failed when one of its leaf tasks (no downstream) failed or had an upstream
 * failure, as in Airflow; otherwise it succeeded.
 */
export function runOutcome(leaves: readonly TaskState[]): 'success' | 'failed' {
  return leaves.some((s) => FAILED.has(s)) ? 'failed' : 'success';
}

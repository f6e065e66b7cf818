/**
 * Retry delay, as Airflow computes it (TaskInstance.next_retry_datetime):
 *
 * - without exponential backoff: the retry delay;
 * - with it: min_backoff = ceil(retry_delay · 2^(try−1)) (at least 1), plus a deterministic
 *   jitter `hash % min_backoff` where hash = sha1("dag#task#logical_date#try"), so the delay is
 *   in [min_backoff, 2·min_backoff); then capped at 24 h and at max_retry_delay.
 *
 * Airflow counts in whole seconds; here the same formula runs in milliseconds, so short test
 * delays (100 ms) keep their jitter. The retry happens that long after the failed try ended.
 */
import { createHash } from 'node:crypto';
import type { RetryPolicy } from './define.ts';

/** Airflow's MAX_RETRY_DELAY: 24 hours. */
export const MAX_RETRY_DELAY_MS = 24 * 3600 * 1000;

export interface RetryKey {
  dagId: string;
  taskId: string;
  logicalDate: Date;
  /** The try that just failed (1 = the first try). */
  tryNumber: number;
}

export function retryDelayMs(policy: RetryPolicy, key: RetryKey): number {
  let delay = policy.retryDelayMs;
  if (policy.retryExponentialBackoff) {
    const minBackoff = Math.max(1, Math.ceil(delay * 2 ** (key.tryNumber - 1)));
    if (minBackoff >= MAX_RETRY_DELAY_MS) {
      delay = MAX_RETRY_DELAY_MS;
    } else {
      const digest = createHash('sha1')
        .update(`${key.dagId}#${key.taskId}#${key.logicalDate.toISOString()}#${key.tryNumber}`)
        .digest('hex');
      const jitter = Number(BigInt(`0x${digest}`) % BigInt(minBackoff));
      delay = Math.min(minBackoff + jitter, MAX_RETRY_DELAY_MS);
    }
    if (policy.maxRetryDelayMs !== undefined) delay = Math.min(policy.maxRetryDelayMs, delay);
  }
  return delay;
}

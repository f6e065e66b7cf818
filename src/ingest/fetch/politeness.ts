/** Politeness primitives: abortable sleep, one-at-a-time per host with a jittered gap, backoff, Retry-After. */
import { abortError } from './types.ts';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Serialises requests per host and keeps a gap of `delay + U(0, jitter)` between the end of
 * one request and the start of the next one to the same host.
 */
export class HostGate {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #lastEnd = new Map<string, number>();
  constructor(private readonly gap: (host: string) => number, private readonly now: () => number = Date.now) {}

  /** Run `task` when it is this host's turn and the gap has passed. */
  async run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const prev = this.#tails.get(host) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.#tails.set(host, tail);
    try {
      await prev;
      const last = this.#lastEnd.get(host);
      if (last !== undefined) await sleep(last + this.gap(host) - this.now(), signal);
      if (signal?.aborted) throw abortError(signal);
      try {
        return await task();
      } finally {
        this.#lastEnd.set(host, this.now());
      }
    } finally {
      release();
      if (this.#tails.get(host) === tail) this.#tails.delete(host);
    }
  }
}

/** Exponential backoff with full jitter on top: base·2^i + U(0, base·2^i), capped. */
export function backoffDelay(retryIndex: number, baseMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** retryIndex);
  return Math.min(maxMs, step + random() * step);
}

/** Retry-After as milliseconds (delta-seconds or HTTP-date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/** Statuses worth retrying: 408, 425, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

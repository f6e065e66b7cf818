/**
 * The polite fetcher's contract. Two implementations sit behind it (plain HTTP with undici,
 * and a real browser with playwright-core); callers never branch on which one they got.
 */

/** One response as the crawler sees it: the decoded body bytes and what the server said. */
export interface FetchResult {
  url: string;
  /** Where the response came from after redirects. */
  finalUrl: string;
  status: number;
  contentType: string;
  headers: Record<string, string>;
  /** Decoded (decompressed) body. */
  body: Uint8Array;
  fetchedAt: Date;
  /** Attempts it took (1 = first try). */
  attempts: number;
}

export interface FetchCallOptions {
  signal?: AbortSignal;
}

export interface Fetcher {
  readonly kind: 'http' | 'browser';
  /**
   * Fetch one URL politely: robots.txt checked, one request at a time per host, a delay
   * with jitter between requests, retries with backoff on 429/5xx/timeouts/connection errors.
   * Resolves with a 2xx response; rejects with HttpStatusError, FetchFailedError,
   * BlockedError, RobotsDisallowedError or an AbortError.
   */
  fetch(url: string, opts?: FetchCallOptions): Promise<FetchResult>;
  close(): Promise<void>;
}

/** Politeness and retry settings shared by both implementations. */
export interface PolitenessOptions {
  /** Fixed pause between two requests to the same host (ms). Default 5000, like soccerdata. */
  delayMs?: number;
  /** Extra random pause, uniform in [0, jitterMs) (ms). Default 5000. */
  jitterMs?: number;
  /** Per-attempt timeout: headers and body (ms). Default 30000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4 (5 attempts in all). */
  retries?: number;
  /** First backoff step (ms); doubles each retry, plus jitter. Default 2000. */
  backoffBaseMs?: number;
  /** Backoff ceiling (ms). Default 60000. */
  backoffMaxMs?: number;
  /** Longest Retry-After the fetcher will wait (ms); longer ones fail the request. Default 600000. */
  maxRetryAfterMs?: number;
  /** How many times a block page is retried (after backing off) before giving up. Default 1. */
  blockRetries?: number;
  /** Back-off before retrying a block page (ms). Default 60000. */
  blockBackoffMs?: number;
  /** User-Agent sent with every request; its first token is matched against robots.txt groups. */
  userAgent?: string;
  /** Honour robots.txt (default true). */
  respectRobots?: boolean;
  /** Random source in [0,1), for tests. */
  random?: () => number;
}

/** Says what is asking; set `userAgent` to add a contact address for live crawls. */
export const DEFAULT_USER_AGENT = 'time2bet/0.1 (football research crawler; one request at a time, 5-10 s apart; honours robots.txt)';

export interface ResolvedPoliteness {
  delayMs: number;
  jitterMs: number;
  timeoutMs: number;
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
  blockRetries: number;
  blockBackoffMs: number;
  userAgent: string;
  respectRobots: boolean;
  random: () => number;
}

export function resolvePoliteness(o: PolitenessOptions = {}): ResolvedPoliteness {
  const num = (v: number | undefined, d: number, name: string): number => {
    if (v === undefined) return d;
    if (!Number.isFinite(v) || v < 0) throw new Error(`fetcher option ${name}=${v}: expected a number ≥ 0`);
    return v;
  };
  return {
    delayMs: num(o.delayMs, 5000, 'delayMs'),
    jitterMs: num(o.jitterMs, 5000, 'jitterMs'),
    timeoutMs: num(o.timeoutMs, 30_000, 'timeoutMs') || 30_000,
    retries: Math.floor(num(o.retries, 4, 'retries')),
    backoffBaseMs: num(o.backoffBaseMs, 2000, 'backoffBaseMs'),
    backoffMaxMs: num(o.backoffMaxMs, 60_000, 'backoffMaxMs'),
    maxRetryAfterMs: num(o.maxRetryAfterMs, 600_000, 'maxRetryAfterMs'),
    blockRetries: Math.floor(num(o.blockRetries, 1, 'blockRetries')),
    blockBackoffMs: num(o.blockBackoffMs, 60_000, 'blockBackoffMs'),
    userAgent: o.userAgent ?? DEFAULT_USER_AGENT,
    respectRobots: o.respectRobots ?? true,
    random: o.random ?? Math.random,
  };
}

/** A single attempt's raw outcome, produced by a transport (HTTP or browser). */
export interface AttemptResult {
  finalUrl: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** One try at one URL, no retries, no politeness: the part the two implementations differ in. */
export interface Transport {
  readonly kind: 'http' | 'browser';
  attempt(url: string, opts: { userAgent: string; timeoutMs: number; signal?: AbortSignal }): Promise<AttemptResult>;
  close(): Promise<void>;
}

/** The server answered with a status that is not retried (e.g. 404) or kept failing. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(readonly url: string, readonly status: number, readonly attempts: number, readonly body?: Uint8Array) {
    super(`GET ${url}: HTTP ${status}${attempts > 1 ? ` after ${attempts} attempts` : ''}`);
  }
}

/** Timeouts or connection errors on every attempt. */
export class FetchFailedError extends Error {
  override name = 'FetchFailedError';
  constructor(readonly url: string, readonly attempts: number, readonly causeMessage: string) {
    super(`GET ${url}: failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${causeMessage}`);
  }
}

/** The site served a bot-protection page (Incapsula / Cloudflare) instead of content. */
export class BlockedError extends Error {
  override name = 'BlockedError';
  constructor(readonly url: string, readonly marker: string, readonly attempts: number, readonly body: Uint8Array, readonly status: number) {
    super(
      `GET ${url}: the site served a block page ("${marker}", HTTP ${status}) ${attempts} time${attempts === 1 ? '' : 's'}, ` +
        'even after backing off. Stopping the crawl: wait (hours, not minutes) before retrying, keep the delay at its default, ' +
        'or try the browser fetcher. Pages fetched so far are kept and a rerun continues from them.',
    );
  }
}

/** robots.txt forbids the URL for our User-Agent. */
export class RobotsDisallowedError extends Error {
  override name = 'RobotsDisallowedError';
  constructor(readonly url: string, readonly rule: string) {
    super(`GET ${url}: disallowed by robots.txt (${rule}); not fetched`);
  }
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || (e as { code?: string }).code === 'ABORT_ERR');
}

export function abortError(signal?: AbortSignal): Error {
  const reason = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error(typeof reason === 'string' ? reason : 'the operation was aborted');
  e.name = 'AbortError';
  return e;
}

/** Errors a retry can cure: the transport marks them with `retryable`. */
export class TransientError extends Error {
  override name = 'TransientError';
  readonly retryable = true;
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

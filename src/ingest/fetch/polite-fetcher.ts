/**
 * The politeness and retry layer both fetchers share: robots.txt, one request at a time per
 * host with a jittered gap, exponential backoff with jitter on 429/5xx/timeouts/connection
 * errors (Retry-After honoured, 404 and other 4xx never retried), and block-page detection.
 * The transport underneath (undici or a browser) makes single attempts.
 */
import { detectBlockPage } from './block.ts';
import { backoffDelay, HostGate, isRetryableStatus, parseRetryAfter, sleep } from './politeness.ts';
import { parseRobots, robotsAllows, type RobotsRules } from './robots.ts';
import {
  BlockedError,
  FetchFailedError,
  HttpStatusError,
  RobotsDisallowedError,
  abortError,
  isAbortError,
  resolvePoliteness,
  type AttemptResult,
  type FetchCallOptions,
  type Fetcher,
  type FetchResult,
  type PolitenessOptions,
  type ResolvedPoliteness,
  type Transport,
} from './types.ts';

export interface FetchEvent {
  url: string;
  attempt: number;
  outcome: 'ok' | 'retry' | 'blocked' | 'error';
  status?: number;
  waitMs?: number;
  message?: string;
}

export class PoliteFetcher implements Fetcher {
  readonly kind: 'http' | 'browser';
  readonly options: ResolvedPoliteness;
  readonly #gate: HostGate;
  readonly #robots = new Map<string, Promise<RobotsRules>>();
  readonly #crawlDelay = new Map<string, number>();

  constructor(
    private readonly transport: Transport,
    opts: PolitenessOptions = {},
    private readonly onEvent?: (e: FetchEvent) => void,
  ) {
    this.kind = transport.kind;
    this.options = resolvePoliteness(opts);
    const o = this.options;
    this.#gate = new HostGate((host) => {
      const robotsDelay = this.#crawlDelay.get(host) ?? 0;
      return Math.max(o.delayMs, robotsDelay) + o.random() * o.jitterMs;
    });
  }

  async fetch(url: string, opts: FetchCallOptions = {}): Promise<FetchResult> {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`cannot fetch "${url}": only http and https URLs are supported`);
    if (this.options.respectRobots) {
      const rules = await this.#robotsFor(u, opts.signal);
      const verdict = robotsAllows(rules, u.pathname + u.search);
      if (!verdict.allowed) throw new RobotsDisallowedError(url, verdict.rule);
    }
    return this.#fetchWithRetries(url, opts.signal, true);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  async #robotsFor(u: URL, signal?: AbortSignal): Promise<RobotsRules> {
    let p = this.#robots.get(u.origin);
    if (!p) {
      p = this.#loadRobots(u, signal);
      this.#robots.set(u.origin, p);
      p.catch(() => this.#robots.delete(u.origin));
    }
    return p;
  }

  async #loadRobots(u: URL, signal?: AbortSignal): Promise<RobotsRules> {
    const robotsUrl = `${u.origin}/robots.txt`;
    let rules: RobotsRules;
    try {
      const res = await this.#fetchWithRetries(robotsUrl, signal, false);
      rules = parseRobots(Buffer.from(res.body).toString('utf8'), this.options.userAgent);
    } catch (e) {
      if (isAbortError(e)) throw e;
      // RFC 9309: 4xx = no restrictions; 5xx or unreachable = assume everything is disallowed.
      if (e instanceof HttpStatusError && e.status >= 400 && e.status < 500) rules = { rules: [], blanket: 'none' };
      else rules = { rules: [], blanket: 'all' };
    }
    if (rules.crawlDelayMs !== undefined) this.#crawlDelay.set(u.host, rules.crawlDelayMs);
    return rules;
  }

  async #fetchWithRetries(url: string, signal: AbortSignal | undefined, detectBlocks: boolean): Promise<FetchResult> {
    const o = this.options;
    const host = new URL(url).host;
    let attempt = 0;
    let retriesUsed = 0;
    let blocks = 0;
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      attempt++;
      let res: AttemptResult | undefined;
      let failure: Error | undefined;
      try {
        res = await this.#gate.run(
          host,
          () => this.transport.attempt(url, { userAgent: o.userAgent, timeoutMs: o.timeoutMs, signal }),
          signal,
        );
      } catch (e) {
        if (isAbortError(e) || signal?.aborted) throw signal?.aborted ? abortError(signal) : e;
        if (!(e as { retryable?: boolean }).retryable) throw e;
        failure = e as Error;
      }
      let waitMs: number;
      if (res) {
        const marker = detectBlocks ? detectBlockPage(res.body, res.status) : undefined;
        if (marker) {
          blocks++;
          this.onEvent?.({ url, attempt, outcome: 'blocked', status: res.status, message: marker });
          if (blocks > o.blockRetries) throw new BlockedError(url, marker, blocks, res.body, res.status);
          await sleep(o.blockBackoffMs, signal);
          continue;
        }
        if (res.status >= 200 && res.status < 300) {
          this.onEvent?.({ url, attempt, outcome: 'ok', status: res.status });
          return {
            url,
            finalUrl: res.finalUrl,
            status: res.status,
            contentType: res.headers['content-type'] ?? '',
            headers: res.headers,
            body: res.body,
            fetchedAt: new Date(),
            attempts: attempt,
          };
        }
        if (!isRetryableStatus(res.status) || retriesUsed >= o.retries) {
          this.onEvent?.({ url, attempt, outcome: 'error', status: res.status });
          throw new HttpStatusError(url, res.status, attempt, res.body);
        }
        const retryAfter = parseRetryAfter(res.headers['retry-after']);
        if (retryAfter !== undefined && retryAfter > o.maxRetryAfterMs) {
          this.onEvent?.({ url, attempt, outcome: 'error', status: res.status, message: `Retry-After ${retryAfter} ms is too long` });
          throw new HttpStatusError(url, res.status, attempt, res.body);
        }
        waitMs = retryAfter ?? backoffDelay(retriesUsed, o.backoffBaseMs, o.backoffMaxMs, o.random);
        this.onEvent?.({ url, attempt, outcome: 'retry', status: res.status, waitMs });
      } else {
        if (retriesUsed >= o.retries) {
          this.onEvent?.({ url, attempt, outcome: 'error', message: failure?.message });
          throw new FetchFailedError(url, attempt, failure?.message ?? 'unknown error');
        }
        waitMs = backoffDelay(retriesUsed, o.backoffBaseMs, o.backoffMaxMs, o.random);
        this.onEvent?.({ url, attempt, outcome: 'retry', waitMs, message: failure?.message });
      }
      retriesUsed++;
      await sleep(waitMs, signal);
    }
  }
}

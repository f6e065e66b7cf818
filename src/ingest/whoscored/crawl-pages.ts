/**
 * One page of a crawl: from the raw zone when it is already there (unless it must be
 * refreshed), otherwise fetched politely, stored content-addressed, recorded in the manifest
 * and parsed. A body that does not parse (e.g. truncated) is kept as `invalid` and fetched
 * once more. Block pages stop the crawl; other failures are counted and reported.
 */
import type { ObjectStore } from '../../lake/store.ts';
import {
  BlockedError,
  FetchFailedError,
  HttpStatusError,
  RobotsDisallowedError,
  isAbortError,
  type Fetcher,
} from '../fetch/types.ts';
import { parsePage, type ContentKind, type ParsedPage } from './detect.ts';
import { recordPageOutcome } from './metrics.ts';
import { getRaw, latestOkPage, putRaw, recordPage, type ManifestRow } from './rawzone.ts';
import type { WsDb } from './schema.ts';

export interface CrawlCounts {
  fetched: number;
  cached: number;
  blocked: number;
  failed: number;
  parsed: number;
  loaded: number;
}

export const zeroCrawlCounts = (): CrawlCounts => ({ fetched: 0, cached: 0, blocked: 0, failed: 0, parsed: 0, loaded: 0 });

/** Ends the crawl: a block page, or a listing the crawl cannot go on without. */
export class CrawlStop extends Error {
  override name = 'CrawlStop';
  constructor(readonly status: 'blocked' | 'failed', message: string) {
    super(message);
  }
}

export interface PageRequest {
  url: string;
  kind: ContentKind;
  /** Fetch even when the raw zone has it (current season's listings). */
  refresh?: boolean;
  matchId?: number;
  /** Return without parsing when the cached copy was already loaded. */
  skipLoaded?: boolean;
  /** A failure stops the crawl (the flow cannot continue without this page). */
  critical?: boolean;
}

export interface GotPage {
  /** Undefined when skipped because already loaded. */
  parsed?: ParsedPage;
  rawPageId: number;
  cached: boolean;
  alreadyLoaded: boolean;
  manifest?: ManifestRow;
}

export interface PageEvent {
  url: string;
  kind: ContentKind;
  outcome: 'ok' | 'cached' | 'blocked' | 'error';
  message?: string;
}

export class PageSource {
  readonly errors: string[] = [];
  constructor(
    private readonly db: WsDb,
    private readonly lake: ObjectStore,
    private readonly fetcher: Fetcher,
    private readonly runId: number,
    readonly counts: CrawlCounts,
    private readonly signal: AbortSignal | undefined,
    private readonly onPage: (e: PageEvent) => void | Promise<void>,
  ) {}

  async #emit(e: PageEvent): Promise<void> {
    recordPageOutcome(e.outcome, e.kind);
    await this.onPage(e);
  }

  #parse(req: PageRequest, body: Uint8Array): ParsedPage {
    const text = Buffer.from(body).toString('utf8');
    const parsed = parsePage(req.kind, text, { page: req.url, ...(req.matchId !== undefined ? { matchId: req.matchId } : {}) });
    this.counts.parsed++;
    return parsed;
  }

  /** The page, or undefined when it failed (counted, and reported in `errors`). */
  async get(req: PageRequest): Promise<GotPage | undefined> {
    if (!req.refresh) {
      const row = await latestOkPage(this.db, req.url);
      if (row) {
        this.counts.cached++;
        await this.#emit({ url: req.url, kind: req.kind, outcome: 'cached' });
        if (req.skipLoaded && row.loaded_at) return { rawPageId: row.id, cached: true, alreadyLoaded: true, manifest: row };
        try {
          return { parsed: this.#parse(req, await getRaw(this.lake, row.sha256)), rawPageId: row.id, cached: true, alreadyLoaded: row.loaded_at !== null, manifest: row };
        } catch (e) {
          // The stored copy no longer parses (parser changed, or lake damaged): fetch afresh.
          this.errors.push(`${req.url}: cached copy unusable (${(e as Error).message}); fetching again`);
        }
      }
    }
    return this.#fetch(req, 0);
  }

  async #fetch(req: PageRequest, invalidBefore: number): Promise<GotPage | undefined> {
    let res;
    try {
      res = await this.fetcher.fetch(req.url, { signal: this.signal });
    } catch (e) {
      if (isAbortError(e)) throw e;
      if (e instanceof BlockedError) {
        const stored = await putRaw(this.lake, e.body);
        await recordPage(this.db, {
          url: req.url,
          kind: req.kind,
          outcome: 'blocked',
          httpStatus: e.status,
          ...stored,
          crawlRunId: this.runId,
          error: e.marker,
        });
        this.counts.blocked++;
        await this.#emit({ url: req.url, kind: req.kind, outcome: 'blocked', message: e.message });
        throw new CrawlStop('blocked', e.message);
      }
      if (e instanceof HttpStatusError || e instanceof FetchFailedError || e instanceof RobotsDisallowedError) {
        return this.#failed(req, e.message);
      }
      throw e;
    }
    this.counts.fetched++;
    const stored = await putRaw(this.lake, res.body);
    const base = {
      url: req.url,
      kind: req.kind,
      httpStatus: res.status,
      sha256: stored.sha256,
      bytes: stored.bytes,
      contentType: res.contentType || null,
      whoscoredMatchId: req.matchId ?? null,
      crawlRunId: this.runId,
      fetchedAt: res.fetchedAt,
    };
    let parsed: ParsedPage;
    try {
      parsed = this.#parse(req, res.body);
    } catch (e) {
      const msg = `${req.url}: fetched ${stored.bytes} bytes that do not parse: ${(e as Error).message}`;
      await recordPage(this.db, { ...base, outcome: 'invalid', error: (e as Error).message });
      if (invalidBefore < 1) return this.#fetch(req, invalidBefore + 1);
      return this.#failed(req, msg);
    }
    const matchStatus = parsed.kind === 'match-centre' ? parsed.match.status : null;
    const { id } = await recordPage(this.db, { ...base, outcome: 'ok', matchStatus });
    await this.#emit({ url: req.url, kind: req.kind, outcome: 'ok' });
    return { parsed, rawPageId: id, cached: false, alreadyLoaded: false };
  }

  async #failed(req: PageRequest, message: string): Promise<undefined> {
    this.counts.failed++;
    this.errors.push(message);
    await this.#emit({ url: req.url, kind: req.kind, outcome: 'error', message });
    if (req.critical) throw new CrawlStop('failed', message);
    return undefined;
  }
}

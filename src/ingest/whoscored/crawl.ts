/**
 * `time2bet scrape whoscored`: tournament → seasons → stages → calendar → monthly fixtures →
 * match centres (and previews), politely, into the raw zone and the warehouse. A rerun fetches
 * nothing the raw zone already has, except the current season's listings, and loads nothing
 * already loaded; so an interrupted crawl continues where it stopped.
 */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../../lake/store.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import { createFetcher, type FetcherOptions } from '../fetch/index.ts';
import { isAbortError, type Fetcher } from '../fetch/types.ts';
import { CrawlStop, PageSource, zeroCrawlCounts, type CrawlCounts, type PageEvent } from './crawl-pages.ts';
import { planMatchPages, type PreviewPolicy } from './crawl-plan.ts';
import { fetchListings, fetchMatches, LoadGuard, ProgressTracker, type Crawl, type CrawlPhase } from './crawl-steps.ts';
import { adHocLeague, findLeague, isCurrentSeason, leagueByIds, normaliseSeason, type WsLeague } from './leagues.ts';
import { zeroCounts, type LoadCounts } from './load-core.ts';
import { wsDb, type WsDb } from './schema.ts';
import { WHOSCORED_BASE_URL, wsUrl } from './urls.ts';

export interface ScrapeWhoScoredOptions {
  wh: Pick<Warehouse, 'db'>;
  lake: ObjectStore;
  /** "ENG-Premier League" or a warehouse code ("E0"); other WhoScored leagues as "England - League Two". */
  league: string;
  /** "2020-2021" (also "2020/2021", "2020-21", "20-21"). */
  season: string;
  baseUrl?: string;
  /** A fetcher, or options for one (politeness, kind 'http' | 'browser'). */
  fetcher?: Fetcher | FetcherOptions;
  previews?: PreviewPolicy;
  matchIds?: number[];
  maxMatches?: number;
  signal?: AbortSignal;
  onProgress?: (p: ScrapeProgress) => void;
  /** Today, for deciding whether the season is current (tests). */
  now?: Date;
}

export interface ScrapeProgress {
  phase: CrawlPhase;
  url: string;
  kind: string;
  outcome: PageEvent['outcome'];
  done: number;
  total: number;
  counts: CrawlCounts;
  message?: string;
}

export type ScrapeStatus = 'success' | 'partial' | 'blocked' | 'aborted' | 'failed';

export interface ScrapeReport {
  runId: number;
  ingestionRunId: number;
  status: ScrapeStatus;
  message: string;
  league: string;
  season: string;
  counts: CrawlCounts;
  matches: LoadCounts;
  fixtures: number;
  errors: string[];
  skipped: string[];
}

function isFetcher(f: ScrapeWhoScoredOptions['fetcher']): f is Fetcher {
  return typeof (f as Fetcher | undefined)?.fetch === 'function';
}

async function resolveLeague(name: string, pages: PageSource, base: string): Promise<WsLeague> {
  const known = findLeague(name);
  if (known) return known;
  const got = await pages.get({ url: wsUrl.regions(base), kind: 'regions', critical: true });
  const regions = got?.parsed?.kind === 'regions' ? got.parsed.regions : [];
  const want = name.trim().toLowerCase();
  for (const r of regions) {
    for (const t of r.tournaments) {
      if (`${r.name} - ${t.name}`.toLowerCase() === want) return leagueByIds(r.regionId, t.tournamentId) ?? adHocLeague(r.regionId, t.tournamentId, r.name, t.name);
    }
  }
  throw new CrawlStop('failed', `league "${name}": not a known league code or name, and not "<Region> - <Tournament>" in WhoScored's regions list`);
}

async function finish(db: WsDb, runId: number, ingId: number, r: Omit<ScrapeReport, 'runId' | 'ingestionRunId'>): Promise<void> {
  const shas = await db.selectFrom('whoscored_raw_pages').select('sha256').where('crawl_run_id', '=', runId).orderBy('sha256').execute();
  const checksum = createHash('sha256').update(shas.map((s) => s.sha256).join('\n')).digest('hex');
  await db
    .updateTable('whoscored_crawl_runs')
    .set({ ...r.counts, status: r.status, message: r.message, finished_at: new Date() })
    .where('id', '=', runId)
    .execute();
  await db
    .updateTable('ingestion_runs')
    .set({
      status: r.status === 'success' || r.status === 'partial' ? 'success' : 'failed',
      checksum,
      rows_read: r.counts.loaded,
      ...r.matches,
      error: r.status === 'success' ? null : r.message,
      finished_at: new Date(),
    })
    .where('id', '=', ingId)
    .execute();
}

/** Step 1: record the start (an ingestion run and a crawl run). */
async function recordStart(db: WsDb, opts: ScrapeWhoScoredOptions, base: string, season: string, fetcherKind: string): Promise<{ ingId: number; runId: number }> {
  const ing = await db
    .insertInto('ingestion_runs')
    .values({ source: 'whoscored', file: `${base} ${opts.league} ${season}`, checksum: '', status: 'running' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const run = await db
    .insertInto('whoscored_crawl_runs')
    .values({ league: opts.league, season, base_url: base, fetcher: fetcherKind, status: 'running', ingestion_run_id: ing.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ingId: ing.id, runId: run.id };
}

/**
 * Crawl one season: record the start, resolve the league, fetch the listings, plan the match
 * pages, fetch them, record the outcome. Every page is stored in the raw zone and loaded as it
 * arrives, so an interrupted crawl loses nothing.
 */
export async function scrapeWhoScored(opts: ScrapeWhoScoredOptions): Promise<ScrapeReport> {
  const db = wsDb(opts.wh.db);
  const base = (opts.baseUrl ?? WHOSCORED_BASE_URL).replace(/\/+$/, '');
  const season = normaliseSeason(opts.season);
  const fetcher = isFetcher(opts.fetcher) ? opts.fetcher : createFetcher(opts.fetcher);
  const ownFetcher = !isFetcher(opts.fetcher);
  const { ingId, runId } = await recordStart(db, opts, base, season, fetcher.kind);
  const counts = zeroCrawlCounts();
  const progress = new ProgressTracker();
  const pages = new PageSource(db, opts.lake, fetcher, runId, counts, opts.signal, async (e) => {
    await db.updateTable('whoscored_crawl_runs').set({ ...counts }).where('id', '=', runId).execute();
    const { phase, done, total } = progress;
    opts.onProgress?.({ phase, url: e.url, kind: e.kind, outcome: e.outcome, done, total, counts: { ...counts }, ...(e.message ? { message: e.message } : {}) });
  });
  const c: Crawl = {
    db, base, season, current: isCurrentSeason(season, opts.now ?? new Date()), ingestionRunId: ingId, pages, counts,
    loadGuard: new LoadGuard(counts, pages.errors), progress, fixtures: new Map(), matches: zeroCounts(), skipped: [],
  };
  let status: ScrapeStatus = 'success';
  let message = '';
  let leagueCode = opts.league;
  const report = () => ({ status, message, league: leagueCode, season, counts: { ...counts }, matches: c.matches, fixtures: c.fixtures.size, errors: pages.errors, skipped: c.skipped });
  try {
    const league = await resolveLeague(opts.league, pages, base);
    leagueCode = league.code;
    await fetchListings(c, league);
    const plan = planMatchPages([...c.fixtures.values()], {
      ...(opts.previews ? { previews: opts.previews } : {}),
      ...(opts.matchIds ? { matchIds: opts.matchIds } : {}),
      ...(opts.maxMatches !== undefined ? { maxMatches: opts.maxMatches } : {}),
    });
    await fetchMatches(c, plan);
    status = counts.failed > 0 ? 'partial' : 'success';
    message =
      `${league.code} ${season}: ${c.fixtures.size} fixtures; pages fetched ${counts.fetched}, cached ${counts.cached}, ` +
      `failed ${counts.failed}; matches inserted ${c.matches.inserted}, updated ${c.matches.updated}, unchanged ${c.matches.unchanged}`;
  } catch (e) {
    if (isAbortError(e)) {
      status = 'aborted';
      message = `crawl interrupted after ${counts.fetched} fetched page(s); rerun to continue (nothing already stored is fetched again)`;
    } else if (e instanceof CrawlStop) {
      status = e.status;
      message = e.message;
    } else {
      status = 'failed';
      message = (e as Error).message;
      await finish(db, runId, ingId, report()).catch(() => {});
      if (ownFetcher) await fetcher.close().catch(() => {});
      throw e;
    }
  }
  const r = report();
  try {
    await finish(db, runId, ingId, r);
  } finally {
    if (ownFetcher) await fetcher.close().catch(() => {});
  }
  return { runId, ingestionRunId: ingId, ...r };
}

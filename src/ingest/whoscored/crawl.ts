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
import { adHocLeague, findLeague, isCurrentSeason, leagueByIds, normaliseSeason, warehouseSeasonToWs, type WsLeague } from './leagues.ts';
import { addCounts, zeroCounts, type LoadCounts } from './load-core.ts';
import { loadFixtures, loadMatchCentre, loadPreview } from './load.ts';
import { latestOkPage } from './rawzone.ts';
import type { WsFixture } from './records.ts';
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
  phase: 'listings' | 'matches';
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

/**
 * A page whose records fail to load (a constraint the data breaks) is reported and skipped, so
 * one odd page does not end a long crawl; three load failures in a row look systematic
 * (database down) and end it.
 */
class LoadGuard {
  #streak = 0;
  constructor(private readonly counts: CrawlCounts, private readonly errors: string[]) {}
  async run<T>(what: string, load: () => Promise<T>): Promise<T | undefined> {
    try {
      const r = await load();
      this.#streak = 0;
      return r;
    } catch (e) {
      if (++this.#streak >= 3) throw e;
      this.counts.failed++;
      this.errors.push(`${what}: could not be loaded: ${(e as Error).message}`);
      return undefined;
    }
  }
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

export async function scrapeWhoScored(opts: ScrapeWhoScoredOptions): Promise<ScrapeReport> {
  const db = wsDb(opts.wh.db);
  const base = (opts.baseUrl ?? WHOSCORED_BASE_URL).replace(/\/+$/, '');
  const season = normaliseSeason(opts.season);
  const fetcher = isFetcher(opts.fetcher) ? opts.fetcher : createFetcher(opts.fetcher);
  const ownFetcher = !isFetcher(opts.fetcher);
  const ing = await db
    .insertInto('ingestion_runs')
    .values({ source: 'whoscored', file: `${base} ${opts.league} ${season}`, checksum: '', status: 'running' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const run = await db
    .insertInto('whoscored_crawl_runs')
    .values({ league: opts.league, season, base_url: base, fetcher: fetcher.kind, status: 'running', ingestion_run_id: ing.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  const counts = zeroCrawlCounts();
  let matches = zeroCounts();
  let phase: ScrapeProgress['phase'] = 'listings';
  let done = 0;
  let total = 0;
  const pages = new PageSource(db, opts.lake, fetcher, run.id, counts, opts.signal, async (e) => {
    await db.updateTable('whoscored_crawl_runs').set({ ...counts }).where('id', '=', run.id).execute();
    opts.onProgress?.({ phase, url: e.url, kind: e.kind, outcome: e.outcome, done, total, counts: { ...counts }, ...(e.message ? { message: e.message } : {}) });
  });
  const skipped: string[] = [];
  const fixtures = new Map<number, WsFixture>();
  const loadGuard = new LoadGuard(counts, pages.errors);
  let status: ScrapeStatus = 'success';
  let message = '';
  let leagueCode = opts.league;
  try {
    const league = await resolveLeague(opts.league, pages, base);
    leagueCode = league.code;
    const current = isCurrentSeason(season, opts.now ?? new Date());
    const wsSeason = warehouseSeasonToWs(season);
    const tUrl = wsUrl.tournament(base, league.regionId, league.tournamentId);
    let tp = await pages.get({ url: tUrl, kind: 'tournament', refresh: current, critical: true });
    let seasonOpt = tp?.parsed?.kind === 'tournament' ? tp.parsed.tournament.seasons.find((s) => s.name === wsSeason) : undefined;
    if (!seasonOpt && tp?.cached) {
      tp = await pages.get({ url: tUrl, kind: 'tournament', refresh: true, critical: true });
      seasonOpt = tp?.parsed?.kind === 'tournament' ? tp.parsed.tournament.seasons.find((s) => s.name === wsSeason) : undefined;
    }
    if (!seasonOpt) {
      const listed = tp?.parsed?.kind === 'tournament' ? tp.parsed.tournament.seasons.map((s) => s.name).join(', ') : '';
      throw new CrawlStop('failed', `season ${wsSeason} is not listed on ${tUrl} (listed: ${listed || 'none'})`);
    }
    const sUrl = wsUrl.season(base, league.regionId, league.tournamentId, seasonOpt.seasonId);
    const sp = await pages.get({ url: sUrl, kind: 'tournament', refresh: current, critical: true });
    const sPage = sp?.parsed?.kind === 'tournament' ? sp.parsed.tournament : undefined;
    const stageIds = [...new Set([sPage?.fixturesStageId, ...(sPage?.stages ?? []).map((s) => s.stageId)].filter((x): x is number => x !== undefined))];
    if (stageIds.length === 0) throw new CrawlStop('failed', `WhoScored season page ${sUrl}: no "Fixtures" link and no stages selector; the layout may have changed`);
    for (const stageId of stageIds) {
      const stUrl = wsUrl.stage(base, league.regionId, league.tournamentId, seasonOpt.seasonId, stageId);
      const st = await pages.get({ url: stUrl, kind: 'tournament', refresh: current, critical: stageIds.length === 1 });
      const cal = st?.parsed?.kind === 'tournament' ? st.parsed.tournament.calendar : undefined;
      if (!st) continue;
      if (!cal) {
        counts.failed++;
        pages.errors.push(`WhoScored stage page ${stUrl}: no wsCalendar variable; its fixtures were skipped`);
        continue;
      }
      for (const { year, month } of cal.months) {
        const fxUrl = wsUrl.fixtures(base, stageId, year, month);
        const fx = await pages.get({ url: fxUrl, kind: 'fixtures', refresh: current });
        if (fx?.parsed?.kind !== 'fixtures') continue;
        const list = fx.parsed.fixtures;
        for (const f of list) if (f.season === season) fixtures.set(f.whoscoredId, f);
        if (!fx.alreadyLoaded) {
          const loaded = await loadGuard.run(fxUrl, () => loadFixtures(db, list, { ingestionRunId: ing.id, rawPageId: fx.rawPageId }));
          if (loaded) {
            matches = addCounts(matches, loaded);
            counts.loaded++;
          }
        }
      }
    }
    const plan = planMatchPages([...fixtures.values()], {
      ...(opts.previews ? { previews: opts.previews } : {}),
      ...(opts.matchIds ? { matchIds: opts.matchIds } : {}),
      ...(opts.maxMatches !== undefined ? { maxMatches: opts.maxMatches } : {}),
    });
    phase = 'matches';
    total = plan.length;
    for (const p of plan) {
      const url = p.page === 'match-centre' ? wsUrl.matchCentre(base, p.matchId) : wsUrl.preview(base, p.matchId);
      let refresh = false;
      if (p.page === 'match-centre' && p.finished) {
        const row = await latestOkPage(db, url);
        refresh = !!row?.match_status && row.match_status !== 'finished';
      }
      const got = await pages.get({ url, kind: p.page, matchId: p.matchId, skipLoaded: true, refresh });
      done++;
      if (!got?.parsed) continue;
      const load = { ingestionRunId: ing.id, rawPageId: got.rawPageId };
      const parsed = got.parsed;
      const r = await loadGuard.run(url, () =>
        parsed.kind === 'match-centre'
          ? loadMatchCentre(db, parsed.match, load)
          : parsed.kind === 'preview'
            ? loadPreview(db, parsed.preview, load)
            : Promise.resolve({ loaded: false, reason: `${url}: unexpected page kind ${parsed.kind}` } as const),
      );
      if (!r) continue;
      if (r.loaded) {
        counts.loaded++;
        matches = addCounts(matches, r.counts);
      } else skipped.push(r.reason);
    }
    status = counts.failed > 0 ? 'partial' : 'success';
    message =
      `${league.code} ${season}: ${fixtures.size} fixtures; pages fetched ${counts.fetched}, cached ${counts.cached}, ` +
      `failed ${counts.failed}; matches inserted ${matches.inserted}, updated ${matches.updated}, unchanged ${matches.unchanged}`;
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
      await finish(db, run.id, ing.id, { status, message, league: leagueCode, season, counts, matches, fixtures: fixtures.size, errors: pages.errors, skipped }).catch(() => {});
      if (ownFetcher) await fetcher.close().catch(() => {});
      throw e;
    }
  }
  const report = { status, message, league: leagueCode, season, counts: { ...counts }, matches, fixtures: fixtures.size, errors: pages.errors, skipped };
  try {
    await finish(db, run.id, ing.id, report);
  } finally {
    if (ownFetcher) await fetcher.close().catch(() => {});
  }
  return { runId: run.id, ingestionRunId: ing.id, ...report };
}

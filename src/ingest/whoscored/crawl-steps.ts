/**
 * The named steps of a WhoScored crawl (src/ingest/whoscored/crawl.ts drives them): find the
 * season, fetch the listings (season page → stages → calendars → monthly fixtures), fetch the
 * planned match pages; each page's records are loaded as it arrives.
 */
import { CrawlStop, type CrawlCounts, type PageSource } from './crawl-pages.ts';
import type { MatchPagePlan } from './crawl-plan.ts';
import { warehouseSeasonToWs, type WsLeague } from './leagues.ts';
import { addCounts, type LoadCounts } from './load-core.ts';
import { loadFixtures, loadMatchCentre, loadPreview } from './load.ts';
import { latestOkPage } from './rawzone.ts';
import type { WsFixture } from './records.ts';
import type { WsDb } from './schema.ts';
import { wsUrl } from './urls.ts';

export type CrawlPhase = 'listings' | 'matches';

/**
 * A page whose records fail to load (a constraint the data breaks) is reported and skipped, so
 * one odd page does not end a long crawl; three load failures in a row look systematic
 * (database down) and end it.
 */
export class LoadGuard {
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

/** What the steps of one crawl share: where pages come from, what was counted, what was found. */
export interface Crawl {
  db: WsDb;
  base: string;
  season: string;
  current: boolean;
  ingestionRunId: number;
  pages: PageSource;
  counts: CrawlCounts;
  loadGuard: LoadGuard;
  progress: ProgressTracker;
  fixtures: Map<number, WsFixture>;
  matches: LoadCounts;
  skipped: string[];
}

/**
 * Progress of a crawl: pages visited (`done`, counting the page being visited, cached and
 * already-loaded ones included) of the pages known to be needed (`total`). In the listings the
 * total grows as the tournament, season and stage pages reveal more; in the matches it is the
 * plan's length from the start.
 */
export class ProgressTracker {
  phase: CrawlPhase = 'listings';
  done = 0;
  total = 0;
  startPhase(phase: CrawlPhase, total: number): void {
    this.phase = phase;
    this.done = 0;
    this.total = total;
  }
  /** A page is about to be visited (and `more` pages became known). */
  visit(more = 0): void {
    this.total += more;
    this.done++;
  }
}

/** A tournament or season page's parsed tournament, when it is one. */
const tournamentOf = (p: Awaited<ReturnType<PageSource['get']>>) => (p?.parsed?.kind === 'tournament' ? p.parsed.tournament : undefined);

/** Step 2: the season's id from the tournament page (refetched once when a cached copy lacks it). */
async function findSeason(c: Crawl, league: WsLeague): Promise<number> {
  const wsSeason = warehouseSeasonToWs(c.season);
  const tUrl = wsUrl.tournament(c.base, league.regionId, league.tournamentId);
  c.progress.visit(2); // the tournament page, then the season page
  let tp = await c.pages.get({ url: tUrl, kind: 'tournament', refresh: c.current, critical: true });
  let seasonOpt = tournamentOf(tp)?.seasons.find((s) => s.name === wsSeason);
  if (!seasonOpt && tp?.cached) {
    c.progress.visit(1); // the tournament page again, fresh
    tp = await c.pages.get({ url: tUrl, kind: 'tournament', refresh: true, critical: true });
    seasonOpt = tournamentOf(tp)?.seasons.find((s) => s.name === wsSeason);
  }
  if (!seasonOpt) {
    const listed = tournamentOf(tp)?.seasons.map((s) => s.name).join(', ') ?? '';
    throw new CrawlStop('failed', `season ${wsSeason} is not listed on ${tUrl} (listed: ${listed || 'none'})`);
  }
  return seasonOpt.seasonId;
}

/** Step 3: the listings (season page → stages → calendars → monthly fixtures), fixtures loaded as they come. */
export async function fetchListings(c: Crawl, league: WsLeague): Promise<void> {
  const seasonId = await findSeason(c, league);
  const sUrl = wsUrl.season(c.base, league.regionId, league.tournamentId, seasonId);
  c.progress.visit();
  const sPage = tournamentOf(await c.pages.get({ url: sUrl, kind: 'tournament', refresh: c.current, critical: true }));
  const stageIds = [...new Set([sPage?.fixturesStageId, ...(sPage?.stages ?? []).map((s) => s.stageId)].filter((x): x is number => x !== undefined))];
  if (stageIds.length === 0) throw new CrawlStop('failed', `WhoScored season page ${sUrl}: no "Fixtures" link and no stages selector; the layout may have changed`);
  c.progress.total += stageIds.length;
  for (const stageId of stageIds) {
    const stUrl = wsUrl.stage(c.base, league.regionId, league.tournamentId, seasonId, stageId);
    c.progress.visit();
    const st = await c.pages.get({ url: stUrl, kind: 'tournament', refresh: c.current, critical: stageIds.length === 1 });
    if (!st) continue;
    const cal = tournamentOf(st)?.calendar;
    if (!cal) {
      c.counts.failed++;
      c.pages.errors.push(`WhoScored stage page ${stUrl}: no wsCalendar variable; its fixtures were skipped`);
      continue;
    }
    c.progress.total += cal.months.length;
    for (const { year, month } of cal.months) await fetchFixtures(c, wsUrl.fixtures(c.base, stageId, year, month));
  }
}

async function fetchFixtures(c: Crawl, fxUrl: string): Promise<void> {
  c.progress.visit();
  const fx = await c.pages.get({ url: fxUrl, kind: 'fixtures', refresh: c.current });
  if (fx?.parsed?.kind !== 'fixtures') return;
  const list = fx.parsed.fixtures;
  for (const f of list) if (f.season === c.season) c.fixtures.set(f.whoscoredId, f);
  if (fx.alreadyLoaded) return;
  const loaded = await c.loadGuard.run(fxUrl, () => loadFixtures(c.db, list, { ingestionRunId: c.ingestionRunId, rawPageId: fx.rawPageId }));
  if (loaded) {
    c.matches = addCounts(c.matches, loaded);
    c.counts.loaded++;
  }
}

/** Step 4: the match centres and previews of the plan, each loaded as it comes. */
export async function fetchMatches(c: Crawl, plan: readonly MatchPagePlan[]): Promise<void> {
  c.progress.startPhase('matches', plan.length);
  for (const p of plan) {
    const url = p.page === 'match-centre' ? wsUrl.matchCentre(c.base, p.matchId) : wsUrl.preview(c.base, p.matchId);
    let refresh = false;
    if (p.page === 'match-centre' && p.finished) {
      const row = await latestOkPage(c.db, url);
      refresh = !!row?.match_status && row.match_status !== 'finished';
    }
    c.progress.visit();
    const got = await c.pages.get({ url, kind: p.page, matchId: p.matchId, skipLoaded: true, refresh });
    if (!got?.parsed) continue;
    const load = { ingestionRunId: c.ingestionRunId, rawPageId: got.rawPageId };
    const parsed = got.parsed;
    const r = await c.loadGuard.run(url, () =>
      parsed.kind === 'match-centre'
        ? loadMatchCentre(c.db, parsed.match, load)
        : parsed.kind === 'preview'
          ? loadPreview(c.db, parsed.preview, load)
          : Promise.resolve({ loaded: false, reason: `${url}: unexpected page kind ${parsed.kind}` } as const),
    );
    if (!r) continue;
    if (r.loaded) {
      c.counts.loaded++;
      c.matches = addCounts(c.matches, r.counts);
    } else c.skipped.push(r.reason);
  }
}

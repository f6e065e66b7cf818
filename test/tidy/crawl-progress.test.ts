/**
 * The WhoScored crawl reports progress totals that add up: in each phase the last event has
 * done = total, no event has done > total, and the total is the number of pages visited, on a
 * first crawl (fetched) and on a resumed one (every page cached or already loaded).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BURNLEY_ID, startTestSite, type TestSite } from '../whoscored/helpers/server.ts';
import { FAST, openTestLake, openTestWarehouse, type TestLake, type TestWarehouse } from '../whoscored/helpers/warehouse.ts';
import { scrapeWhoScored, type ScrapeProgress } from '../../src/ingest/whoscored/crawl.ts';

let site: TestSite;
let tw: TestWarehouse;
let tl: TestLake;
before(async () => {
  site = await startTestSite();
  tw = await openTestWarehouse('progress', 'pglite');
  tl = openTestLake();
});
after(async () => {
  await site?.close();
  await tw?.cleanup();
  tl?.cleanup();
});

async function crawlEvents(): Promise<{ events: ScrapeProgress[]; status: string }> {
  const events: ScrapeProgress[] = [];
  const r = await scrapeWhoScored({
    wh: tw.wh,
    lake: tl.lake,
    league: 'ENG-Premier League',
    season: '2020-2021',
    baseUrl: site.baseUrl,
    fetcher: FAST,
    matchIds: [BURNLEY_ID],
    previews: 'all',
    now: new Date('2024-01-15T00:00:00Z'),
    onProgress: (p) => events.push(p),
  });
  return { events, status: r.status };
}

function checkPhase(events: ScrapeProgress[], phase: ScrapeProgress['phase'], pages: number): void {
  const list = events.filter((e) => e.phase === phase);
  assert.equal(list.length, pages, `${phase}: one event per page`);
  for (const e of list) assert.ok(e.done >= 1 && e.done <= e.total, `${phase}: ${e.done}/${e.total} at ${e.url}`);
  assert.deepEqual(list.map((e) => e.done), list.map((_, i) => i + 1), `${phase}: done counts each page once`);
  const last = list[list.length - 1]!;
  assert.equal(last.total, pages, `${phase}: the total is the pages visited`);
  assert.equal(last.done, last.total, `${phase}: ends at done = total`);
}

test('first crawl and resumed crawl: listings 12 of 12, matches 2 of 2 (total fixed from the start)', { timeout: 120_000 }, async () => {
  const first = await crawlEvents();
  assert.equal(first.status, 'success');
  // tournament, season, 1 stage, 9 monthly listings; then a match centre and a preview
  checkPhase(first.events, 'listings', 12);
  checkPhase(first.events, 'matches', 2);
  assert.ok(first.events.filter((e) => e.phase === 'matches').every((e) => e.total === 2));
  const resumed = await crawlEvents();
  assert.equal(resumed.status, 'success');
  assert.ok(resumed.events.every((e) => e.outcome === 'cached'), 'a rerun of a past season fetches nothing');
  checkPhase(resumed.events, 'listings', 12);
  checkPhase(resumed.events, 'matches', 2);
});

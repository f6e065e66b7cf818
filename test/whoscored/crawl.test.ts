/**
 * End-to-end crawl against a local stand-in of whoscored.com serving the real samples, into
 * the warehouse: PGlite in memory, and PostgreSQL too when TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { FIXTURES, BURNLEY_ID, startTestSite, type TestSite } from './helpers/server.ts';
import { FAST, openTestLake, openTestWarehouse, resetTables, tableCounts, type TestLake, type TestWarehouse } from './helpers/warehouse.ts';
import { engines } from './helpers/warehouse.ts';
import { ingestWhoScoredFolder, reparseWhoScored, scrapeWhoScored, whoscoredPageCounts } from '../../src/ingest/whoscored/index.ts';
import { wsDb } from '../../src/ingest/whoscored/schema.ts';
import { resolveTeams } from '../../src/ingest/teams.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { fileURLToPath } from 'node:url';

const E0_2020 = fileURLToPath(new URL('../../data/football-data/E0/2020-2021.csv', import.meta.url));

let site: TestSite;
let tw: TestWarehouse;
let tl: TestLake;
const PAST = new Date('2024-01-15T00:00:00Z');


const crawl = (extra: Partial<Parameters<typeof scrapeWhoScored>[0]> = {}) =>
  scrapeWhoScored({
    wh: tw.wh,
    lake: tl.lake,
    league: 'ENG-Premier League',
    season: '2020-2021',
    baseUrl: site.baseUrl,
    fetcher: FAST,
    matchIds: [BURNLEY_ID],
    previews: 'all',
    now: PAST,
    ...extra,
  });

async function burnleyMatch() {
  const db = wsDb(tw.wh.db);
  return db
    .selectFrom('whoscored_matches as w')
    .innerJoin('matches as m', 'm.id', 'w.match_id')
    .innerJoin('teams as h', 'h.id', 'm.home_team_id')
    .innerJoin('teams as a', 'a.id', 'm.away_team_id')
    .select(['m.id', 'm.kickoff_date', 'm.kickoff_time', 'm.status', 'm.home_goals', 'm.away_goals', 'm.home_goals_ht', 'm.away_goals_ht', 'm.referee', 'm.source_ids', 'h.name as home', 'a.name as away'])
    .where('w.whoscored_id', '=', BURNLEY_ID)
    .executeTakeFirstOrThrow();
}

for (const engine of engines()) {
describe(`WhoScored crawl end to end (${engine})`, () => {
  before(async () => {
    site = await startTestSite();
    tw = await openTestWarehouse('crawl', engine);
  });
  after(async () => {
    await site?.close();
    await tw?.cleanup();
  });
  beforeEach(async () => {
    await resetTables(tw.wh);
    tl?.cleanup();
    tl = openTestLake();
    site.requests.length = 0;
  });

  test('crawls tournament → season → stage → 9 months → match centre + preview and loads real values', async () => {
    const before = whoscoredPageCounts();
    const r = await crawl();
    assert.equal(r.status, 'success', r.message);
    assert.equal(r.league, 'E0');
    assert.equal(r.fixtures, 380);
    // tournament, season, stage pages, 9 monthly listings, 1 match centre, 1 preview
    assert.equal(r.counts.fetched, 14);
    assert.equal(r.counts.failed, 0);
    assert.equal(r.counts.loaded, 11);
    assert.equal(r.matches.inserted, 380);
    assert.ok(site.requests.every((q) => q.userAgent.startsWith('time2bet/')), 'descriptive User-Agent on every request');
    assert.equal(site.count('/robots.txt'), 1);
    assert.ok(whoscoredPageCounts().ok - before.ok >= 14);

    const db = wsDb(tw.wh.db);
    const n = await db.selectFrom('matches as m').innerJoin('seasons as s', 's.id', 'm.season_id').innerJoin('competitions as c', 'c.id', 'm.competition_id')
      .select((eb) => eb.fn.countAll<number>().as('n')).where('c.code', '=', 'E0').where('s.name', '=', '2020-2021').where('m.status', '=', 'finished').executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 380);
    const teams = await db.selectFrom('teams').select('name').orderBy('name').execute();
    assert.equal(teams.length, 20);
    assert.ok(teams.some((t) => t.name === 'Man United') && teams.some((t) => t.name === 'West Brom'), 'canonical (football-data) names');

    const m = await burnleyMatch();
    assert.deepEqual(
      { date: m.kickoff_date, time: m.kickoff_time, home: m.home, away: m.away, ft: [m.home_goals, m.away_goals], ht: [m.home_goals_ht, m.away_goals_ht], status: m.status, referee: m.referee },
      { date: '2021-01-12', time: '20:15', home: 'Burnley', away: 'Man United', ft: [0, 1], ht: [0, 0], status: 'finished', referee: 'Kevin Friend' },
    );
    assert.equal((m.source_ids as unknown as Record<string, string>).whoscored, String(BURNLEY_ID));
    const stats = await db.selectFrom('match_stats').selectAll().where('match_id', '=', m.id).orderBy('side', 'desc').execute();
    assert.deepEqual(
      stats.map((s) => [s.side, s.shots, s.shots_on_target, s.corners, s.fouls, s.yellow_cards, s.red_cards]),
      [
        ['home', 11, 0, 3, 15, 1, 0],
        ['away', 13, 7, 4, 13, 2, 0],
      ],
    );
    const ws = await db.selectFrom('whoscored_team_stats').selectAll().where('match_id', '=', m.id).orderBy('side', 'desc').execute();
    assert.deepEqual(ws.map((s) => [s.big_chances, s.passes, s.passes_accurate, s.possession]), [
      [2, 334, 220, 0.3729],
      [1, 566, 475, 0.6271],
    ]);
    assert.ok(ws[0].xg_proxy > 0 && ws[1].xg_proxy > ws[0].xg_proxy);
    const lineups = await db.selectFrom('whoscored_lineups').select((eb) => eb.fn.countAll<number>().as('n')).where('match_id', '=', m.id).where('starter', '=', true).executeTakeFirstOrThrow();
    assert.equal(Number(lineups.n), 22);
    const formations = await db.selectFrom('whoscored_formations').select(['side', 'formation']).where('match_id', '=', m.id).where('seq', '=', 0).orderBy('side', 'desc').execute();
    assert.deepEqual(formations.map((f) => f.formation), ['442', '4231']);
    const missing = await db.selectFrom('whoscored_missing_players').select(['side', 'player_name', 'status']).where('match_id', '=', m.id).execute();
    assert.equal(missing.length, 11);
    assert.ok(missing.some((x) => x.player_name === 'Marcos Rojo' && x.side === 'away' && x.status === 'Out'));

    const run = await db.selectFrom('whoscored_crawl_runs').selectAll().where('id', '=', r.runId).executeTakeFirstOrThrow();
    assert.deepEqual([run.status, run.fetched, run.cached, run.blocked, run.failed, run.parsed, run.loaded], ['success', 14, 0, 0, 0, 14, 11]);
    const ing = await db.selectFrom('ingestion_runs').selectAll().where('id', '=', r.ingestionRunId).executeTakeFirstOrThrow();
    assert.deepEqual([ing.source, ing.status, ing.inserted], ['whoscored', 'success', 380]);
    // Raw zone: every body content-addressed once; the manifest lists each URL once.
    const pages = await db.selectFrom('whoscored_raw_pages').select(['url', 'sha256', 'bytes', 'http_status']).execute();
    assert.equal(pages.length, 14);
    assert.equal(new Set(pages.map((p) => p.url)).size, 14);
    const objects = await tl.lake.list('raw/whoscored/sha256/');
    assert.equal(objects.length, new Set(pages.map((p) => p.sha256)).size);
    assert.ok(objects.every((k) => /^raw\/whoscored\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(k)));
  });

  test('a rerun of a finished season fetches nothing and adds nothing', async () => {
    await crawl();
    const counts = await tableCounts(tw.wh);
    const objects = await tl.lake.list('raw/');
    site.requests.length = 0;
    const r = await crawl();
    assert.equal(r.status, 'success');
    assert.equal(r.counts.fetched, 0);
    assert.equal(r.counts.cached, 14);
    assert.equal(r.counts.loaded, 0);
    assert.deepEqual(await tableCounts(tw.wh), counts);
    assert.deepEqual(await tl.lake.list('raw/'), objects);
    assert.deepEqual(site.requests, [], 'not even robots.txt: nothing needed fetching');
  });

  test("the current season's listings are refreshed, everything else comes from the raw zone", async () => {
    await crawl();
    const counts = await tableCounts(tw.wh);
    site.requests.length = 0;
    const r = await crawl({ now: new Date('2021-03-01T00:00:00Z') });
    assert.equal(r.status, 'success');
    assert.equal(r.counts.fetched, 12, 'tournament, season, stage and 9 months re-fetched');
    assert.equal(site.count('/matches/'), 0, 'match pages are never re-fetched');
    assert.deepEqual(await tableCounts(tw.wh), counts);
    assert.equal(r.matches.inserted, 0);
  });

  test('WhoScored matches link to the rows another source (football-data spelling) created first', async () => {
    const db = wsDb(tw.wh.db);
    await tw.wh.db.transaction().execute(async (trx) => {
      const ids = await resolveTeams(trx, ['Burnley', 'Man United'], 'football-data');
      await trx.insertInto('competitions').values({ code: 'E0', name: 'Premier League', country: 'England' }).execute();
      const c = await trx.selectFrom('competitions').select('id').where('code', '=', 'E0').executeTakeFirstOrThrow();
      const s = await trx.insertInto('seasons').values({ competition_id: c.id, name: '2020-2021' }).returning('id').executeTakeFirstOrThrow();
      await trx
        .insertInto('matches')
        .values({ competition_id: c.id, season_id: s.id, kickoff_date: '2021-01-12', home_team_id: ids.get('Burnley')!, away_team_id: ids.get('Man United')!, status: 'finished', home_goals: 0, away_goals: 1, source_ids: JSON.stringify({ 'football-data': 'E0/2020-2021.csv:1' }) })
        .execute();
    });
    const first = await db.selectFrom('matches').select('id').executeTakeFirstOrThrow();
    const r = await crawl();
    assert.equal(r.status, 'success');
    assert.equal(r.matches.inserted, 379);
    const m = await burnleyMatch();
    assert.equal(m.id, first.id, 'one match, one row');
    assert.deepEqual(m.source_ids, { 'football-data': 'E0/2020-2021.csv:1', whoscored: String(BURNLEY_ID) });
    const aliases = await db.selectFrom('team_aliases').select('alias').where('source', '=', 'whoscored').execute();
    assert.ok(aliases.some((a) => a.alias === 'man utd') && aliases.some((a) => a.alias === 'manchester united'));
  });

  for (const order of ['football-data CSV first', 'WhoScored first'] as const) {
    test(`one match is one row whichever source saw it first (${order})`, async () => {
      if (order === 'football-data CSV first') await loadFootballDataFile(tw.wh, E0_2020);
      const r = await crawl();
      assert.equal(r.status, 'success', r.message);
      if (order === 'WhoScored first') await loadFootballDataFile(tw.wh, E0_2020);
      const db = wsDb(tw.wh.db);
      const counts = await tableCounts(tw.wh);
      assert.equal(counts.matches, 380);
      assert.equal(counts.teams, 20);
      assert.equal(counts.whoscored_matches, 380);
      const m = await burnleyMatch();
      assert.deepEqual(Object.keys(m.source_ids as object).sort(), ['football-data', 'whoscored']);
      assert.deepEqual([m.home, m.away, m.home_goals, m.away_goals], ['Burnley', 'Man United', 0, 1]);
      const stats = await db.selectFrom('match_stats').select(['side', 'shots', 'shots_on_target']).where('match_id', '=', m.id).orderBy('side', 'desc').execute();
      assert.deepEqual(stats, [
        { side: 'home', shots: 11, shots_on_target: 0 },
        { side: 'away', shots: 13, shots_on_target: 7 },
      ], 'both sources agree on the real shot counts');
    });
  }

  test('ingest --from a folder of saved files loads the same facts, twice is a no-op, reparse rebuilds', async () => {
    const r1 = await ingestWhoScoredFolder({ wh: tw.wh, lake: tl.lake, from: FIXTURES });
    assert.deepEqual(r1.errors, []);
    assert.equal(r1.files, 15);
    assert.equal(r1.matches.inserted, 381, '380 Premier League fixtures + the LaLiga match placed by its breadcrumb');
    const m = await burnleyMatch();
    assert.deepEqual([m.home_goals, m.away_goals, m.home_goals_ht], [0, 1, 0]);
    const counts = await tableCounts(tw.wh);
    const r2 = await ingestWhoScoredFolder({ wh: tw.wh, lake: tl.lake, from: FIXTURES });
    assert.equal(r2.stored, 0);
    assert.equal(r2.alreadyLoaded, r1.parsed);
    assert.deepEqual(await tableCounts(tw.wh), counts);

    const db = wsDb(tw.wh.db);
    await db.deleteFrom('whoscored_team_stats').execute();
    const r3 = await reparseWhoScored({ wh: tw.wh, lake: tl.lake });
    assert.deepEqual(r3.errors, []);
    assert.equal(r3.matches.inserted, 0);
    assert.deepEqual(await tableCounts(tw.wh), counts);
    const laliga = await db.selectFrom('matches as m').innerJoin('teams as h', 'h.id', 'm.home_team_id').innerJoin('competitions as c', 'c.id', 'm.competition_id')
      .select(['c.code', 'h.name', 'm.kickoff_date', 'm.home_goals']).where('c.code', '=', 'SP1').execute();
    assert.deepEqual(laliga, [{ code: 'SP1', name: 'Barcelona', kickoff_date: '2022-08-13', home_goals: 0 }]);
  });

  test('the browser fetcher (Debian Chromium) crawls the same pages', { timeout: 120_000 }, async () => {
    const r = await crawl({ fetcher: { ...FAST, kind: 'browser', timeoutMs: 20_000 } });
    assert.equal(r.status, 'success', r.message);
    assert.equal(r.fixtures, 380);
    assert.equal(r.counts.fetched, 14);
    const m = await burnleyMatch();
    assert.deepEqual([m.home, m.away, m.home_goals, m.away_goals], ['Burnley', 'Man United', 0, 1]);
    const n = await sql<{ n: number }>`select count(*)::int as n from whoscored_team_stats`.execute(tw.wh.db);
    assert.equal(n.rows[0].n, 2);
  });
});
}

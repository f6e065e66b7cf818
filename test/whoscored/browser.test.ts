/**
 * The browser fetcher (playwright-core driving Debian's /usr/bin/chromium, never a downloaded
 * browser) against the local stand-in site: same politeness, retries and block detection as
 * the HTTP fetcher, and the pages it returns parse into the same records.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BlockedError, createFetcher, HttpStatusError, type Fetcher } from '../../src/ingest/fetch/index.ts';
import { parseFixtures } from '../../src/ingest/whoscored/parse-listings.ts';
import { parseMatchCentre } from '../../src/ingest/whoscored/parse-match.ts';
import { parseTournamentPage } from '../../src/ingest/whoscored/parse-listings.ts';
import { burnleyMatchCentrePage, fixture, LALIGA_ID, startTestSite, type TestSite } from './helpers/server.ts';
import { FAST } from './helpers/warehouse.ts';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
let site: TestSite;
let f: Fetcher;

before(async () => {
  assert.ok(existsSync('/usr/bin/chromium'), 'Debian chromium is required: apt-get install -y --no-install-recommends chromium');
  site = await startTestSite();
  f = createFetcher({ ...FAST, kind: 'browser', timeoutMs: 15_000 });
});
after(async () => {
  await f?.close();
  await site?.close();
});

describe('browser fetcher with Debian Chromium', { timeout: 180_000 }, () => {
  test('fetches HTML and JSON pages as the server sent them, politely and with our User-Agent', async () => {
    assert.equal(f.kind, 'browser');
    const t = await f.fetch(`${site.baseUrl}/Regions/252/Tournaments/2/Seasons/8228`);
    assert.equal(t.status, 200);
    assert.deepEqual(Buffer.from(t.body), fixture('ENG-Premier_League_2020-21_stage18685_tournament-page.html'));
    const page = parseTournamentPage(text(t.body));
    assert.equal(page.fixturesStageId, 18685);
    assert.equal(page.seasons.find((s) => s.name === '2020/2021')?.seasonId, 8228);

    const j = await f.fetch(`${site.baseUrl}/tournaments/18685/data/?d=202101`);
    assert.match(j.contentType, /json/);
    assert.equal(parseFixtures(text(j.body)).length, 50);

    const live = await f.fetch(`${site.baseUrl}/Matches/1485184/Live`);
    assert.deepEqual(Buffer.from(live.body), burnleyMatchCentrePage());
    const m = parseMatchCentre(text(live.body));
    assert.deepEqual([m.whoscoredId, m.home.name, m.away.name, m.ftScore], [1485184, 'Burnley', 'Man Utd', [0, 1]]);

    const laliga = parseMatchCentre(text((await f.fetch(`${site.baseUrl}/Matches/${LALIGA_ID}/Live`)).body));
    assert.equal(laliga.home.name, 'Barcelona');

    assert.equal(site.count('/robots.txt'), 1, 'robots.txt read once, through the browser');
    const ours = site.requests.filter((r) => !r.path.startsWith('/_'));
    assert.ok(ours.every((r) => r.userAgent.startsWith('time2bet/')), 'descriptive User-Agent');
    assert.equal(site.requests.filter((r) => !r.path.startsWith('/Regions') && !r.path.startsWith('/tournaments') && !r.path.startsWith('/Matches') && r.path !== '/robots.txt').length, 0, 'no sub-resources fetched');
  });

  test('retries a 500 and a 429, not a 404', async () => {
    site.fault('/tournaments/18685/data/?d=202102', { type: 'status', status: 500 }, { type: 'status', status: 429, headers: { 'retry-after': '0' } });
    const r = await f.fetch(`${site.baseUrl}/tournaments/18685/data/?d=202102`);
    assert.equal(r.attempts, 3);
    const err = await f.fetch(`${site.baseUrl}/Matches/1/Live`).catch((e: unknown) => e);
    assert.ok(err instanceof HttpStatusError && err.status === 404 && err.attempts === 1, String(err));
  });

  test('a response past the timeout is retried', async () => {
    const slow = createFetcher({ ...FAST, kind: 'browser', timeoutMs: 1000 });
    try {
      site.fault('/tournaments/18685/data/?d=202103', { type: 'slow', ms: 4000 });
      const r = await slow.fetch(`${site.baseUrl}/tournaments/18685/data/?d=202103`);
      assert.equal(r.attempts, 2);
    } finally {
      await slow.close();
    }
  });

  test('a block page ends with BlockedError', async () => {
    const b = createFetcher({ ...FAST, kind: 'browser', browser: { challengeWaitMs: 200 }, blockRetries: 1 });
    try {
      site.blockAlways.add('/matches/1485184/preview');
      const err = await b.fetch(`${site.baseUrl}/Matches/1485184/Preview`).catch((e: unknown) => e);
      assert.ok(err instanceof BlockedError, String(err));
      assert.match(err.message, /Incapsula/);
    } finally {
      site.blockAlways.clear();
      await b.close();
    }
  });
});

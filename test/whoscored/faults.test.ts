/**
 * Crawls against a misbehaving server: 429 with Retry-After, 500s, slow answers, truncated
 * bodies, block pages, an abort midway and a killed process. Every page must end up ingested
 * exactly once (or the crawl stop clearly on a block page), and a rerun must add nothing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { scrapeWhoScored } from '../../src/ingest/whoscored/index.ts';
import { wsDb } from '../../src/ingest/whoscored/schema.ts';
import { BURNLEY_ID, startTestSite, type TestSite } from './helpers/server.ts';
import { FAST, openTestLake, openTestWarehouse, resetTables, tableCounts, type TestLake, type TestWarehouse } from './helpers/warehouse.ts';
import { engines } from './helpers/warehouse.ts';

let site: TestSite;
let tw: TestWarehouse;
let tl: TestLake;
let reference: Record<string, number>;
const PAST = new Date('2024-01-15T00:00:00Z');
const MONTH = (yyyymm: string) => `/tournaments/18685/data/?d=${yyyymm}`;
const LIVE = `/Matches/${BURNLEY_ID}/Live`;

const crawl = (wh: Warehouse = tw.wh, extra: Partial<Parameters<typeof scrapeWhoScored>[0]> = {}) =>
  scrapeWhoScored({ wh, lake: tl.lake, league: 'E0', season: '2020-21', baseUrl: site.baseUrl, fetcher: FAST, matchIds: [BURNLEY_ID], previews: 'all', now: PAST, ...extra });

/** Each URL has exactly one usable body in the raw zone. */
async function assertEachPageOnce(wh: Warehouse): Promise<void> {
  const rows = await wsDb(wh.db).selectFrom('whoscored_raw_pages').select(['url']).where('outcome', '=', 'ok').execute();
  assert.equal(rows.length, 14);
  assert.equal(new Set(rows.map((r) => r.url)).size, 14);
}


for (const engine of engines()) {
describe(`WhoScored crawl under faults (${engine})`, () => {
  before(async () => {
    site = await startTestSite();
    tw = await openTestWarehouse('faults', engine);
    tl = openTestLake();
    const r = await crawl();
    assert.equal(r.status, 'success');
    reference = await tableCounts(tw.wh);
    assert.equal(reference.matches, 380);
  });
  after(async () => {
    await site?.close();
    await tw?.cleanup();
    tl?.cleanup();
  });
  beforeEach(async () => {
    await resetTables(tw.wh);
    tl.cleanup();
    tl = openTestLake();
    site.requests.length = 0;
    site.faults.clear();
    site.blockAlways.clear();
  });

  test('429 + Retry-After, 500s, a slow answer, truncated bodies and a reset: every page ingested exactly once', async () => {
    site.fault('/Regions/252/Tournaments/2', { type: 'status', status: 429, headers: { 'retry-after': '1' } });
    site.fault(MONTH('202009'), { type: 'status', status: 500 }, { type: 'status', status: 500 });
    site.fault(MONTH('202010'), { type: 'slow', ms: 3000 });
    site.fault(MONTH('202011'), { type: 'truncate' });
    site.fault(MONTH('202012'), { type: 'truncate-valid' });
    site.fault(LIVE, { type: 'reset' }, { type: 'status', status: 503, headers: { 'retry-after': '0' } });
    const r = await crawl(tw.wh, { fetcher: { ...FAST, timeoutMs: 500 } });
    assert.equal(r.status, 'success', r.message);
    assert.equal(r.counts.failed, 0);
    assert.deepEqual(await tableCounts(tw.wh), { ...reference, whoscored_raw_pages: reference.whoscored_raw_pages + 1 });
    await assertEachPageOnce(tw.wh);
    const invalid = await wsDb(tw.wh.db).selectFrom('whoscored_raw_pages').select(['url', 'error']).where('outcome', '=', 'invalid').execute();
    assert.equal(invalid.length, 1, 'the half body that looked complete is kept, marked invalid, and fetched again');
    assert.match(invalid[0].url, /d=202012$/);
    assert.equal(site.count(MONTH('202012')), 2);

    site.requests.length = 0;
    const again = await crawl();
    assert.equal(again.counts.fetched, 0);
    assert.equal(site.requests.length, 0);
    assert.deepEqual(await tableCounts(tw.wh), { ...reference, whoscored_raw_pages: reference.whoscored_raw_pages + 1 });
  });

  test('a page that keeps failing is reported, the rest is loaded, and the rerun fetches only it', async () => {
    site.fault(MONTH('202103'), ...Array.from({ length: 5 }, () => ({ type: 'status' as const, status: 500 })));
    const r = await crawl();
    assert.equal(r.status, 'partial');
    assert.equal(r.counts.failed, 1);
    assert.match(r.errors.join('\n'), /d=202103: HTTP 500 after 5 attempts/);
    assert.equal(r.fixtures, 380 - 33);
    site.requests.length = 0;
    const again = await crawl();
    assert.equal(again.status, 'success');
    assert.deepEqual(site.requests.map((q) => q.path), ['/robots.txt', MONTH('202103')]);
    assert.deepEqual(await tableCounts(tw.wh), reference);
  });

  test('a block page stops the crawl with a clear message; the rerun continues and then adds nothing', async () => {
    site.blockAlways.add(LIVE.toLowerCase());
    const r = await crawl();
    assert.equal(r.status, 'blocked');
    assert.match(r.message, /block page \("Incapsula incident ID", HTTP 200\) 2 times.*Stopping the crawl/s);
    assert.equal(r.counts.blocked, 1);
    const db = wsDb(tw.wh.db);
    const blocked = await db.selectFrom('whoscored_raw_pages').select(['url', 'outcome']).where('outcome', '=', 'blocked').execute();
    assert.equal(blocked.length, 1);
    assert.equal((await db.selectFrom('whoscored_team_stats').selectAll().execute()).length, 0, 'a block page is never parsed as data');
    assert.equal(site.count(`/Matches/${BURNLEY_ID}/Preview`), 0, 'nothing is fetched after the block');
    const run = await db.selectFrom('whoscored_crawl_runs').select(['status', 'blocked', 'message']).where('id', '=', r.runId).executeTakeFirstOrThrow();
    assert.equal(run.status, 'blocked');

    site.blockAlways.clear();
    site.requests.length = 0;
    const r2 = await crawl();
    assert.equal(r2.status, 'success');
    assert.deepEqual(site.requests.map((q) => q.path), ['/robots.txt', LIVE, `/Matches/${BURNLEY_ID}/Preview`]);
    assert.deepEqual(await tableCounts(tw.wh), { ...reference, whoscored_raw_pages: reference.whoscored_raw_pages + 1 });
    const r3 = await crawl();
    assert.equal(r3.counts.fetched, 0);
    assert.deepEqual(await tableCounts(tw.wh), { ...reference, whoscored_raw_pages: reference.whoscored_raw_pages + 1 });
  });

  test('interrupted midway (abort signal), the rerun loses nothing and duplicates nothing', async () => {
    const ac = new AbortController();
    let pages = 0;
    const r = await crawl(tw.wh, {
      signal: ac.signal,
      fetcher: { ...FAST, delayMs: 20 },
      onProgress: () => {
        if (++pages === 6) ac.abort();
      },
    });
    assert.equal(r.status, 'aborted');
    assert.match(r.message, /rerun to continue/);
    const partial = await tableCounts(tw.wh);
    assert.ok(partial.matches > 0 && partial.matches < 380, `${partial.matches} matches after the abort`);
    const fetchedBefore = new Set(site.requests.map((q) => q.path));
    site.requests.length = 0;
    const r2 = await crawl();
    assert.equal(r2.status, 'success');
    for (const q of site.requests) if (q.path !== '/robots.txt') assert.ok(!fetchedBefore.has(q.path), `${q.path} fetched again`);
    assert.ok(site.requests.length > 1, 'the rerun fetched the rest');
    assert.deepEqual(await tableCounts(tw.wh), reference);
    await assertEachPageOnce(tw.wh);
  });

  test('a crawl process killed midway (SIGKILL), then rerun: nothing lost, nothing duplicated', { timeout: 180_000 }, async () => {
    const pgliteDir = tw.url ? undefined : mkdtempSync(path.join(tmpdir(), 't2b-ws-pglite-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers/crawl-child.ts')], {
      env: {
        ...process.env,
        WS_BASE_URL: site.baseUrl,
        WS_LAKE_DIR: tl.dir,
        WS_DELAY_MS: '50',
        ...(tw.url ? { WS_DATABASE_URL: tw.url } : { WS_PGLITE_DIR: pgliteDir! }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const killed = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if ((out.match(/^page /gm) ?? []).length >= 7 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    await killed;
    assert.ok(!out.includes('done '), `the child finished before it was killed: ${out}\n${err}`);
    const wh = pgliteDir ? await openWarehouse({ engine: 'pglite', dir: pgliteDir }) : tw.wh;
    try {
      const runs = await wsDb(wh.db).selectFrom('whoscored_crawl_runs').select('status').execute();
      assert.deepEqual(runs.map((x) => x.status), ['running'], 'the killed run never finished');
      site.requests.length = 0;
      const r = await crawl(wh);
      assert.equal(r.status, 'success', r.message);
      assert.deepEqual(await tableCounts(wh), reference);
      await assertEachPageOnce(wh);
      const again = await crawl(wh);
      assert.equal(again.counts.fetched, 0);
      assert.deepEqual(await tableCounts(wh), reference);
    } finally {
      if (pgliteDir) {
        await wh.close();
        rmSync(pgliteDir, { recursive: true, force: true });
      }
    }
  });

  test('a layout change fails with an error naming the page and what is missing', async () => {
    site.fault('/Regions/252/Tournaments/2', { type: 'status', status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Redesigned!</body></html>' }, { type: 'status', status: 200, body: '<html></html>' });
    const r = await crawl();
    assert.equal(r.status, 'failed');
    assert.match(r.message, /WhoScored http:\/\/127\.0\.0\.1:\d+\/Regions\/252\/Tournaments\/2: no seasons selector .*layout may have changed/);
    assert.equal((await tableCounts(tw.wh)).matches, 0);
  });
});
}

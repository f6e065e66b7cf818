/** The polite HTTP fetcher against a local server: politeness, robots.txt, retries, block pages. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  BlockedError,
  createFetcher,
  FetchFailedError,
  HttpStatusError,
  RobotsDisallowedError,
  detectBlockPage,
  parseRobots,
  robotsAllows,
} from '../../src/ingest/fetch/index.ts';
import { backoffDelay, HostGate, parseRetryAfter } from '../../src/ingest/fetch/politeness.ts';
import { CLOUDFLARE_PAGE, INCAPSULA_PAGE, startTestSite, type TestSite } from './helpers/server.ts';
import { FAST } from './helpers/warehouse.ts';

let site: TestSite;
before(async () => (site = await startTestSite()));
after(() => site.close());
beforeEach(() => {
  site.requests.length = 0;
  site.faults.clear();
  site.blockAlways.clear();
  site.robots = 'User-agent: *\nDisallow: /private/\n';
});

const MONTH = '/tournaments/18685/data/?d=202101';

describe('robots.txt', () => {
  test('groups, longest match, Allow wins ties, wildcards, crawl-delay', () => {
    const txt = [
      'User-agent: Googlebot',
      'Disallow: /',
      '',
      'User-agent: *',
      'Disallow: /Matches/*/Betting',
      'Disallow: /search$',
      'Allow: /Matches/1/Betting',
      'Crawl-delay: 7',
      '# comment',
    ].join('\n');
    const r = parseRobots(txt, 'time2bet/0.1 (x)');
    assert.equal(r.crawlDelayMs, 7000);
    assert.equal(robotsAllows(r, '/Matches/2/Betting/x').allowed, false);
    assert.equal(robotsAllows(r, '/Matches/1/Betting').allowed, true);
    assert.equal(robotsAllows(r, '/search').allowed, false);
    assert.equal(robotsAllows(r, '/search/more').allowed, true);
    assert.equal(robotsAllows(r, '/Matches/2/Live').allowed, true);
    const own = parseRobots('User-agent: time2bet\nDisallow: /\n\nUser-agent: *\nAllow: /\n', 'time2bet/0.1');
    assert.equal(robotsAllows(own, '/anything').allowed, false);
  });

  test('a disallowed URL is refused without a request', async () => {
    const f = createFetcher(FAST);
    await assert.rejects(f.fetch(`${site.baseUrl}/private/page`), RobotsDisallowedError);
    assert.deepEqual(site.requests.map((r) => r.path), ['/robots.txt']);
    await f.close();
  });

  test('robots.txt fetched once per host; a 404 robots.txt allows everything', async () => {
    site.fault('/robots.txt');
    const f = createFetcher(FAST);
    await f.fetch(`${site.baseUrl}${MONTH}`);
    await f.fetch(`${site.baseUrl}/Matches/1485184/Live`);
    assert.equal(site.count('/robots.txt'), 1);
    await f.close();
  });
});

describe('politeness', () => {
  test('one request at a time per host, with the configured gap between them', async () => {
    const f = createFetcher({ ...FAST, delayMs: 150, jitterMs: 50 });
    const t0 = Date.now();
    await Promise.all([f.fetch(`${site.baseUrl}${MONTH}`), f.fetch(`${site.baseUrl}/tournaments/18685/data/?d=202102`), f.fetch(`${site.baseUrl}/tournaments/18685/data/?d=202103`)]);
    const pages = site.requests.filter((r) => r.path !== '/robots.txt');
    assert.equal(pages.length, 3);
    for (let i = 1; i < pages.length; i++) assert.ok(pages[i].at - pages[i - 1].at >= 145, `gap ${pages[i].at - pages[i - 1].at} ms`);
    assert.ok(Date.now() - t0 >= 3 * 145, 'robots.txt counts as a request too');
    await f.close();
  });

  test('defaults are soccerdata-like: 5 s + U(0, 5 s)', async () => {
    const f = createFetcher();
    assert.equal((f as unknown as { options: { delayMs: number; jitterMs: number } }).options.delayMs, 5000);
    assert.equal((f as unknown as { options: { delayMs: number; jitterMs: number } }).options.jitterMs, 5000);
    await f.close();
    assert.throws(() => createFetcher({ delayMs: -1 }), /delayMs=-1/);
  });

  test('HostGate waits per host, not globally', async () => {
    const gate = new HostGate(() => 100);
    const t0 = Date.now();
    await gate.run('a', async () => {});
    await Promise.all([gate.run('a', async () => {}), gate.run('b', async () => {})]);
    const dt = Date.now() - t0;
    assert.ok(dt >= 95 && dt < 190, `${dt} ms`);
  });

  test('backoff doubles with jitter and is capped; Retry-After in seconds or as a date', () => {
    assert.equal(backoffDelay(0, 100, 10_000, () => 0), 100);
    assert.equal(backoffDelay(3, 100, 10_000, () => 0.5), 1200);
    assert.equal(backoffDelay(20, 100, 10_000, () => 1), 10_000);
    assert.equal(parseRetryAfter('3'), 3000);
    const inAMinute = parseRetryAfter(new Date(Date.now() + 60_000).toUTCString(), Date.now()) ?? 0;
    assert.ok(inAMinute > 58_000 && inAMinute <= 60_000, String(inAMinute));
    assert.equal(parseRetryAfter('soon'), undefined);
  });
});

describe('retries', () => {
  test('429 with Retry-After is retried after waiting that long', async () => {
    site.fault(MONTH, { type: 'status', status: 429, headers: { 'retry-after': '1' } });
    const f = createFetcher(FAST);
    const res = await f.fetch(`${site.baseUrl}${MONTH}`);
    assert.equal(res.status, 200);
    assert.equal(res.attempts, 2);
    const hits = site.requests.filter((r) => r.path === MONTH);
    assert.ok(hits[1].at - hits[0].at >= 990, `waited ${hits[1].at - hits[0].at} ms`);
    await f.close();
  });

  test('500s are retried with backoff; giving up reports the status', async () => {
    site.fault(MONTH, { type: 'status', status: 500 }, { type: 'status', status: 503 });
    const f = createFetcher(FAST);
    assert.equal((await f.fetch(`${site.baseUrl}${MONTH}`)).attempts, 3);
    site.fault(MONTH, ...Array.from({ length: 5 }, () => ({ type: 'status' as const, status: 502 })));
    const err = await f.fetch(`${site.baseUrl}${MONTH}`).catch((e: unknown) => e);
    assert.ok(err instanceof HttpStatusError && err.status === 502 && err.attempts === 5, String(err));
    await f.close();
  });

  test('404 is not retried', async () => {
    const f = createFetcher(FAST);
    const err = await f.fetch(`${site.baseUrl}/Matches/1/Live`).catch((e: unknown) => e);
    assert.ok(err instanceof HttpStatusError && err.status === 404 && err.attempts === 1);
    assert.equal(site.count('/Matches/1/Live'), 1);
    await f.close();
  });

  test('a response slower than the timeout is abandoned and retried', async () => {
    site.fault(MONTH, { type: 'slow', ms: 1500 });
    const f = createFetcher({ ...FAST, timeoutMs: 300 });
    const t0 = Date.now();
    const res = await f.fetch(`${site.baseUrl}${MONTH}`);
    assert.equal(res.attempts, 2);
    assert.ok(Date.now() - t0 < 1400, 'did not wait for the slow answer');
    await f.close();
  });

  test('a body cut short (connection closed before Content-Length bytes) and a reset are retried', async () => {
    site.fault(MONTH, { type: 'truncate' }, { type: 'reset' });
    const f = createFetcher(FAST);
    const res = await f.fetch(`${site.baseUrl}${MONTH}`);
    assert.equal(res.attempts, 3);
    JSON.parse(Buffer.from(res.body).toString('utf8'));
    await f.close();
  });

  test('connection refused: retried, then a clear failure', async () => {
    const f = createFetcher({ ...FAST, retries: 2, respectRobots: false });
    const err = await f.fetch('http://127.0.0.1:9/x').catch((e: unknown) => e);
    assert.ok(err instanceof FetchFailedError && err.attempts === 3, String(err));
    await f.close();
  });

  test('an abort signal stops a fetch that is waiting', async () => {
    site.fault(MONTH, { type: 'status', status: 429, headers: { 'retry-after': '30' } });
    const f = createFetcher(FAST);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(f.fetch(`${site.baseUrl}${MONTH}`, { signal: ac.signal }), { name: 'AbortError' });
    await f.close();
  });
});

describe('block pages', () => {
  test('Incapsula and Cloudflare markers are recognised; data pages are not', () => {
    assert.equal(detectBlockPage(INCAPSULA_PAGE, 200), 'Incapsula incident ID');
    assert.ok(detectBlockPage(CLOUDFLARE_PAGE, 403));
    assert.equal(detectBlockPage('{"tournaments":[]}', 200), undefined);
    assert.equal(detectBlockPage('x'.repeat(200_000) + 'Ray ID:', 200), undefined);
    const cfInjected = '<html><script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script><script>require.config.params["args"] = {matchId:1};</script></html>';
    assert.equal(detectBlockPage(cfInjected, 200), undefined, "Cloudflare's script on a normal page is not a block");
  });

  test('a block page is retried after backing off, then ends with a BlockedError', async () => {
    site.blockAlways.add('/matches/1485184/live');
    const f = createFetcher({ ...FAST, blockRetries: 1, blockBackoffMs: 100 });
    const t0 = Date.now();
    const err = await f.fetch(`${site.baseUrl}/Matches/1485184/Live`).catch((e: unknown) => e);
    assert.ok(err instanceof BlockedError, String(err));
    assert.match(err.message, /block page .*Incapsula.*Stopping the crawl/s);
    assert.equal(site.count('/Matches/1485184/Live'), 2);
    assert.ok(Date.now() - t0 >= 95);
    await f.close();
  });

  test('a single block page followed by the real page goes through', async () => {
    site.fault(MONTH, { type: 'block', vendor: 'cloudflare' });
    const f = createFetcher(FAST);
    const res = await f.fetch(`${site.baseUrl}${MONTH}`);
    assert.equal(res.status, 200);
    await f.close();
  });
});

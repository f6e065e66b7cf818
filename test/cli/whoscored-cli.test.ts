import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BURNLEY_ID, FIXTURES, startTestSite, type TestSite } from '../whoscored/helpers/server.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/time2bet.js');
let site: TestSite;
const home = mkdtempSync(path.join(tmpdir(), 't2b-ws-cli-'));

async function cli(args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, TIME2BET_HOME: home, DATABASE_URL: '' }, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

before(async () => {
  site = await startTestSite();
});
after(async () => site.close());

test('scrape whoscored --base-url crawls the local stand-in of the site; a rerun fetches nothing new', { timeout: 180_000 }, async () => {
  const args = ['scrape', 'whoscored', '--league', 'ENG-Premier League', '--season', '2020-2021', '--base-url', site.baseUrl, '--fetcher', 'http', '--delay-ms', '0', '--jitter-ms', '0', '--previews', 'none', '--match', String(BURNLEY_ID)];
  const first = await cli(args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /whoscored E0 2020-2021: success/);
  assert.match(first.stderr, /matches \+380 inserted/);
  const requests = site.requests.length;
  const second = await cli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /0 fetched/);
  assert.match(second.stderr, /matches \+0 inserted/);
  assert.equal(site.requests.length, requests, 'a finished season is not fetched again');
  const reparse = await cli(['ingest', 'whoscored', '--reparse']);
  assert.equal(reparse.code, 0, reparse.stderr);
  assert.match(reparse.stderr, /matches \+0 inserted/);
});

test('parse whoscored prints the match centre as JSON without a warehouse', async () => {
  const r = await cli(['parse', 'whoscored', path.join(FIXTURES, '1485184_burnley-man-utd_epl-2020-21_matchCentreData.json'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.matchId, 1485184);
  assert.equal(j.date, '2021-01-12');
  assert.deepEqual([j.home.name, j.away.name], ['Burnley', 'Man Utd']);
  assert.deepEqual(j.ftScore, [0, 1]);
  assert.deepEqual(j.htScore, [0, 0]);
  assert.equal(j.stats.home.shots, 11);
  assert.equal(j.stats.away.shotsOnTarget, 7);
});

test('ingest whoscored needs exactly one of --from and --reparse', async () => {
  const r = await cli(['ingest', 'whoscored']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /exactly one of --from <folder> or --reparse/);
});

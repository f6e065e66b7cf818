import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve('bin/time2bet.js');

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A folder someone assembled by hand: other names, nested differently. */
function assembled(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-fd-'));
  mkdirSync(path.join(dir, 'england', 'old'), { recursive: true });
  copyFileSync('data/football-data/E0/2020-2021.csv', path.join(dir, 'england', 'old', 'E0_2021.csv'));
  copyFileSync('data/football-data/E0/2021-2022.csv', path.join(dir, 'england', 'premier 2122.csv'));
  copyFileSync('data/football-data/E0/2022-2023.csv', path.join(dir, 'E0.csv'));
  return dir;
}

test('backtest --data … --json prints the contract object', { timeout: 120_000 }, async () => {
  const r = await cli(['backtest', '--data', assembled(), '--league', 'E0', '--season', '2022-2023', '--json', '--models', 'elo,dixon-coles']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'stdout holds exactly one JSON object');
  const j = JSON.parse(lines[0]!);
  assert.equal(j.league, 'E0');
  assert.equal(j.season, '2022-2023');
  assert.equal(j.matches, 380);
  assert.match(j.market.source, /^pinnacle-closing/);
  for (const k of ['rps', 'logloss', 'brier', 'accuracy']) assert.equal(typeof j.market[k], 'number');
  assert.ok(j.market.rps > 0.17 && j.market.rps < 0.21, `market RPS ${j.market.rps}`);
  assert.deepEqual(Object.keys(j.models).sort(), ['dixon-coles', 'elo'], '--models selects exactly these');
  for (const [name, m] of Object.entries(j.models) as [string, { rps: number; logloss: number; brier: number; accuracy: number }][]) {
    assert.ok(m.rps > j.market.rps - 0.01 && m.rps < 0.25, `${name} RPS ${m.rps}`);
    assert.ok(m.logloss > 0.8 && m.logloss < 1.2, `${name} log loss ${m.logloss}`);
    assert.ok(m.brier > 0.4 && m.brier < 0.7);
    assert.ok(m.accuracy > 0.35 && m.accuracy < 0.7);
  }
});

test('backtest: a season or league not in the data exits non-zero with a clear message', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-fd-'));
  copyFileSync('data/football-data/E0/2022-2023.csv', path.join(dir, 'x.csv'));
  let r = await cli(['backtest', '--data', dir, '--league', 'E0', '--season', '2030-2031', '--json']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /season "2030-2031" of league E0 is not in the data; seasons present: 2022-2023/);
  r = await cli(['backtest', '--data', dir, '--league', 'SP1', '--season', '2022-2023']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /league "SP1" is not in the data; leagues present: E0/);
  r = await cli(['backtest', '--data', path.join(dir, 'nope'), '--league', 'E0', '--season', '2022-2023']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no such folder/);
});

test('a bad configuration value stops the CLI naming the variable', async () => {
  const r = await cli(['config'], { PORT: 'http' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /PORT="http" is invalid/);
});

test('config prints the resolved configuration with secrets redacted', async () => {
  const r = await cli(['config', '--json'], { DATABASE_URL: 'postgres://u:s3cret@db/x', TIME2BET_HOME: '/tmp/t2b-home' });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.databaseUrl, 'postgres://u:***@db/x');
  assert.equal(j.home, '/tmp/t2b-home');
  assert.doesNotMatch(r.stdout, /s3cret/);
});

test('--help works on every verb', async () => {
  for (const v of [[], ['start'], ['serve'], ['config'], ['ingest'], ['ingest', 'football-data'], ['backtest'], ['models'], ['models', 'list']]) {
    const r = await cli([...v, '--help']);
    assert.equal(r.code, 0, `${v.join(' ')} --help: ${r.stderr}`);
    assert.match(r.stdout, /Usage: time2bet/);
  }
});

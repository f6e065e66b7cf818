/** `time2bet backtest --seasons/--models` and `time2bet report quality`, end to end on a temporary warehouse. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve('bin/time2bet.js');

async function cli(args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { maxBuffer: 1 << 26, env: { ...process.env, TIME2BET_HOME: mkdtempSync(path.join(tmpdir(), 't2b-home-')) } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

function folder(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-q-'));
  for (const f of files) {
    mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
    copyFileSync(path.join('data/football-data', f), path.join(dir, f));
  }
  return dir;
}

const FILES = ['E0/2019-2020.csv', 'E0/2020-2021.csv', 'E0/2021-2022.csv', 'E0/2022-2023.csv'];

test('backtest --seasons A..B --models …: pooled contract fields plus one object per season', { timeout: 300_000 }, async () => {
  const dir = folder(FILES);
  const r = await cli(['backtest', '--data', dir, '--league', 'E0', '--seasons', '2021-2022..2022-2023', '--models', 'elo,dixon-coles,elo+market', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const j = JSON.parse(lines[0]!);
  assert.equal(j.league, 'E0');
  assert.equal(j.season, '2021-2022..2022-2023');
  assert.equal(j.matches, 760);
  assert.match(j.market.source, /^pinnacle-closing/);
  assert.deepEqual(Object.keys(j.models), ['elo', 'dixon-coles', 'elo+market']);
  for (const k of ['rps', 'logloss', 'brier', 'accuracy']) assert.equal(typeof j.models.elo[k], 'number');
  assert.equal(j.seasons.length, 2);
  for (const [i, s] of (j.seasons as { league: string; season: string; matches: number; market: object; models: Record<string, object> }[]).entries()) {
    assert.equal(s.league, 'E0');
    assert.equal(s.season, ['2021-2022', '2022-2023'][i]);
    assert.equal(s.matches, 380);
    assert.deepEqual(Object.keys(s.models), ['elo', 'dixon-coles', 'elo+market']);
  }
  // Pooled RPS is the match-weighted mean of the seasons'.
  const pooled = (j.seasons[0].models.elo.rps * 380 + j.seasons[1].models.elo.rps * 380) / 760;
  assert.ok(Math.abs(pooled - j.models.elo.rps) < 2e-6);
  for (const n of ['elo', 'dixon-coles', 'elo+market']) {
    assert.ok(Math.abs(j.gaps[n].rps.mean - (j.models[n].rps - j.market.rps)) < 2e-6, `${n}: gap = model − market`);
    assert.ok(j.gaps[n].rps.se > 0);
    assert.equal(typeof j.calibration[n].draw, 'number');
  }
  assert.ok(j.pinnaclePre.matches === 760);
  rmSync(dir, { recursive: true, force: true });
  const bad = await cli(['backtest', '--data', folder(FILES.slice(0, 1)), '--league', 'E0', '--seasons', '2022-2023..2019-2020']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--seasons "2022-2023\.\.2019-2020": expected FIRST\.\.LAST/);
  const unknown = await cli(['backtest', '--data', folder(FILES.slice(0, 1)), '--league', 'E0', '--season', '2019-2020', '--models', 'glicko']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /unknown model "glicko"/);
});

test('report quality writes the Markdown report and its SVG reliability plot', { timeout: 300_000 }, async () => {
  const dir = folder(FILES);
  const out = path.join(mkdtempSync(path.join(tmpdir(), 't2b-doc-')), 'model-quality.md');
  const r = await cli(['report', 'quality', '--data', dir, '--league', 'E0', '--seasons', '2021-2022..2022-2023', '--headline-seasons', '2021-2022..2022-2023', '--models', 'elo,softmax,elo+market', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const md = readFileSync(out, 'utf8');
  assert.match(md, /^# Model quality/);
  assert.match(md, /## E0 2021-2022 to 2022-2023/);
  assert.match(md, /Best results-only model: \*\*(elo|softmax)\*\*, pooled RPS gap \*\*[+−]\d\.\d{4}/);
  assert.match(md, /Best market-aware model: \*\*elo\+market\*\*/);
  assert.match(md, /\| E0 \| 2022-2023 \| 380 \|/);
  assert.match(md, /!\[reliability diagram\]\(model-quality-reliability\.svg\)/);
  const svg = readFileSync(path.join(path.dirname(out), 'model-quality-reliability.svg'), 'utf8');
  assert.match(svg, /<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /draw/);
});

/**
 * `npm run bench`: Dixon-Coles fit time on a 3-season window (median of several runs), one
 * season's walk-forward, and the prediction endpoint's throughput and p99 latency under
 * autocannon with 50 connections. Prints numbers; not a test.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { parseFootballDataCsv } from '../src/ingest/football-data/parse.ts';
import { isoToDay } from '../src/domain/types.ts';
import { modelSpecs } from '../src/ml/index.ts';
import { walkForward } from '../src/ml/walk-forward.ts';
import type { TrainingMatch } from '../src/ml/model.ts';

const load = (f: string) =>
  parseFootballDataCsv(readFileSync(`data/football-data/E0/${f}`, 'utf8'), f).matches.map((m, i) => ({
    id: isoToDay(m.date) * 1000 + i,
    day: isoToDay(m.date),
    home: m.home,
    away: m.away,
    homeGoals: m.fthg,
    awayGoals: m.ftag,
  }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

const window: TrainingMatch[] = ['2019-2020.csv', '2020-2021.csv', '2021-2022.csv'].flatMap(load);
const asOf = Math.max(...window.map((m) => m.day)) + 1;
const specs = modelSpecs();
const dc = specs.find((s) => s.name === 'dixon-coles')!;
dc.fit(window, asOf); // warm up the JIT
const fits: number[] = [];
for (let i = 0; i < 15; i++) {
  const t0 = performance.now();
  dc.fit(window, asOf);
  fits.push(performance.now() - t0);
}
console.log(`Dixon-Coles fit, E0 2019-20..2021-22 (${window.length} matches), cold start: median ${median(fits).toFixed(1)} ms, p90 ${quantile(fits, 0.9).toFixed(1)} ms (15 runs)`);

const history = ['2019-2020.csv', '2020-2021.csv', '2021-2022.csv', '2022-2023.csv'].flatMap(load);
const target = load('2022-2023.csv');
const targets = target.map(({ id, day, home, away }) => ({ id, day, home, away }));
for (const set of [specs, ...specs.map((s) => [s])]) {
  const times: number[] = [];
  let refits = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    refits = walkForward(history, targets, set, 7).refits;
    times.push(performance.now() - t0);
  }
  console.log(`walk-forward E0 2022-23 (${targets.length} matches, ${refits} weekly refits), models [${set.map((s) => s.name).join(', ')}]: median ${median(times).toFixed(0)} ms (5 runs)`);
}

const server = spawn(process.execPath, ['--import', 'tsx', 'bench/serve-fixture.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  let buf = '';
  server.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const m = /READY (\S+)/.exec(buf);
    if (m) resolve(m[1]!);
  });
  server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
});
const pairs = [['Arsenal', 'Chelsea'], ['Man City', 'Liverpool'], ['Man United', 'Tottenham'], ['Brighton', 'Everton'], ['Newcastle', 'Fulham']];
const requests = pairs.map(([home, away]) => ({ method: 'POST' as const, path: '/v1/predictions', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ home, away }) }));
const opts = { url, connections: 50, duration: 10, requests };
await autocannon({ ...opts, duration: 3 }); // warm-up
const r = await autocannon(opts);
console.log(
  `POST /v1/predictions, autocannon 50 connections 10 s: ${Math.round(r.requests.average)} req/s average, ` +
    `latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ${r.errors} errors, ${r.non2xx} non-2xx, ${r.requests.total} requests`,
);
server.kill('SIGTERM');

/**
 * `npm run bench`: Dixon-Coles fit time on a 3-season window (median of several runs), one
 * season's walk-forward, and the prediction endpoint's throughput and p99 latency under
 * autocannon with 50 connections. The endpoint is measured in rounds alternating with a bare
 * validated Fastify endpoint (bench/bare-fastify.ts) so the report shows what the machine
 * allowed at that moment: on a shared 2-core VM the same server varies by ±40% from minute to
 * minute. Server CPU per request comes from /proc (Linux). Prints numbers; not a test.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { parseFootballDataCsv } from '../src/ingest/football-data/parse.ts';
import { isoToDay } from '../src/domain/types.ts';
import { modelSpecs } from '../src/ml/index.ts';
import { walkForward } from '../src/ml/evaluation/walk-forward.ts';
import type { TrainingMatch } from '../src/ml/models/model.ts';

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

/** Start a server script; resolves with its URL and a reader of its CPU seconds (Linux /proc). */
async function startServer(script: string): Promise<{ url: string; cpuSeconds: () => number | undefined; stop: () => void }> {
  const server = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    server.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    server.on('exit', (c) => reject(new Error(`${script} exited ${c}`)));
  });
  const cpuSeconds = () => {
    try {
      const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
    } catch {
      return undefined;
    }
  };
  return { url, cpuSeconds, stop: () => server.kill('SIGTERM') };
}

const pairs = [['Arsenal', 'Chelsea'], ['Man City', 'Liverpool'], ['Man United', 'Tottenham'], ['Brighton', 'Everton'], ['Newcastle', 'Fulham']];
const requests = pairs.map(([home, away]) => ({ method: 'POST' as const, path: '/v1/predictions', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ home, away }) }));
const api = await startServer('bench/serve-fixture.ts');
const bare = await startServer('bench/bare-fastify.ts');
const rounds = 3;
const results: Record<string, { rps: number; p50: number; p99: number; max: number; errors: number; non2xx: number; cpuUs?: number }[]> = { api: [], bare: [] };
for (const [, s] of [['api', api], ['bare', bare]] as const) await autocannon({ url: s.url, connections: 50, duration: 3, requests }); // warm-up
// Alternate the two servers so both see the same machine: other load drifts over minutes.
for (let i = 0; i < rounds; i++) {
  for (const [name, s] of [['api', api], ['bare', bare]] as const) {
    const c0 = s.cpuSeconds();
    const r = await autocannon({ url: s.url, connections: 50, duration: 10, requests });
    const c1 = s.cpuSeconds();
    const cpuUs = c0 !== undefined && c1 !== undefined ? ((c1 - c0) / r.requests.total) * 1e6 : undefined;
    results[name]!.push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, errors: r.errors, non2xx: r.non2xx, cpuUs });
  }
}
const describe = (name: string, label: string) => {
  const rs = results[name]!;
  const mid = [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]!;
  const cpu = rs.every((r) => r.cpuUs !== undefined) ? `; server CPU median ${median(rs.map((r) => r.cpuUs!)).toFixed(0)} µs/request` : '';
  console.log(
    `${label}, autocannon 50 connections 10 s x ${rounds}: median run ${Math.round(mid.rps)} req/s, latency p50 ${mid.p50} ms, p99 ${mid.p99} ms, max ${mid.max} ms ` +
      `(runs: ${rs.map((r) => `${Math.round(r.rps)} req/s p99 ${r.p99} ms`).join('; ')}); ${rs.reduce((s, r) => s + r.errors, 0)} errors, ${rs.reduce((s, r) => s + r.non2xx, 0)} non-2xx${cpu}`,
  );
};
describe('api', 'POST /v1/predictions (the API)');
describe('bare', 'reference: bare validated Fastify endpoint on this machine now');
api.stop();
bare.stop();

/**
 * Soak: the process users run (`time2bet start` on three real Premier League seasons), under
 * 3 minutes of steady load at 50 connections — valid predictions, unknown teams, malformed
 * bodies and MLflow searches mixed — with its resident memory (RSS, from /proc) sampled every
 * 10 s. A leak shows as RSS still climbing in the last minute. `npm run bench:soak`
 * (SOAK_SECONDS overrides the length; the bench's own knob, not the app's configuration).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const seconds = Number(process.env.SOAK_SECONDS ?? 180);
const home = mkdtempSync(path.join(tmpdir(), 't2b-soak-'));
const data = path.join(home, 'data');
mkdirSync(path.join(data, 'E0'), { recursive: true });
for (const s of ['2020-2021', '2021-2022', '2022-2023']) cpSync(`data/football-data/E0/${s}.csv`, path.join(data, 'E0', `${s}.csv`));
const port = 18000 + Math.floor(Math.random() * 1000);
const app = spawn(process.execPath, ['bin/time2bet.js', 'start'], {
  stdio: ['ignore', 'ignore', 'pipe'],
  env: { ...process.env, TIME2BET_HOME: home, TIME2BET_DATA_DIR: data, TIME2BET_MODELS: 'elo', PORT: String(port), LOG_LEVEL: 'warn',
    TIME2BET_RATE_LIMIT_IP: '0', TIME2BET_RATE_LIMIT_KEY: '0' },
});
let log = '';
app.stderr.on('data', (d: Buffer) => (log += d.toString()));
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (app.exitCode !== null) throw new Error(`start exited ${app.exitCode}:\n${log}`);
  if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
  if (i > 600) throw new Error(`not ready after 300 s:\n${log}`);
  await new Promise((r) => setTimeout(r, 500));
}
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${app.pid}/status`, 'utf8'))![1]) / 1024;
const json = { 'content-type': 'application/json' };
const requests = [
  { method: 'POST' as const, path: '/v1/predictions', headers: json, body: JSON.stringify({ home: 'Arsenal', away: 'Chelsea' }) },
  { method: 'POST' as const, path: '/v1/predictions', headers: json, body: JSON.stringify({ home: 'Man City', away: 'Liverpool' }) },
  { method: 'POST' as const, path: '/v1/predictions', headers: json, body: JSON.stringify({ home: 'constructor', away: 'Chelsea' }) },
  { method: 'POST' as const, path: '/v1/predictions', headers: json, body: '{"home":' },
  { method: 'POST' as const, path: '/api/2.0/mlflow/runs/search', headers: json, body: JSON.stringify({ experiment_ids: ['1'], max_results: 5 }) },
];
const samples: { t: number; rss: number; rps: number; p99: number; non2xx: number; errors: number }[] = [{ t: 0, rss: rssMb(), rps: 0, p99: 0, non2xx: 0, errors: 0 }];
console.log(`soak: time2bet start ready (RSS ${samples[0]!.rss.toFixed(0)} MB); ${seconds} s of load at 50 connections`);
for (let t = 10; t <= seconds; t += 10) {
  const r = await autocannon({ url, connections: 50, duration: 10, requests });
  samples.push({ t, rss: rssMb(), rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors });
  const s = samples.at(-1)!;
  console.log(`t=${String(t).padStart(3)} s  RSS ${s.rss.toFixed(0)} MB  ${Math.round(s.rps)} req/s  p99 ${s.p99} ms  non-2xx ${s.non2xx}  errors ${s.errors}`);
}
const lastMinute = samples.filter((s) => s.t >= seconds - 60);
const grow = lastMinute.at(-1)!.rss - lastMinute[0]!.rss;
const fiveXx = await fetch(`${url}/metrics`).then((r) => r.text()).then((m) => [...m.matchAll(/http_requests_total\{[^}]*status="5xx"[^}]*\} (\d+)/g)].reduce((a, x) => a + Number(x[1]), 0));
console.log(`soak: RSS ${samples[0]!.rss.toFixed(0)} MB at ready, max ${Math.max(...samples.map((s) => s.rss)).toFixed(0)} MB, end ${samples.at(-1)!.rss.toFixed(0)} MB; last minute ${grow >= 0 ? '+' : ''}${grow.toFixed(0)} MB; 5xx answered ${fiveXx}; connection errors ${samples.reduce((a, s) => a + s.errors, 0)}`);
app.kill('SIGTERM');
await new Promise((r) => app.once('exit', r));
rmSync(home, { recursive: true, force: true });

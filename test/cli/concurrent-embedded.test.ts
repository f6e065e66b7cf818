/**
 * The embedded default with the CLI beside it: `time2bet start` owns the PGlite warehouse and
 * shares it on a local socket; `dags trigger --wait` and `models list` run as separate
 * processes against the same TIME2BET_HOME and succeed instead of refusing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve('bin/time2bet.js');

test('dags trigger --wait and models list run beside a running start', { timeout: 240_000 }, async () => {
  const home = mkdtempSync(path.join(tmpdir(), 't2b-cc-'));
  const data = path.join(home, 'data', 'E0');
  mkdirSync(data, { recursive: true });
  for (const s of ['2021-2022', '2022-2023']) copyFileSync(`data/football-data/E0/${s}.csv`, path.join(data, `${s}.csv`));
  const env: NodeJS.ProcessEnv = { ...process.env, TIME2BET_HOME: home, TIME2BET_DATA_DIR: path.join(home, 'data'), TIME2BET_MODELS: 'elo', HOST: '127.0.0.1', PORT: '0' };
  delete env.DATABASE_URL;
  delete env.TIME2BET_EXECUTOR;
  const server = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.on('data', (b: Buffer) => (log += b));
  server.stderr.on('data', (b: Buffer) => (log += b));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m) (clearInterval(t), resolve(m[1]!));
      }, 100);
      server.once('exit', (code) => (clearInterval(t), reject(new Error(`start exited ${code}:\n${log}`))));
    });
    for (let i = 0; ; i++) {
      const r = await fetch(`${base}/readyz`).catch(() => undefined);
      if (r?.ok) break;
      assert.ok(i < 600, `never ready:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const cli = (args: string[]) => run(process.execPath, [BIN, ...args], { env, maxBuffer: 1 << 24 });
    const trig = await cli(['dags', 'trigger', 'ingest_daily', '--wait']).catch((e: { stdout: string; stderr: string }) => assert.fail(`dags trigger failed:\n${e.stderr}\n${e.stdout}`));
    assert.match(trig.stdout + trig.stderr, /ingest_daily \S+: success/);
    const models = await cli(['models', 'list']).catch((e: { stdout: string; stderr: string }) => assert.fail(`models list failed:\n${e.stderr}\n${e.stdout}`));
    assert.match(models.stdout, /time2bet/);
    assert.match(models.stdout, /champion/);
    assert.equal((await fetch(`${base}/readyz`)).status, 200, 'start still serves after the CLI ran beside it');
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
});

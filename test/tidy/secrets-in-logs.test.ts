/**
 * Secrets never reach output: `config`, `config --json`, a tracking server at LOG_LEVEL=debug
 * serving a few MLflow calls, and a verb that fails to connect, all run with a database
 * password (userinfo and query string), S3 keys and a tracking-server token in the
 * configuration. Every line of stdout and stderr, and the server's process title, is searched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', path.resolve('src/cli.ts')];
const SECRETS = ['s3cretpw', 'qry-s3cret', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY', 'mlfl0w-t0ken'];

function assertClean(where: string, text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${where} shows the secret "${s}":\n${text}`);
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const secretEnv = (home: string, databaseUrl: string | undefined): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TIME2BET_HOME: home,
    LOG_LEVEL: 'debug',
    TIME2BET_LAKE: 'folder',
    TIME2BET_S3_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    TIME2BET_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY',
  };
  delete env.DATABASE_URL;
  delete env.MLFLOW_TRACKING_URI;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
};

test('config and config --json show no secret, and the access key id only by its last 4 characters', async () => {
  const env = {
    ...secretEnv(mkdtempSync(path.join(tmpdir(), 't2b-sec-')), 'postgres://postgres:s3cretpw@127.0.0.1:5432/test?sslmode=disable&sslpassword=qry-s3cret'),
    MLFLOW_TRACKING_URI: 'https://ml.example/?token=mlfl0w-t0ken',
  };
  const text = await run(process.execPath, [...CLI, 'config'], { env });
  assertClean('config', text.stdout + text.stderr);
  assert.match(text.stdout, /postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/test\?sslmode=disable&sslpassword=\*\*\*/);
  const json = await run(process.execPath, [...CLI, 'config', '--json'], { env });
  assertClean('config --json', json.stdout + json.stderr);
  const parsed = JSON.parse(json.stdout) as Record<string, unknown>;
  assert.equal(parsed.s3AccessKeyId, '***MPLE');
  assert.equal(parsed.s3SecretAccessKey, '***');
  assert.equal(parsed.mlflowTrackingUri, 'https://ml.example/?token=***');
});

test('a verb that cannot reach its database names it without the password', async () => {
  const env = secretEnv(mkdtempSync(path.join(tmpdir(), 't2b-sec-')), 'postgres://postgres:s3cretpw@127.0.0.1:1/nowhere');
  const r = await run(process.execPath, [...CLI, 'models', 'list'], { env, timeout: 60_000 }).then(
    (x) => ({ code: 0, out: x.stdout + x.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );
  assert.notEqual(r.code, 0, r.out);
  assertClean('models list (unreachable database)', r.out);
});

test('a tracking server at LOG_LEVEL=debug logs no secret, and its process title holds none', { timeout: 180_000 }, async () => {
  const home = mkdtempSync(path.join(tmpdir(), 't2b-sec-'));
  let dbName: string | undefined;
  let url: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    dbName = `t2b_${randomBytes(6).toString('hex')}`;
    await admin((c) => c.query(`create database ${dbName}`));
    const u = new URL(process.env.TEST_DATABASE_URL);
    u.username = u.username || 'postgres';
    u.password = 's3cretpw'; // trust authentication ignores it; it must still never be shown
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const child = spawn(process.execPath, [...CLI, 'tracking-server', '--port', '0'], { env: secretEnv(home, url), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/[^\s]+)/.exec(output);
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        }
      }, 100);
      void exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`tracking server exited (${code}):\n${output}`));
      });
    });
    const api = `${base}/api/2.0/mlflow`;
    const post = (p: string, body: unknown) => fetch(`${api}/${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const exp = (await (await post('experiments/create', { name: 'secrets-check' })).json()) as { experiment_id: string };
    const created = (await (await post('runs/create', { experiment_id: exp.experiment_id })).json()) as { run: { info: { run_id: string } } };
    await post('runs/log-parameter', { run_id: created.run.info.run_id, key: 'k', value: 'v' });
    await fetch(`${api}/experiments/search?max_results=5`);
    await fetch(`${api}/runs/get?run_id=nonexistent`);
    const title = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    assertClean('process title', title);
  } finally {
    child.kill('SIGTERM');
    await exited;
    if (dbName) await admin((c) => c.query(`drop database if exists ${dbName} with (force)`)).catch(() => {});
  }
  assert.match(output, /"level":\d+/, 'the server log (pino, LOG_LEVEL=debug) is part of the output searched');
  if (url) assert.match(output, /postgres:\/\/postgres:\*\*\*@/, 'the warehouse location is shown, redacted');
  assertClean('tracking server output', output);
});

/**
 * `time2bet dags …` end to end (embedded executor): trigger --wait exits non-zero when the run
 * failed, runs/logs show what happened, backfill runs a range and is idempotent. Runs on
 * PostgreSQL when TEST_DATABASE_URL is set (own database), else on PGlite in a temp home.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { FIXTURE_DAGS } from './processes.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/time2bet.js');
const BASE = process.env.TEST_DATABASE_URL;
const env: Record<string, string> = { TIME2BET_HOME: mkdtempSync(path.join(tmpdir(), 't2b-cli-')), TIME2BET_DAG_MODULES: FIXTURE_DAGS, TIME2BET_EXECUTOR: 'embedded' };

async function admin(q: string) {
  const c = new pg.Client({ connectionString: BASE });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

async function cli(...args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('dags trigger --wait, runs, logs, backfill, clear through the CLI', { timeout: 300_000 }, async () => {
  if (BASE) {
    const name = `t2b_orch_cli_${randomBytes(4).toString('hex')}`;
    await admin(`create database ${name}`);
    after(() => admin(`drop database if exists ${name} with (force)`));
    const url = new URL(BASE);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  }
  let r = await cli('dags', 'trigger', 'cli_demo', '--wait', '--conf', '{"explode":true}');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /1 of 1 run\(s\) failed; manual__\S+: maybe_fail \(failed: Error: exploded on request\)/);

  r = await cli('dags', 'trigger', 'cli_demo', '--wait');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /cli_demo manual__\S+: success/);

  r = await cli('dags', 'runs', 'cli_demo', '--json');
  assert.equal(r.code, 0, r.stderr);
  const views = JSON.parse(r.stdout) as { run: { run_id: string; state: string }; tasks: { taskId: string; state: string }[] }[];
  assert.deepEqual(views.map((v) => v.run.state), ['success', 'failed']);
  assert.deepEqual(views[1]!.tasks.map((t) => `${t.taskId}:${t.state}`), ['hello:success', 'maybe_fail:failed']);

  r = await cli('dags', 'logs', 'cli_demo', views[1]!.run.run_id, '--task', 'maybe_fail');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /=== maybe_fail try 1: failed/);
  assert.match(r.stdout, /failed: Error: exploded on request\n\s+at /, 'the stack trace is in the stored log');

  r = await cli('dags', 'backfill', 'cli_demo', '--from', '2024-01-01', '--to', '2024-01-03');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /backfill cli_demo: 3 interval\(s\); 3 run\(s\) created, 0 re-run, 0 kept/);
  r = await cli('dags', 'backfill', 'cli_demo', '--from', '2024-01-01', '--to', '2024-01-03', '--reprocess', 'failed');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /3 interval\(s\); 0 run\(s\) created, 0 re-run, 3 kept/);

  r = await cli('dags', 'clear', 'cli_demo', '--run', views[1]!.run.run_id, '--task', 'hello', '--downstream', '--wait');
  assert.match(r.stderr, /cleared 2 task instance\(s\) in 1 run\(s\)/);
  assert.equal(r.code, 1, 'the run still has explode=true in its conf, so it fails again');

  r = await cli('dags', 'list', '--json');
  const list = JSON.parse(r.stdout) as { id: string; runs: Record<string, number>; lastSuccess: string | null }[];
  const demo = list.find((d) => d.id === 'cli_demo')!;
  assert.deepEqual(demo.runs, { failed: 1, success: 4 });
  assert.ok(demo.lastSuccess);
  assert.deepEqual(list.map((d) => d.id), ['ingest_daily', 'train_weekly', 'dist_kill', 'pg_restart', 'cli_demo']);
});

/**
 * PostgreSQL restarts in the middle of a DAG run (a private throwaway cluster, never the
 * machine's): the scheduler, the worker and `dags trigger --wait` ride it out, the task that was
 * cut off is retried, and the run completes with every row written once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { FIXTURE_DAGS, pauseScheduledDags, spawnCli, stopAll, waitFor, type Cli } from './processes.ts';

function pgBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

const BIN = pgBin();
const asRoot = process.getuid?.() === 0;

/** Run a PostgreSQL tool as the postgres user (initdb refuses root). */
function pgTool(tool: string, args: string[]): void {
  const cmd = [path.join(BIN!, tool), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  if (asRoot) execFileSync('su', ['postgres', '-c', cmd], { stdio: 'pipe' });
  else execFileSync('sh', ['-c', cmd], { stdio: 'pipe' });
}

async function freePort(preferred: number): Promise<number> {
  const tryPort = (p: number) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer().once('error', reject).listen(p, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

test('restarting PostgreSQL during a DAG run: the run completes through retries', { skip: BIN ? false : 'no /usr/lib/postgresql/*/bin/initdb: cannot start a private PostgreSQL cluster', timeout: 180_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-pgrestart-'));
  chmodSync(dir, 0o755);
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  const port = await freePort(5434);
  const ctl = (...args: string[]) => pgTool('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', ...args]);
  pgTool('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
  ctl('start');
  const procs: Cli[] = [];
  let wh: Warehouse | undefined;
  try {
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await c.connect();
    await c.query('create database t2b');
    await c.end();
    const url = `postgres://postgres@127.0.0.1:${port}/t2b`;
    wh = await openWarehouse({ engine: 'postgres', url });
    await pauseScheduledDags(wh);
    const env = {
      DATABASE_URL: url,
      TIME2BET_HOME: path.join(dir, 'home'),
      TIME2BET_EXECUTOR: 'pgboss',
      TIME2BET_HEARTBEAT_TIMEOUT: '5',
      TIME2BET_DAG_MODULES: FIXTURE_DAGS,
    };
    const scheduler = spawnCli(['scheduler'], env);
    const worker = spawnCli(['worker'], env);
    procs.push(scheduler, worker);
    await waitFor('the scheduler', () => /scheduler: executor pgboss/.test(scheduler.output()), 60_000);
    await waitFor('the worker', () => /worker .*slots/.test(worker.output()), 60_000);
    const trigger = spawnCli(['dags', 'trigger', 'pg_restart', '--wait'], env);
    procs.push(trigger);
    const db = wh.db;
    await waitFor('rows being written', async () => {
      const r = await sql<{ n: number }>`select count(*)::int as n from orch_rows`.execute(db);
      return Number(r.rows[0]!.n) >= 5;
    }, 60_000);
    ctl('restart', '-m', 'fast');

    const code = await Promise.race([trigger.exited, new Promise((r) => setTimeout(r, 90_000).unref()).then(() => 'timeout')]);
    assert.equal(code, 0, `dags trigger --wait: ${trigger.output()}\n--- scheduler:\n${scheduler.output()}\n--- worker:\n${worker.output()}`);
    const run = await waitFor('the run row', () => db.selectFrom('dag_runs').selectAll().where('dag_id', '=', 'pg_restart').executeTakeFirst());
    assert.equal(run.state, 'success');
    const writeTries = await db.selectFrom('task_tries').select(['try_number', 'state', 'error']).where('dag_run_id', '=', run.id).where('task_id', '=', 'write').orderBy('try_number').execute();
    assert.ok(writeTries.length >= 2, `the write task was retried: ${JSON.stringify(writeTries)}`);
    assert.equal(writeTries.at(-1)!.state, 'success');
    assert.ok(writeTries.slice(0, -1).every((t) => t.state === 'failed'), JSON.stringify(writeTries));
    const rows = (await sql<{ n: number; d: number }>`select count(*)::int as n, count(distinct i)::int as d from orch_rows where run_id = ${run.run_id}`.execute(db)).rows[0]!;
    assert.deepEqual([Number(rows.n), Number(rows.d)], [40, 40]);
    const finish = await db.selectFrom('task_instances').select(['state']).where('dag_run_id', '=', run.id).where('task_id', '=', 'finish').executeTakeFirstOrThrow();
    assert.equal(finish.state, 'success');
    assert.ok(scheduler.child.exitCode === null && worker.child.exitCode === null, 'scheduler and worker survived the restart');
  } finally {
    if (process.env.T2B_TEST_VERBOSE) for (const p of procs) process.stderr.write(`--- ${p.child.spawnargs.slice(2).join(' ')}\n${p.output()}`);
    await stopAll(procs);
    await wh?.close().catch(() => {});
    try {
      ctl('stop', '-m', 'immediate');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

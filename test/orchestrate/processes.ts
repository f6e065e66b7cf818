/** Start `time2bet` commands as child processes and watch their output. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { setPaused } from '../../src/orchestrate/scheduler/runs.ts';

const BIN = path.resolve('bin/time2bet.js');
export const FIXTURE_DAGS = path.resolve('test/orchestrate/fixtures/dags.ts');

export interface Cli {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], env: Record<string, string>): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet (e.g. the table does not exist yet)
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stopAll(clis: Cli[]): Promise<void> {
  for (const c of clis) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGTERM');
  await Promise.all(
    clis.map((c) => Promise.race([c.exited, new Promise((r) => setTimeout(r, 10_000).unref()).then(() => c.child.kill('SIGKILL'))])),
  );
}

/** Pause the scheduled DAGs (built-in and fixture) so a test's scheduler only runs what the test triggers. */
export async function pauseScheduledDags(wh: Warehouse): Promise<void> {
  for (const id of ['ingest_daily', 'train_weekly', 'cli_demo']) await setPaused(wh.db, id, true, new Date());
}

/** A scheduler with the in-process executor over a test warehouse, with a real or fake clock. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { FolderStore } from '../../src/lake/folder-store.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { dagRegistry, defineDag, type Dag, type DagSpec, type Services } from '../../src/orchestrate/dag/define.ts';
import { InProcessExecutor } from '../../src/orchestrate/executors/in-process.ts';
import { workerIdentity } from '../../src/orchestrate/executors/run-try.ts';
import { Scheduler } from '../../src/orchestrate/scheduler/scheduler.ts';
import { waitForRuns } from '../../src/orchestrate/scheduler/commands.ts';

export function testConfig(over: Record<string, string> = {}): Config {
  const home = mkdtempSync(path.join(tmpdir(), 't2b-orch-'));
  return loadConfig({ TIME2BET_HOME: home, ...over });
}

export function services(wh: Warehouse, cfg = testConfig()): Services {
  return { cfg, wh, lake: new FolderStore(cfg.lakeDir) };
}

export interface Harness {
  scheduler: Scheduler;
  executor: InProcessExecutor;
  dags: Map<string, Dag>;
  services: Services;
  /** Tick and drain until no run is queued or running (fake clock: time does not move). */
  settle(maxTicks?: number): Promise<void>;
  /** Run the scheduler loop (real clock) until the runs end. */
  runUntilDone(runIds: number[], timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  now?: () => Date;
  concurrency?: number;
  heartbeatTimeoutMs?: number;
  heartbeatMs?: number;
  pollMs?: number;
  cfg?: Config;
  createScheduledRuns?: boolean;
  exclusive?: boolean;
}

export function harness(wh: Warehouse, specs: (DagSpec | Dag)[], o: HarnessOptions = {}): Harness {
  const dags = dagRegistry(specs.map((s) => ('task' in s ? s : defineDag(s))));
  const svc = services(wh, o.cfg);
  const now = o.now ?? (() => new Date());
  const say = process.env.T2B_TEST_VERBOSE ? (l: string) => process.stderr.write(`${l}\n`) : () => {};
  const executor = new InProcessExecutor({
    services: svc,
    dags,
    me: workerIdentity('test'),
    now,
    heartbeatMs: o.heartbeatMs ?? 60_000,
    finishRetryMs: 5_000,
    settleGraceMs: 2_000,
    concurrency: o.concurrency ?? 4,
    say,
  });
  const scheduler = new Scheduler({ db: wh.db, dags, executor, now, pollMs: o.pollMs ?? 10, heartbeatTimeoutMs: o.heartbeatTimeoutMs ?? 60_000, createScheduledRuns: o.createScheduledRuns, exclusive: o.exclusive, say });
  executor.onSettled = () => scheduler.wake();
  return {
    scheduler,
    executor,
    dags,
    services: svc,
    async settle(maxTicks = 200) {
      for (let i = 0; i < maxTicks; i++) {
        await scheduler.tick();
        await executor.drain();
        const open = await wh.db.selectFrom('dag_runs').select('id').where('state', 'in', ['queued', 'running']).execute();
        if (!open.length) return;
      }
      throw new Error(`runs still open after ${maxTicks} ticks`);
    },
    async runUntilDone(runIds, timeoutMs = 60_000) {
      scheduler.start();
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), timeoutMs);
      try {
        await waitForRuns(wh.db, runIds, { pollMs: 20, signal: ac.signal });
      } finally {
        clearTimeout(t);
        await scheduler.stop();
        await executor.drain();
      }
    },
    async stop() {
      await scheduler.stop();
      await executor.stop();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Task states of a run, by task id. */
export async function states(wh: Warehouse, runId: number): Promise<Record<string, string>> {
  const rows = await wh.db.selectFrom('task_instances').select(['task_id', 'state']).where('dag_run_id', '=', runId).execute();
  return Object.fromEntries(rows.map((r) => [r.task_id, r.state]));
}

export async function tries(wh: Warehouse, runId: number, taskId: string) {
  return wh.db.selectFrom('task_tries').selectAll().where('dag_run_id', '=', runId).where('task_id', '=', taskId).orderBy('try_number').execute();
}

/**
 * Wiring for a process that schedules: pick the executor the configuration names and start the
 * scheduler loop. `startEmbeddedScheduler` is what `time2bet start` calls to run the scheduler
 * next to the API; `time2bet scheduler` calls it alone.
 */
import type { Config } from '../../config.ts';
import type { ObjectStore } from '../../lake/store.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import type { Dag, Services } from '../dag/define.ts';
import { loadDags } from '../dags/index.ts';
import type { Executor } from '../executors/executor.ts';
import { InProcessExecutor } from '../executors/in-process.ts';
import { PgBossExecutor } from '../executors/pgboss.ts';
import { workerIdentity, type TryRunnerOptions } from '../executors/run-try.ts';
import { guardLostConnections } from '../executors/connection-guard.ts';
import { Scheduler } from './scheduler.ts';

/** Timings derived from the heartbeat timeout (TIME2BET_HEARTBEAT_TIMEOUT). */
export function timings(cfg: Pick<Config, 'heartbeatTimeout'>) {
  const heartbeatTimeoutMs = cfg.heartbeatTimeout * 1000;
  return {
    heartbeatTimeoutMs,
    heartbeatMs: Math.min(10_000, Math.max(100, heartbeatTimeoutMs / 5)),
    pollMs: Math.min(1000, Math.max(50, heartbeatTimeoutMs / 4)),
    finishRetryMs: heartbeatTimeoutMs,
    settleGraceMs: Math.min(60_000, heartbeatTimeoutMs),
  };
}

export function tryRunnerOptions(s: Services, dags: Map<string, Dag>, kind: string, now: () => Date, say: (line: string) => void): TryRunnerOptions {
  const t = timings(s.cfg);
  return { services: s, dags, me: workerIdentity(kind), now, heartbeatMs: t.heartbeatMs, finishRetryMs: t.finishRetryMs, settleGraceMs: t.settleGraceMs, say };
}

/** The executor cfg.executor names: in-process, or pg-boss (PostgreSQL only). */
export async function openExecutor(s: Services, dags: Map<string, Dag>, now: () => Date, say: (line: string) => void): Promise<Executor> {
  if (s.cfg.executor === 'pgboss') {
    if (!s.cfg.databaseUrl) throw new Error('TIME2BET_EXECUTOR=pgboss queues tasks in PostgreSQL: set DATABASE_URL (workers connect to the same database)');
    return PgBossExecutor.open(s.cfg.databaseUrl, say);
  }
  return new InProcessExecutor({ ...tryRunnerOptions(s, dags, 'embedded', now, say), concurrency: s.cfg.workerConcurrency });
}

export interface EmbeddedSchedulerOptions {
  cfg: Config;
  wh: Warehouse;
  lake: ObjectStore;
  /** Default: the built-in DAGs and TIME2BET_DAG_MODULES. */
  dags?: Map<string, Dag>;
  now?: () => Date;
  /** Only advance these runs and create no scheduled runs (a CLI waiting on its own runs). */
  runIds?: number[];
  say?: (line: string) => void;
}

export interface RunningScheduler {
  scheduler: Scheduler;
  executor: Executor;
  dags: Map<string, Dag>;
  /** Stop ticking, stop the executor (running in-process tries are aborted), release pg-boss. */
  stop(): Promise<void>;
}

/** Start the scheduler loop with the configured executor (in-process by default). */
export async function startEmbeddedScheduler(o: EmbeddedSchedulerOptions): Promise<RunningScheduler> {
  const say = o.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = o.now ?? (() => new Date());
  const dags = o.dags ?? (await loadDags(o.cfg));
  if (o.wh.capabilities.connectionsCanDrop) guardLostConnections(say);
  const executor = await openExecutor({ cfg: o.cfg, wh: o.wh, lake: o.lake }, dags, now, say);
  const t = timings(o.cfg);
  const scheduler = new Scheduler({
    db: o.wh.db,
    dags,
    executor,
    now,
    pollMs: t.pollMs,
    heartbeatTimeoutMs: t.heartbeatTimeoutMs,
    createScheduledRuns: o.runIds === undefined,
    runIds: o.runIds,
    exclusive: o.wh.capabilities.exclusiveScheduling && executor instanceof InProcessExecutor,
    say,
  });
  if (executor instanceof InProcessExecutor) executor.onSettled = () => scheduler.wake();
  scheduler.start();
  return {
    scheduler,
    executor,
    dags,
    async stop() {
      await scheduler.stop();
      await executor.stop();
    },
  };
}

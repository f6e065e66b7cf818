/**
 * `time2bet worker`: fetch queued tries from pg-boss and run them, up to
 * TIME2BET_WORKER_CONCURRENCY at a time, until `signal` aborts. Then it stops fetching, lets
 * running tries finish for up to the heartbeat timeout, aborts the rest (they are retried) and
 * disconnects. Any number of workers may run, on any machines, against the same PostgreSQL.
 */
import type { Config } from '../config.ts';
import type { ObjectStore } from '../lake/store.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { Dag } from './dag/define.ts';
import { loadDags } from './dags/index.ts';
import { InProcessExecutor } from './executors/in-process.ts';
import { consumeTasks, openBoss } from './executors/pgboss.ts';
import { guardLostConnections } from './executors/connection-guard.ts';
import { timings, tryRunnerOptions } from './scheduler/embedded.ts';

export interface WorkerOptions {
  cfg: Config;
  wh: Warehouse;
  lake: ObjectStore;
  dags?: Map<string, Dag>;
  now?: () => Date;
  signal: AbortSignal;
  say?: (line: string) => void;
}

export async function runWorker(o: WorkerOptions): Promise<void> {
  const say = o.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!o.cfg.databaseUrl) throw new Error('`time2bet worker` takes tasks from PostgreSQL: set DATABASE_URL (and TIME2BET_EXECUTOR=pgboss on the scheduler)');
  const dags = o.dags ?? (await loadDags(o.cfg));
  guardLostConnections(say);
  const runner = tryRunnerOptions({ cfg: o.cfg, wh: o.wh, lake: o.lake }, dags, 'worker', o.now ?? (() => new Date()), say);
  const executor = new InProcessExecutor({ ...runner, concurrency: o.cfg.workerConcurrency });
  const boss = await openBoss(o.cfg.databaseUrl, say);
  say(`worker ${runner.me.workerId}: ${o.cfg.workerConcurrency} slots; DAGs ${[...dags.keys()].join(', ')}`);
  try {
    await consumeTasks(boss, {
      free: () => o.cfg.workerConcurrency - executor.pending(),
      run: (job) => void executor.submit(job),
      signal: o.signal,
      pollMs: 250,
      say,
    });
    say(`worker ${runner.me.workerId}: stopping; waiting for ${executor.pending()} running tasks`);
    let t: NodeJS.Timeout | undefined;
    await Promise.race([executor.drain(), new Promise((r) => (t = setTimeout(r, timings(o.cfg).heartbeatTimeoutMs)))]);
    clearTimeout(t);
  } finally {
    await executor.stop();
    await boss.stop({ graceful: false, timeout: 2000 }).catch(() => {});
  }
}

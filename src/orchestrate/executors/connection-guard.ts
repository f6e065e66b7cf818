/**
 * Survive a lost database connection in long-running processes (scheduler, workers, waiting CLI).
 *
 * node-postgres emits 'error' on a pooled client whose socket dies while it is checked out
 * (e.g. PostgreSQL restarts mid-query). pg-pool only listens on idle clients, so that event is
 * unheard and Node turns it into an uncaught exception that kills the process — although the
 * query itself also rejects with the same error, which the caller handles. This guard swallows
 * exactly those connection-loss errors (logged once each) and keeps Node's default for anything
 * else: print the error and exit 1.
 *
 * The proper fix belongs in src/warehouse/db.ts: `pool.on('connect', (c) => c.on('error', () => {}))`.
 * With it this guard never fires.
 */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', '57P01', '57P02', '57P03']);

export function isConnectionLoss(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  if (!err) return false;
  if (err.code && CONNECTION_LOST.has(err.code)) return true;
  return /Connection terminated unexpectedly|terminating connection due to administrator command|the database system is (shutting down|starting up)/.test(err.message ?? '');
}

let installed = false;

export function guardLostConnections(say: (line: string) => void): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', (e) => {
    if (isConnectionLoss(e)) {
      say(`database connection lost (${(e as Error).message}); continuing — the affected queries fail and are retried`);
      return;
    }
    process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
}

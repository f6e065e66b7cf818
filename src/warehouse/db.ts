/**
 * The warehouse: one Kysely interface over two real engines, PGlite (embedded, default)
 * and PostgreSQL (production). Callers never branch on which one they got.
 */
import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import pg from 'pg';
import { redactUrl as redact } from '../domain/redact.ts';
import { migrations } from './migrations/index.ts';
import { Mutex, PGliteDialect } from './pglite-dialect.ts';
import { lockDataDir, type DataDirLock } from './pglite-lock.ts';
import { shareOverSocket, socketUrl, type SharedSocket } from './pglite-socket.ts';
import type { Database } from './schema.ts';

export type Engine = 'pglite' | 'postgres';

export interface Warehouse {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /**
   * What callers may rely on, so that none branches on `engine`: connections go to a server
   * that can drop them (a restart or failover: guard against lost-connection errors), and
   * whether one process owns the database, so a scheduler on it may treat queued tries with
   * no live in-process executor as orphaned.
   */
  readonly capabilities: { readonly connectionsCanDrop: boolean; readonly exclusiveScheduling: boolean };
  /** Where it lives, with any password removed (for logs and `config`). */
  readonly location: string;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type WarehouseTarget =
  | { engine: 'postgres'; url: string }
  | { engine: 'pglite'; dir: string } // a folder on disk
  | { engine: 'pglite'; dir: 'memory' };

const toNumber = (v: string) => Number(v);

function pgPool(url: string, max = 10): pg.Pool {
  const parsers: Record<number, (v: string) => unknown> = {
    20: toNumber, // int8
    1700: toNumber, // numeric
    1082: (v: string) => v, // date stays YYYY-MM-DD
  };
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A client losing its server (restart) must not crash the process: idle clients report on
  // the pool, checked-out ones on themselves; the query in flight still fails and is retried.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}


const SHARE_WAIT_MS = 60_000;

/**
 * Own the data dir (lock it, open PGlite) or, when a live process owns it, connect to the
 * socket it shares the warehouse on (waiting while it is still starting).
 */
async function claimPglite(dir: string): Promise<{ pgl: PGlite; lock: DataDirLock } | { socketDir: string; pid: number }> {
  const parsers = {
    [pgliteTypes.INT8]: toNumber,
    [pgliteTypes.NUMERIC]: toNumber,
    [pgliteTypes.DATE]: (v: string) => v,
  };
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + SHARE_WAIT_MS;
  for (;;) {
    const claim = lockDataDir(dir);
    if ('owned' in claim) {
      try {
        return { pgl: await PGlite.create(dir, { parsers }), lock: claim.owned };
      } catch (e) {
        claim.owned.release();
        throw e;
      }
    }
    if (claim.owner.socket) return { socketDir: claim.owner.socket, pid: claim.owner.pid };
    if (Date.now() > deadline) {
      throw new Error(`the embedded warehouse ${dir} is in use by process ${claim.owner.pid}, which has not shared it within ${SHARE_WAIT_MS / 1000} s; stop it, or point DATABASE_URL at PostgreSQL`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function memoryPglite(): Promise<PGlite> {
  return PGlite.create({ parsers: { [pgliteTypes.INT8]: toNumber, [pgliteTypes.NUMERIC]: toNumber, [pgliteTypes.DATE]: (v: string) => v } });
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Bring the schema to the latest migration; throws with the failing migration's name. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`warehouse migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Open (and migrate) a warehouse. */
export async function openWarehouse(target: WarehouseTarget, opts: { migrate?: boolean } = {}): Promise<Warehouse> {
  let db: Kysely<Database>;
  let location: string;
  let release = () => {};
  let share: (() => Promise<SharedSocket>) | undefined;
  let shared: SharedSocket | undefined;
  // A guest of a shared PGlite loses its connections when the owner stops; a shared owner no
  // longer runs every task itself (guests' schedulers may), so neither schedules exclusively.
  const capabilities = { connectionsCanDrop: target.engine === 'postgres', exclusiveScheduling: target.engine === 'pglite' };
  if (target.engine === 'postgres') {
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pgPool(target.url) }) });
    location = redact(target.url);
  } else if (target.dir === 'memory') {
    db = new Kysely<Database>({ dialect: new PGliteDialect(await memoryPglite()) });
    location = 'pglite (in memory)';
  } else {
    const claim = await claimPglite(target.dir);
    if ('pgl' in claim) {
      const dialect = new PGliteDialect(claim.pgl, new Mutex());
      db = new Kysely<Database>({ dialect });
      location = `pglite ${target.dir}`;
      release = claim.lock.release;
      const { pgl, lock } = claim;
      const dir = target.dir;
      share = async () => {
        const s = await shareOverSocket(pgl, dialect.mutex, dir);
        lock.publish(s.socketDir);
        return s;
      };
    } else {
      // One connection: the same single-session semantics as the owner's own dialect.
      capabilities.connectionsCanDrop = true;
      capabilities.exclusiveScheduling = false;
      db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pgPool(socketUrl(claim.socketDir), 1) }) });
      location = `pglite ${target.dir} (shared by process ${claim.pid} on ${claim.socketDir})`;
    }
  }
  const wh: Warehouse = {
    db,
    engine: target.engine,
    capabilities,
    location,
    async ping() {
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      try {
        await shared?.stop();
        await db.destroy();
      } finally {
        release();
      }
    },
  };
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (e) {
      await wh.close().catch(() => {});
      throw e;
    }
  }
  if (share) {
    try {
      shared = await share();
      capabilities.exclusiveScheduling = false;
    } catch (e) {
      // Still usable by this process; others get the "in use" error after their wait.
      process.emitWarning(`the embedded warehouse is not shared with other processes: ${(e as Error).message}`);
    }
  }
  return wh;
}

/**
 * The warehouse: one Kysely interface over two real engines, PGlite (embedded, default)
 * and PostgreSQL (production). Callers never branch on which one they got.
 */
import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { lockDataDir } from './pglite-lock.ts';
import type { Database } from './schema.ts';

export type Engine = 'pglite' | 'postgres';

export interface Warehouse {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
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

function pgPool(url: string): pg.Pool {
  const parsers: Record<number, (v: string) => unknown> = {
    20: toNumber, // int8
    1700: toNumber, // numeric
    1082: (v: string) => v, // date stays YYYY-MM-DD
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
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

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://***';
  }
}

async function createPglite(dir: string): Promise<{ pgl: PGlite; release: () => void }> {
  const parsers = {
    [pgliteTypes.INT8]: toNumber,
    [pgliteTypes.NUMERIC]: toNumber,
    [pgliteTypes.DATE]: (v: string) => v,
  };
  if (dir === 'memory') return { pgl: await PGlite.create({ parsers }), release: () => {} };
  mkdirSync(dir, { recursive: true });
  const release = lockDataDir(dir);
  try {
    return { pgl: await PGlite.create(dir, { parsers }), release };
  } catch (e) {
    release();
    throw e;
  }
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
  if (target.engine === 'postgres') {
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pgPool(target.url) }) });
    location = redact(target.url);
  } else {
    const opened = await createPglite(target.dir);
    release = opened.release;
    db = new Kysely<Database>({ dialect: new PGliteDialect(opened.pgl) });
    location = target.dir === 'memory' ? 'pglite (in memory)' : `pglite ${target.dir}`;
  }
  const wh: Warehouse = {
    db,
    engine: target.engine,
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
  return wh;
}

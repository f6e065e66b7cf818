/**
 * Run a test against every warehouse engine: PGlite in memory always, and PostgreSQL too when
 * TEST_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/test).
 *
 * One migrated warehouse per engine per test file (PGlite takes seconds to start): created on
 * first use, emptied before each test, closed after the file's last test. For PostgreSQL a
 * fresh database `t2b_<random>` is created through TEST_DATABASE_URL and dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import { after, test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openWarehouse, type Engine, type Warehouse } from '../../src/warehouse/db.ts';

export function testEngines(): Engine[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

interface Managed {
  wh: Warehouse;
  dispose(): Promise<void>;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh migrated warehouse on `engine`; `dispose` closes it (and drops its database). */
export async function createTestWarehouse(engine: Engine): Promise<Managed> {
  if (engine === 'pglite') {
    const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
    return { wh, dispose: () => wh.close() };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `t2b_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  let wh: Warehouse;
  try {
    wh = await openWarehouse({ engine: 'postgres', url: url.toString() });
  } catch (e) {
    await withAdmin((c) => c.query(`drop database if exists ${name}`)).catch(() => {});
    throw e;
  }
  return {
    wh,
    async dispose() {
      await wh.close();
      await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

const shared = new Map<Engine, Promise<Managed>>();
let cleanupRegistered = false;

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  after(async () => {
    const all = [...shared.values()];
    shared.clear();
    for (const m of all) await (await m).dispose();
  });
}

/** The file's shared warehouse for `engine` (created on first use). */
export function sharedWarehouse(engine: Engine): Promise<Warehouse> {
  let m = shared.get(engine);
  if (!m) {
    m = createTestWarehouse(engine);
    shared.set(engine, m);
  }
  return m.then((x) => x.wh);
}

/** Empty every table (identities restarted), except the migration bookkeeping. */
export async function resetWarehouse(wh: Warehouse): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = 'public' and tablename not like 'kysely\\_%'`.execute(wh.db);
  if (rows.length === 0) return;
  await sql`truncate table ${sql.join(rows.map((r) => sql.table(r.name)))} restart identity cascade`.execute(wh.db);
}

export interface EngineTestOptions {
  timeout?: number;
  /** Keep the data of the previous test instead of emptying the warehouse first. */
  keep?: boolean;
}

/**
 * Register `name [pglite]` (and `name [postgres]` when TEST_DATABASE_URL is set), each run on
 * the engine's shared warehouse, emptied first. Call at the top level of a test file.
 */
export function forEachEngine(
  name: string,
  fn: (wh: Warehouse, engine: Engine, t: TestContext) => Promise<void>,
  opts: EngineTestOptions = {},
): void {
  registerCleanup();
  for (const engine of testEngines()) {
    test(`${name} [${engine}]`, { timeout: opts.timeout ?? 120_000 }, async (t) => {
      const wh = await sharedWarehouse(engine);
      if (!opts.keep) await resetWarehouse(wh);
      await fn(wh, engine, t);
    });
  }
}

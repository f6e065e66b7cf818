/**
 * One warehouse per test file: PGlite in memory, or, when TEST_DATABASE_URL is set, a fresh
 * PostgreSQL database created for the file and dropped afterwards. Plus a lake folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { FolderStore } from '../../../src/lake/folder-store.ts';
import { openWarehouse, type Warehouse } from '../../../src/warehouse/db.ts';

export interface TestWarehouse {
  wh: Warehouse;
  /** PostgreSQL URL of the test database (undefined on PGlite). */
  url?: string;
  engine: 'pglite' | 'postgres';
  cleanup(): Promise<void>;
}

/** The engines to test: PGlite always, PostgreSQL too when TEST_DATABASE_URL is set. */
export function engines(): ('pglite' | 'postgres')[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export async function openTestWarehouse(label: string, engine: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite'): Promise<TestWarehouse> {
  const admin = process.env.TEST_DATABASE_URL;
  if (engine === 'pglite' || !admin) {
    const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
    return { wh, engine: 'pglite', cleanup: () => wh.close() };
  }
  const name = `t2b_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const url = u.toString();
  const wh = await openWarehouse({ engine: 'postgres', url });
  return {
    wh,
    url,
    engine: 'postgres',
    async cleanup() {
      await wh.close();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const TABLES = [
  'whoscored_missing_players',
  'whoscored_formations',
  'whoscored_lineups',
  'whoscored_team_stats',
  'whoscored_matches',
  'whoscored_teams',
  'whoscored_raw_pages',
  'whoscored_crawl_runs',
  'match_stats',
  'odds',
  'odds_totals',
  'matches',
  'ingestion_runs',
  'team_aliases',
  'teams',
  'seasons',
  'competitions',
];

/** Empty every table the WhoScored code touches (between tests of one file). */
export async function resetTables(wh: Warehouse): Promise<void> {
  await sql.raw(`truncate ${TABLES.join(', ')} restart identity cascade`).execute(wh.db);
}

export interface TestLake {
  lake: FolderStore;
  dir: string;
  cleanup(): void;
}

export function openTestLake(): TestLake {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-ws-lake-'));
  return { lake: new FolderStore(dir), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Row counts of the tables a crawl writes, for "a rerun adds nothing" checks. */
export async function tableCounts(wh: Warehouse): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES.filter((t) => !['odds', 'odds_totals', 'ingestion_runs', 'whoscored_crawl_runs'].includes(t))) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(wh.db);
    out[t] = r.rows[0].n;
  }
  return out;
}

/** Politeness settings for tests: no waiting, quick timeouts. */
export const FAST = { delayMs: 0, jitterMs: 0, backoffBaseMs: 5, backoffMaxMs: 50, blockBackoffMs: 5, timeoutMs: 2000 } as const;

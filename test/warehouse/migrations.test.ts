/**
 * The warehouse migrations on every engine: the latest schema has the core tables and not the
 * legacy registry of 001_core (dropped by 005_drop_legacy_registry), migrating again is a
 * no-op, and every migration rolls back and forward again, 005's down recreating the legacy
 * tables exactly as 001_core created them.
 */
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { Migrator, NO_MIGRATIONS } from 'kysely/migration';
import { forEachEngine } from '../helpers/warehouses.ts';
import { migrate } from '../../src/warehouse/db.ts';
import { migrations } from '../../src/warehouse/migrations/index.ts';

const LEGACY = ['model_aliases', 'model_versions'];
const CORE = [
  'competitions', 'seasons', 'teams', 'team_aliases', 'ingestion_runs', 'matches', 'match_stats', 'odds', 'odds_totals',
  'whoscored_crawl_runs', 'whoscored_matches',
  'tracking_experiments', 'tracking_runs', 'tracking_metrics', 'registry_models', 'registry_model_versions', 'registry_aliases',
  'dag_runs', 'task_instances', 'task_tries', 'dag_state',
];

/** Base tables of the public schema, migration bookkeeping excluded, sorted. */
async function tables(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely\\_%'
    order by table_name`.execute(db);
  return rows.map((r) => r.name);
}

interface Definition {
  columns: unknown[];
  constraints: unknown[];
  indexes: unknown[];
}

/** Columns, constraints (not-null ones are in `columns`: only some versions list them) and indexes of `table`. */
async function definition(db: Kysely<any>, table: string): Promise<Definition> {
  const columns = await sql`
    select column_name, data_type, is_nullable, column_default from information_schema.columns
    where table_schema = 'public' and table_name = ${table} order by ordinal_position`.execute(db);
  const constraints = await sql`
    select c.conname, pg_get_constraintdef(c.oid) as def from pg_constraint c
    join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and t.relname = ${table} and c.contype <> 'n' order by c.conname`.execute(db);
  const indexes = await sql`
    select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = ${table}
    order by indexname`.execute(db);
  return { columns: columns.rows, constraints: constraints.rows, indexes: indexes.rows };
}

async function migrateTo(db: Kysely<any>, target: string | typeof NO_MIGRATIONS): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(target);
  if (error) throw error;
}

forEachEngine('the migrated warehouse has the core tables and not the legacy registry tables', async (wh) => {
  const present = await tables(wh.db);
  for (const t of CORE) assert.ok(present.includes(t), `table ${t} exists`);
  for (const t of LEGACY) assert.ok(!present.includes(t), `legacy table ${t} is dropped`);
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(wh.db);
  assert.deepEqual(rows.map((r) => r.name), Object.keys(migrations).sort());
  assert.ok(Object.keys(migrations).includes('005_drop_legacy_registry'));
});

forEachEngine('migrating an up-to-date warehouse again is a no-op', async (wh) => {
  const before = await tables(wh.db);
  assert.deepEqual(await migrate(wh.db), []);
  assert.deepEqual(await migrate(wh.db), []);
  assert.deepEqual(await tables(wh.db), before);
});

forEachEngine('every migration rolls back and forward; 005 down recreates the legacy tables as 001 made them', async (wh) => {
  const latest = await tables(wh.db);
  await migrateTo(wh.db, '005_drop_legacy_registry'); // later migrations roll back first
  const at005 = await tables(wh.db);

  await migrateTo(wh.db, '004_orchestration');
  assert.deepEqual(await tables(wh.db), [...at005, ...LEGACY].sort());
  const recreated = await Promise.all(LEGACY.map((t) => definition(wh.db, t)));
  assert.deepEqual(recreated.map((d) => [d.columns.length, d.constraints.length, d.indexes.length]), [[4, 2, 1], [7, 1, 1]]);

  await migrateTo(wh.db, NO_MIGRATIONS);
  assert.deepEqual(await tables(wh.db), []);

  await migrateTo(wh.db, '001_core');
  assert.deepEqual(await Promise.all(LEGACY.map((t) => definition(wh.db, t))), recreated);

  // From 001 to the latest, then once more: the second run applies nothing.
  assert.deepEqual(await migrate(wh.db), Object.keys(migrations).slice(1));
  assert.deepEqual(await migrate(wh.db), []);
  assert.deepEqual(await tables(wh.db), latest);
});

/** Registered models: create, read, search, rename, delete, tags, and aliases (`models:/name@alias`). */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { alreadyExists, invalidParameter, isUniqueViolation } from '../errors.ts';
import { decodePageToken, encodePageToken, parseFilter, parseOrderBy } from '../filter.ts';
import { LIMITS, parseModelVersion, validateAlias, validateModelName, validateRegistryTag } from '../validation.ts';
import { compact, compare, expect, keyValues, maxResults, STRING_COMPARATORS } from './sql.ts';
import { getModelVersion, latestVersions, modelMissing, versionMissing, DELETED_STAGE, type ModelVersionJson } from './model-versions.ts';
import type { RegistryModelsTable } from './tables.ts';
import { refuseIfModelAliased } from './guards.ts';

type Db = Kysely<Database>;
type KV = { key: string; value: string };

export interface RegisteredModelJson {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: ModelVersionJson[];
  tags?: KV[];
  aliases?: { alias: string; version: string }[];
}

async function modelsJson(db: Db, rows: readonly RegistryModelsTable[]): Promise<RegisteredModelJson[]> {
  if (rows.length === 0) return [];
  const names = rows.map((r) => r.name);
  const [tags, aliases] = await Promise.all([
    db.selectFrom('registry_model_tags').selectAll().where('name', 'in', names).orderBy('key').execute(),
    db.selectFrom('registry_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute(),
  ]);
  const out: RegisteredModelJson[] = [];
  for (const r of rows) {
    out.push(
      compact({
        name: r.name,
        creation_timestamp: r.creation_timestamp,
        last_updated_timestamp: r.last_updated_timestamp,
        description: r.description ?? undefined,
        latest_versions: await latestVersions(db, r.name),
        tags: keyValues(tags.filter((t) => t.name === r.name)),
        aliases: aliases.filter((a) => a.name === r.name).map((a) => ({ alias: a.alias, version: String(a.version) })),
      }),
    );
  }
  return out;
}

async function modelRow(db: Db, name: string): Promise<RegistryModelsTable> {
  validateModelName(name);
  const row = await db.selectFrom('registry_models').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw modelMissing(name);
  return row;
}

export async function getRegisteredModel(db: Db, name: string): Promise<RegisteredModelJson> {
  return (await modelsJson(db, [await modelRow(db, name)]))[0]!;
}

export async function createRegisteredModel(db: Db, req: { name: string; description?: string; tags?: KV[] }, now: number): Promise<RegisteredModelJson> {
  validateModelName(req.name);
  const tags = (req.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }));
  for (const t of tags) validateRegistryTag('Registered model', t.key, t.value);
  try {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('registry_models').values({ name: req.name, creation_timestamp: now, last_updated_timestamp: now, description: req.description || null }).execute();
      if (tags.length) await trx.insertInto('registry_model_tags').values(tags.map((t) => ({ name: req.name, ...t }))).execute();
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw alreadyExists(`Registered Model (name=${req.name}) already exists.`);
    throw e;
  }
  return getRegisteredModel(db, req.name);
}

export async function updateRegisteredModel(db: Db, name: string, description: string | undefined, now: number): Promise<RegisteredModelJson> {
  const row = await modelRow(db, name);
  await db.updateTable('registry_models').set({ description: description ?? row.description, last_updated_timestamp: now }).where('name', '=', name).execute();
  return getRegisteredModel(db, name);
}

export async function renameRegisteredModel(db: Db, name: string, newName: string, now: number): Promise<RegisteredModelJson> {
  await modelRow(db, name);
  validateModelName(newName);
  try {
    await db.updateTable('registry_models').set({ name: newName, last_updated_timestamp: now }).where('name', '=', name).execute();
  } catch (e) {
    if (isUniqueViolation(e)) throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
    throw e;
  }
  return getRegisteredModel(db, newName);
}

export async function deleteRegisteredModel(db: Db, name: string): Promise<void> {
  await modelRow(db, name);
  await refuseIfModelAliased(db, name);
  await db.deleteFrom('registry_models').where('name', '=', name).execute();
}

export async function setRegisteredModelTag(db: Db, name: string, tag: KV): Promise<void> {
  validateRegistryTag('Registered model', tag.key, tag.value);
  await modelRow(db, name);
  await db
    .insertInto('registry_model_tags')
    .values({ name, key: tag.key, value: tag.value })
    .onConflict((oc) => oc.columns(['name', 'key']).doUpdateSet({ value: tag.value }))
    .execute();
}

export async function deleteRegisteredModelTag(db: Db, name: string, key: string): Promise<void> {
  await modelRow(db, name);
  await db.deleteFrom('registry_model_tags').where('name', '=', name).where('key', '=', key).execute();
}

const ORDER = new Map<string, string>([
  ['name', 'name'],
  ['timestamp', 'creation_timestamp'],
  ['creation_timestamp', 'creation_timestamp'],
  ['last_updated_timestamp', 'last_updated_timestamp'],
]);

export async function searchRegisteredModels(
  db: Db,
  req: { filter?: string; max_results?: number; order_by?: string[]; page_token?: string },
): Promise<{ registered_models?: RegisteredModelJson[]; next_page_token?: string }> {
  const limit = maxResults(req.max_results, LIMITS.searchRegisteredModelsDefault, LIMITS.searchRegisteredModelsMaxResults);
  const offset = decodePageToken(req.page_token);
  const where: RawBuilder<unknown>[] = [sql`true`];
  for (const c of parseFilter(req.filter)) {
    if (c.type === 'tag') {
      expect(c, 'string', STRING_COMPARATORS, 'tag');
      where.push(sql`exists (select 1 from registry_model_tags t where t.name = m.name and t.key = ${c.key} and ${compare(sql.ref('t.value'), c)})`);
    } else if (c.type === 'attribute' && c.key === 'name') {
      expect(c, 'string', STRING_COMPARATORS, 'attribute');
      where.push(compare(sql.ref('m.name'), c));
    } else {
      throw invalidParameter(`Invalid attribute key '${c.key}' specified. Valid keys are '['name']'`);
    }
  }
  const order: RawBuilder<unknown>[] = [];
  for (const clause of req.order_by ?? []) {
    const o = parseOrderBy(clause);
    const col = o.type === 'attribute' ? ORDER.get(o.key) : undefined;
    if (!col) throw invalidParameter(`Invalid order by key '${o.key}' specified. Valid keys are '${JSON.stringify([...ORDER.keys()])}'`);
    order.push(sql`${sql.ref(`m.${col}`)} ${sql.raw(o.asc ? 'asc' : 'desc')}`);
  }
  order.push(sql`m.name asc`);
  const rows = await sql<RegistryModelsTable>`select m.* from registry_models m where ${sql.join(where, sql` and `)}
    order by ${sql.join(order)} limit ${limit + 1} offset ${offset}`.execute(db);
  return compact({
    registered_models: await modelsJson(db, rows.rows.slice(0, limit)),
    next_page_token: rows.rows.length > limit ? encodePageToken(offset + limit) : undefined,
  });
}

/** Point an alias at a version; an existing alias moves (promotion and rollback work this way). */
export async function setAlias(db: Db, name: string, alias: string, version: string): Promise<void> {
  validateAlias(alias);
  await modelRow(db, name);
  const v = parseModelVersion(version);
  const exists = await db
    .selectFrom('registry_model_versions')
    .select('version')
    .where('name', '=', name)
    .where('version', '=', v)
    .where('current_stage', '<>', DELETED_STAGE)
    .executeTakeFirst();
  if (!exists) throw versionMissing(name, version);
  await db
    .insertInto('registry_aliases')
    .values({ name, alias, version: v })
    .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version: v }))
    .execute();
}

export async function deleteAlias(db: Db, name: string, alias: string): Promise<void> {
  validateAlias(alias);
  await modelRow(db, name);
  await db.deleteFrom('registry_aliases').where('name', '=', name).where('alias', '=', alias).execute();
}

export async function getByAlias(db: Db, name: string, alias: string): Promise<ModelVersionJson> {
  await modelRow(db, name);
  const row = await db.selectFrom('registry_aliases').select('version').where('name', '=', name).where('alias', '=', alias).executeTakeFirst();
  if (!row) throw invalidParameter(`Registered model alias ${alias} not found.`);
  return getModelVersion(db, name, row.version);
}

/** Model versions of registered models: numbered per model, never reused; tags; legacy stages. */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { invalidParameter, notFound } from '../errors.ts';
import { decodePageToken, encodePageToken, parseFilter, parseOrderBy } from '../filter.ts';
import { LIMITS, parseModelVersion, validateModelName, validateRegistryTag } from '../validation.ts';
import { compact, compare, expect, keyValues, maxResults, NUMERIC_COMPARATORS, STRING_COMPARATORS } from './sql.ts';
import type { RegistryModelVersionsTable } from './tables.ts';
import type { ObjectStore } from '../../lake/store.ts';
import { artifactManifest } from './artifacts.ts';
import { refuseIfVersionAliased } from './guards.ts';

type Db = Kysely<Database>;
type KV = { key: string; value: string };
type VersionRow = Omit<RegistryModelVersionsTable, 'current_stage' | 'status'> & { current_stage: string; status: string };

export const DELETED_STAGE = 'Deleted_Internal';
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

export interface ModelVersionJson {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  status: string;
  status_message?: string;
  tags?: KV[];
  run_link?: string;
  aliases?: string[];
}

export const modelMissing = (name: string) => notFound(`Registered Model with name=${name} not found`);
export const versionMissing = (name: string, version: string | number) => notFound(`Model Version (name=${name}, version=${version}) not found`);

export async function versionsJson(db: Db, rows: readonly VersionRow[]): Promise<ModelVersionJson[]> {
  if (rows.length === 0) return [];
  const names = [...new Set(rows.map((r) => r.name))];
  const [tags, aliases] = await Promise.all([
    db.selectFrom('registry_model_version_tags').selectAll().where('name', 'in', names).orderBy('key').execute(),
    db.selectFrom('registry_aliases').selectAll().where('name', 'in', names).orderBy('alias').execute(),
  ]);
  return rows.map((r) =>
    compact({
      name: r.name,
      version: String(r.version),
      creation_timestamp: r.creation_timestamp,
      last_updated_timestamp: r.last_updated_timestamp,
      user_id: r.user_id ?? undefined,
      current_stage: r.current_stage,
      description: r.description ?? undefined,
      source: r.source,
      run_id: r.run_id ?? undefined,
      status: r.status,
      status_message: r.status_message ?? undefined,
      tags: keyValues(tags.filter((t) => t.name === r.name && t.version === r.version)),
      run_link: r.run_link ?? undefined,
      aliases: aliases.filter((a) => a.name === r.name && a.version === r.version).map((a) => a.alias),
    }),
  );
}

async function versionRow(db: Db, name: string, version: string | number): Promise<VersionRow> {
  validateModelName(name);
  const v = parseModelVersion(version);
  const row = await db
    .selectFrom('registry_model_versions')
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', v)
    .where('current_stage', '<>', DELETED_STAGE)
    .executeTakeFirst();
  if (!row) throw versionMissing(name, version);
  return row;
}

export async function getModelVersion(db: Db, name: string, version: string | number): Promise<ModelVersionJson> {
  return (await versionsJson(db, [await versionRow(db, name, version)]))[0]!;
}

export async function createModelVersion(
  db: Db,
  req: { name: string; source: string; run_id?: string; run_link?: string; description?: string; tags?: KV[] },
  now: number,
  lake: ObjectStore,
): Promise<ModelVersionJson> {
  validateModelName(req.name);
  const tags = (req.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }));
  for (const t of tags) validateRegistryTag('Model version', t.key, t.value);
  // The server's own checksums of the artifacts, read from the lake now; no route writes them later.
  const manifest = await artifactManifest(lake, req.source);
  const version = await db.transaction().execute(async (trx) => {
    // Lock the model row: concurrent registrations get consecutive numbers.
    const model = await sql`select name from registry_models where name = ${req.name} for update`.execute(trx);
    if (model.rows.length === 0) throw modelMissing(req.name);
    const last = await trx.selectFrom('registry_model_versions').select((eb) => eb.fn.max('version').as('v')).where('name', '=', req.name).executeTakeFirst();
    const v = Number(last?.v ?? 0) + 1;
    await trx
      .insertInto('registry_model_versions')
      .values({
        name: req.name,
        version: v,
        creation_timestamp: now,
        last_updated_timestamp: now,
        description: req.description || null,
        user_id: null,
        source: req.source,
        run_id: req.run_id || null,
        run_link: req.run_link || null,
        status_message: null,
        artifact_sha256: manifest ? JSON.stringify(manifest) : null,
      })
      .execute();
    if (tags.length) await trx.insertInto('registry_model_version_tags').values(tags.map((t) => ({ name: req.name, version: v, ...t }))).execute();
    await trx.updateTable('registry_models').set({ last_updated_timestamp: now }).where('name', '=', req.name).execute();
    return v;
  });
  return getModelVersion(db, req.name, version);
}

/**
 * The checksums the server computed when the version was created (`{path under source: sha256}`;
 * a column no route writes), or {} for a version without them. Not part of MLflow's API.
 */
export async function artifactChecksums(db: Db, name: string, version: string): Promise<{ checksums?: Record<string, string> }> {
  const row = await versionRow(db, name, version);
  return row.artifact_sha256 ? { checksums: JSON.parse(row.artifact_sha256) as Record<string, string> } : {};
}

export async function updateModelVersion(db: Db, name: string, version: string, description: string | undefined, now: number): Promise<ModelVersionJson> {
  const row = await versionRow(db, name, version);
  await db
    .updateTable('registry_model_versions')
    .set({ description: description ?? row.description, last_updated_timestamp: now })
    .where('name', '=', name)
    .where('version', '=', row.version)
    .execute();
  return getModelVersion(db, name, version);
}

/** Deleting keeps the number taken (as MLflow does): the row is marked, its tags and aliases go. */
export async function deleteModelVersion(db: Db, name: string, version: string, now: number): Promise<void> {
  const row = await versionRow(db, name, version);
  await refuseIfVersionAliased(db, name, row.version);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('registry_aliases').where('name', '=', name).where('version', '=', row.version).execute();
    await trx.deleteFrom('registry_model_version_tags').where('name', '=', name).where('version', '=', row.version).execute();
    await trx
      .updateTable('registry_model_versions')
      .set({ current_stage: DELETED_STAGE, description: null, user_id: null, run_id: null, run_link: null, status_message: null, last_updated_timestamp: now })
      .where('name', '=', name)
      .where('version', '=', row.version)
      .execute();
  });
}

export async function setModelVersionTag(db: Db, name: string, version: string, tag: KV): Promise<void> {
  validateRegistryTag('Model version', tag.key, tag.value);
  const row = await versionRow(db, name, version);
  await db
    .insertInto('registry_model_version_tags')
    .values({ name, version: row.version, key: tag.key, value: tag.value })
    .onConflict((oc) => oc.columns(['name', 'version', 'key']).doUpdateSet({ value: tag.value }))
    .execute();
}

export async function deleteModelVersionTag(db: Db, name: string, version: string, key: string): Promise<void> {
  const row = await versionRow(db, name, version);
  await db.deleteFrom('registry_model_version_tags').where('name', '=', name).where('version', '=', row.version).where('key', '=', key).execute();
}

export function canonicalStage(stage: string): string {
  const s = STAGES.find((x) => x.toLowerCase() === stage.toLowerCase());
  if (!s) throw invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  return s;
}

/** Legacy stages (deprecated in MLflow 2.9 in favour of aliases), kept for old clients. */
export async function transitionStage(db: Db, name: string, version: string, stage: string, archiveExisting: boolean, now: number): Promise<ModelVersionJson> {
  const to = canonicalStage(stage);
  const row = await versionRow(db, name, version);
  await db.transaction().execute(async (trx) => {
    if (archiveExisting && (to === 'Staging' || to === 'Production')) {
      await trx
        .updateTable('registry_model_versions')
        .set({ current_stage: 'Archived', last_updated_timestamp: now })
        .where('name', '=', name)
        .where('current_stage', '=', to)
        .where('version', '<>', row.version)
        .execute();
    }
    await trx.updateTable('registry_model_versions').set({ current_stage: to, last_updated_timestamp: now }).where('name', '=', name).where('version', '=', row.version).execute();
  });
  return getModelVersion(db, name, version);
}

/** The newest version in each stage (or in the given stages). */
export async function latestVersions(db: Db, name: string, stages?: string[]): Promise<ModelVersionJson[]> {
  const wanted = stages?.length ? stages.map(canonicalStage) : undefined;
  const rows = await sql<VersionRow>`
    select distinct on (current_stage) * from registry_model_versions
    where name = ${name} and current_stage <> ${DELETED_STAGE}
    ${wanted ? sql`and current_stage in (${sql.join(wanted)})` : sql``}
    order by current_stage, version desc`.execute(db);
  return versionsJson(db, [...rows.rows].sort((a, b) => a.version - b.version));
}

const ORDER = new Map<string, string>([
  ['name', 'name'],
  ['version_number', 'version'],
  ['creation_timestamp', 'creation_timestamp'],
  ['timestamp', 'creation_timestamp'],
  ['last_updated_timestamp', 'last_updated_timestamp'],
]);

export async function searchModelVersions(
  db: Db,
  req: { filter?: string; max_results?: number; order_by?: string[]; page_token?: string },
): Promise<{ model_versions?: ModelVersionJson[]; next_page_token?: string }> {
  const limit = maxResults(req.max_results, LIMITS.searchModelVersionsDefault, LIMITS.searchModelVersionsMaxResults);
  const offset = decodePageToken(req.page_token);
  const where: RawBuilder<unknown>[] = [sql`v.current_stage <> ${DELETED_STAGE}`];
  for (const c of parseFilter(req.filter)) {
    if (c.type === 'tag') {
      expect(c, 'string', STRING_COMPARATORS, 'tag');
      where.push(sql`exists (select 1 from registry_model_version_tags t where t.name = v.name and t.version = v.version and t.key = ${c.key} and ${compare(sql.ref('t.value'), c)})`);
    } else if (c.type === 'attribute' && (c.key === 'name' || c.key === 'source_path')) {
      expect(c, 'string', STRING_COMPARATORS, 'attribute');
      where.push(compare(sql.ref(c.key === 'name' ? 'v.name' : 'v.source'), c));
    } else if (c.type === 'attribute' && c.key === 'run_id') {
      expect(c, c.value.kind === 'list' ? 'list' : 'string', new Set(['=', '!=', 'IN', 'NOT IN']), 'attribute');
      where.push(compare(sql.ref('v.run_id'), c));
    } else if (c.type === 'attribute' && c.key === 'version_number') {
      expect(c, 'number', NUMERIC_COMPARATORS, 'numeric attribute: version_number');
      where.push(compare(sql.ref('v.version'), c));
    } else {
      throw invalidParameter(`Invalid attribute key '${c.key}' specified. Valid keys are '['name', 'run_id', 'source_path', 'version_number']'`);
    }
  }
  const order: RawBuilder<unknown>[] = [];
  for (const clause of req.order_by ?? []) {
    const o = parseOrderBy(clause);
    const col = o.type === 'attribute' ? ORDER.get(o.key) : undefined;
    if (!col) throw invalidParameter(`Invalid order by key '${o.key}' specified. Valid keys are ${JSON.stringify([...ORDER.keys()])}`);
    order.push(sql`${sql.ref(`v.${col}`)} ${sql.raw(o.asc ? 'asc' : 'desc')}`);
  }
  order.push(sql`v.name asc`, sql`v.version desc`);
  const rows = await sql<VersionRow>`select v.* from registry_model_versions v where ${sql.join(where, sql` and `)}
    order by ${sql.join(order)} limit ${limit + 1} offset ${offset}`.execute(db);
  return compact({
    model_versions: await versionsJson(db, rows.rows.slice(0, limit)),
    next_page_token: rows.rows.length > limit ? encodePageToken(offset + limit) : undefined,
  });
}

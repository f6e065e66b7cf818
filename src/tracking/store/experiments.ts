/** Experiments: create, read, search, rename, delete/restore, tags (MLflow semantics). */
import { refuseIfExperimentAliased } from './guards.ts';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { alreadyExists, invalidParameter, invalidState, isUniqueViolation, notFound } from '../errors.ts';
import { decodePageToken, encodePageToken, parseFilter, parseOrderBy } from '../filter.ts';
import { LIMITS, validateExperimentName, validateExperimentTag } from '../validation.ts';
import { compact, compare, expect, keyValues, maxResults, NUMERIC_COMPARATORS, STRING_COMPARATORS } from './sql.ts';

type Db = Kysely<Database>;

export interface ExperimentJson {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  last_update_time: number;
  creation_time: number;
  tags?: { key: string; value: string }[];
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** Experiment ids are integers here; anything else names no experiment. */
export function experimentIdNumber(id: string): number | undefined {
  return /^\d{1,9}$/.test(id) ? Number(id) : undefined;
}

const missing = (id: string) => notFound(`No Experiment with id=${id} exists`);

export async function createExperiment(
  db: Db,
  req: { name: string; artifact_location?: string; tags?: { key: string; value: string }[] },
  now: number,
): Promise<string> {
  validateExperimentName(req.name);
  if (req.artifact_location?.startsWith('runs:')) {
    throw invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${req.artifact_location}'`);
  }
  for (const t of req.tags ?? []) validateExperimentTag(t.key, t.value);
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('tracking_experiments')
        .values({ name: req.name, artifact_location: req.artifact_location || '', creation_time: now, last_update_time: now })
        .returning('experiment_id')
        .executeTakeFirstOrThrow();
      const id = row.experiment_id;
      if (!req.artifact_location) {
        await trx.updateTable('tracking_experiments').set({ artifact_location: `mlflow-artifacts:/${id}` }).where('experiment_id', '=', id).execute();
      }
      if (req.tags?.length) {
        await trx.insertInto('tracking_experiment_tags').values(req.tags.map((t) => ({ experiment_id: id, key: t.key, value: t.value ?? '' }))).execute();
      }
      return String(id);
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw alreadyExists(`Experiment(name=${req.name}) already exists.`);
    throw e;
  }
}

interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

async function withTags(db: Db, rows: readonly ExperimentRow[]): Promise<ExperimentJson[]> {
  if (rows.length === 0) return [];
  const tags = await db.selectFrom('tracking_experiment_tags').selectAll().where('experiment_id', 'in', rows.map((r) => r.experiment_id)).orderBy('key').execute();
  return rows.map((r) =>
    compact({
      experiment_id: String(r.experiment_id),
      name: r.name,
      artifact_location: r.artifact_location,
      lifecycle_stage: r.lifecycle_stage,
      last_update_time: r.last_update_time,
      creation_time: r.creation_time,
      tags: keyValues(tags.filter((t) => t.experiment_id === r.experiment_id)),
    }),
  );
}

export async function getExperiment(db: Db, id: string): Promise<ExperimentJson> {
  const n = experimentIdNumber(id);
  const find = () => (n === undefined ? undefined : db.selectFrom('tracking_experiments').selectAll().where('experiment_id', '=', n).executeTakeFirst());
  let row = await find();
  if (!row && n === 0) {
    // MLflow's store recreates the Default experiment when it is missing (e.g. after a truncate).
    const now = Date.now();
    await db
      .insertInto('tracking_experiments')
      .values({ experiment_id: 0, name: 'Default', artifact_location: 'mlflow-artifacts:/0', creation_time: now, last_update_time: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
    row = await find();
  }
  if (!row) throw missing(id);
  return (await withTags(db, [row]))[0]!;
}

export async function getExperimentByName(db: Db, name: string): Promise<ExperimentJson | undefined> {
  const row = await db.selectFrom('tracking_experiments').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? (await withTags(db, [row]))[0] : undefined;
}

export function lifecycleCondition(column: RawBuilder<unknown>, view: ViewType): RawBuilder<unknown> {
  if (view === 'ALL') return sql`true`;
  return sql`${column} = ${view === 'DELETED_ONLY' ? 'deleted' : 'active'}`;
}

/** order_by keys (a Map: the key comes from the client, "constructor" is no column). */
const EXPERIMENT_COLUMNS = new Map<string, string>([
  ['name', 'name'],
  ['experiment_id', 'experiment_id'],
  ['creation_time', 'creation_time'],
  ['last_update_time', 'last_update_time'],
]);

export async function searchExperiments(
  db: Db,
  req: { view_type: ViewType; max_results?: number; filter?: string; order_by?: string[]; page_token?: string },
): Promise<{ experiments?: ExperimentJson[]; next_page_token?: string }> {
  const limit = maxResults(req.max_results, LIMITS.searchRunsDefault, LIMITS.searchExperimentsMaxResults);
  const offset = decodePageToken(req.page_token);
  const where: RawBuilder<unknown>[] = [lifecycleCondition(sql.ref('e.lifecycle_stage'), req.view_type)];
  for (const c of parseFilter(req.filter)) {
    if (c.type === 'tag') {
      expect(c, 'string', STRING_COMPARATORS, 'tag');
      where.push(sql`exists (select 1 from tracking_experiment_tags t where t.experiment_id = e.experiment_id and t.key = ${c.key} and ${compare(sql.ref('t.value'), c)})`);
    } else if (c.type === 'attribute' && c.key === 'name') {
      expect(c, 'string', STRING_COMPARATORS, 'attribute');
      where.push(compare(sql.ref('e.name'), c));
    } else if (c.type === 'attribute' && (c.key === 'creation_time' || c.key === 'last_update_time')) {
      expect(c, 'number', NUMERIC_COMPARATORS, `numeric attribute: ${c.key}`);
      where.push(compare(sql.ref(`e.${c.key}`), c));
    } else {
      throw invalidParameter(`Invalid attribute key '${c.key}' specified. Valid keys are '['name', 'creation_time', 'last_update_time']'`);
    }
  }
  const order: RawBuilder<unknown>[] = [];
  for (const clause of req.order_by ?? []) {
    const o = parseOrderBy(clause);
    const col = o.type === 'attribute' ? EXPERIMENT_COLUMNS.get(o.key) : undefined;
    if (!col) throw invalidParameter(`Invalid order_by entity: ${clause}`);
    order.push(sql`${sql.ref(`e.${col}`)} ${sql.raw(o.asc ? 'asc' : 'desc')}`);
  }
  order.push(sql`e.creation_time desc`, sql`e.experiment_id asc`);
  const rows = await sql<ExperimentRow>`
    select e.* from tracking_experiments e where ${sql.join(where, sql` and `)}
    order by ${sql.join(order)} limit ${limit + 1} offset ${offset}`.execute(db);
  const page = rows.rows.slice(0, limit);
  return compact({
    experiments: await withTags(db, page),
    next_page_token: rows.rows.length > limit ? encodePageToken(offset + limit) : undefined,
  });
}

async function touch(db: Db, id: string, set: Partial<{ lifecycle_stage: 'active' | 'deleted'; name: string }>, now: number): Promise<void> {
  const n = experimentIdNumber(id);
  const r = n === undefined ? undefined : await db.updateTable('tracking_experiments').set({ ...set, last_update_time: now }).where('experiment_id', '=', n).executeTakeFirst();
  if (!r || Number(r.numUpdatedRows) === 0) throw missing(id);
}

export async function setExperimentLifecycle(db: Db, id: string, stage: 'active' | 'deleted', now: number): Promise<void> {
  if (stage === 'deleted' && id === '0') throw invalidParameter('Cannot delete the default experiment \'0\'. This is an internally reserved experiment.');
  if (stage === 'deleted') await refuseIfExperimentAliased(db, id);
  await db.transaction().execute(async (trx) => {
    await touch(trx, id, { lifecycle_stage: stage }, now);
    await trx.updateTable('tracking_runs').set({ lifecycle_stage: stage }).where('experiment_id', '=', Number(id)).execute();
  });
}

export async function renameExperiment(db: Db, id: string, newName: string, now: number): Promise<void> {
  validateExperimentName(newName);
  const e = await getExperiment(db, id);
  if (e.lifecycle_stage !== 'active') throw invalidState('Cannot rename a non-active experiment.');
  try {
    await touch(db, id, { name: newName }, now);
  } catch (err) {
    if (isUniqueViolation(err)) throw alreadyExists(`Experiment(name=${newName}) already exists.`);
    throw err;
  }
}

export async function setExperimentTag(db: Db, id: string, key: string, value: string): Promise<void> {
  validateExperimentTag(key, value);
  const e = await getExperiment(db, id);
  await db
    .insertInto('tracking_experiment_tags')
    .values({ experiment_id: Number(e.experiment_id), key, value })
    .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet({ value }))
    .execute();
}

export async function deleteExperimentTag(db: Db, id: string, key: string): Promise<void> {
  const e = await getExperiment(db, id);
  const r = await db.deleteFrom('tracking_experiment_tags').where('experiment_id', '=', Number(e.experiment_id)).where('key', '=', key).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound(`No tag with name: ${key} in experiment with id ${id}`);
}

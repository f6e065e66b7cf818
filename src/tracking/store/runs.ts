/** Runs and what is logged to them: params (immutable), metrics (full history), tags. */
import { refuseIfRunAliased } from './guards.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { invalidParameter, invalidState, notFound } from '../errors.ts';
import {
  validateBatchLimits,
  validateMetric,
  validateParam,
  validateParamKeysUnique,
  validateTag,
  type MetricInput,
} from '../validation.ts';
import { compact, jsonDouble, keyValues, type JsonDouble } from './sql.ts';
import { getExperiment } from './experiments.ts';
import type { RunStatus } from './tables.ts';

type Db = Kysely<Database>;
type KV = { key: string; value: string };

export interface MetricJson {
  key: string;
  value: JsonDouble;
  timestamp: number;
  step: number;
}
export interface RunInfoJson {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: string;
}
export interface RunJson {
  info: RunInfoJson;
  data: { metrics?: MetricJson[]; params?: KV[]; tags?: KV[] };
  inputs: Record<string, never>;
}

export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export const RUN_NAME_TAG = 'mlflow.runName';

const ADJECTIVES = ['amber', 'bold', 'calm', 'deft', 'eager', 'fleet', 'grand', 'hardy', 'keen', 'lucid', 'nimble', 'quick', 'steady', 'swift', 'vivid'];
const NOUNS = ['striker', 'keeper', 'winger', 'libero', 'sweeper', 'playmaker', 'captain', 'derby', 'volley', 'header', 'corner', 'tackle'];
function generatedRunName(): string {
  const b = randomBytes(3);
  return `${ADJECTIVES[b[0]! % ADJECTIVES.length]}-${NOUNS[b[1]! % NOUNS.length]}-${b[2]! % 1000}`;
}

interface RunRow {
  run_uuid: string;
  experiment_id: number;
  run_name: string;
  user_id: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: string;
}

function infoJson(r: RunRow): RunInfoJson {
  return compact({
    run_id: r.run_uuid,
    run_uuid: r.run_uuid,
    run_name: r.run_name,
    experiment_id: String(r.experiment_id),
    user_id: r.user_id,
    status: r.status,
    start_time: r.start_time ?? undefined,
    end_time: r.end_time ?? undefined,
    artifact_uri: r.artifact_uri,
    lifecycle_stage: r.lifecycle_stage,
  });
}

/** Runs with their params, tags and latest metric values, in the order of `ids`. */
export async function loadRuns(db: Db, ids: readonly string[]): Promise<RunJson[]> {
  if (ids.length === 0) return [];
  const list = [...ids];
  const [runs, params, tags, metrics] = await Promise.all([
    db.selectFrom('tracking_runs').selectAll().where('run_uuid', 'in', list).execute(),
    db.selectFrom('tracking_params').selectAll().where('run_uuid', 'in', list).orderBy('key').execute(),
    db.selectFrom('tracking_tags').selectAll().where('run_uuid', 'in', list).orderBy('key').execute(),
    sql<{ run_uuid: string; key: string; value: number; timestamp: number; step: number }>`
      select distinct on (run_uuid, key) run_uuid, key, value, timestamp, step from tracking_metrics
      where run_uuid in (${sql.join(list)}) order by run_uuid, key, step desc, timestamp desc, value desc`.execute(db),
  ]);
  const byId = new Map(runs.map((r) => [r.run_uuid, r as RunRow]));
  return list.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const data = compact({
      metrics: metrics.rows.filter((m) => m.run_uuid === id).map((m) => ({ key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step })),
      params: keyValues(params.filter((p) => p.run_uuid === id)),
      tags: keyValues(tags.filter((t) => t.run_uuid === id)),
    });
    return [{ info: infoJson(r), data, inputs: {} }];
  });
}

async function runRow(db: Db, runId: string): Promise<RunRow> {
  const r = await db.selectFrom('tracking_runs').selectAll().where('run_uuid', '=', runId).executeTakeFirst();
  if (!r) throw notFound(`Run with id=${runId} not found`);
  return r as RunRow;
}

async function activeRun(db: Db, runId: string): Promise<RunRow> {
  const r = await runRow(db, runId);
  if (r.lifecycle_stage !== 'active') {
    throw invalidState(`The run ${runId} must be in the 'active' state. Current state is ${r.lifecycle_stage}.`);
  }
  return r;
}

export async function getRun(db: Db, runId: string): Promise<RunJson> {
  await runRow(db, runId);
  return (await loadRuns(db, [runId]))[0]!;
}

export async function createRun(
  db: Db,
  req: { experiment_id?: string; user_id?: string; run_name?: string; start_time?: number; tags?: KV[] },
  now: number,
): Promise<RunJson> {
  const exp = await getExperiment(db, req.experiment_id || '0');
  if (exp.lifecycle_stage !== 'active') {
    throw invalidState(`The experiment ${exp.experiment_id} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
  }
  const tags = [...new Map((req.tags ?? []).map((t) => [t.key, { key: t.key, value: t.value ?? '' }])).values()]; // last value of a key wins
  for (const t of tags) validateTag(t.key, t.value);
  const tagName = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
  if (req.run_name && tagName !== undefined && tagName !== req.run_name) {
    throw invalidParameter(
      `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${req.run_name}', mlflow.runName='${tagName}').`,
    );
  }
  const runName = req.run_name || tagName || generatedRunName();
  const runId = randomUUID().replace(/-/g, '');
  const root = exp.artifact_location.replace(/\/+$/, '');
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('tracking_runs')
      .values({
        run_uuid: runId,
        experiment_id: Number(exp.experiment_id),
        run_name: runName,
        user_id: req.user_id ?? '',
        status: 'RUNNING',
        start_time: req.start_time ?? now,
        end_time: null,
        artifact_uri: `${root}/${runId}/artifacts`,
      })
      .execute();
    const all = [...tags.filter((t) => t.key !== RUN_NAME_TAG), { key: RUN_NAME_TAG, value: runName }];
    await trx.insertInto('tracking_tags').values(all.map((t) => ({ run_uuid: runId, ...t }))).execute();
  });
  return getRun(db, runId);
}

export async function updateRun(
  db: Db,
  runId: string,
  req: { status?: string; end_time?: number; run_name?: string },
): Promise<RunInfoJson> {
  await activeRun(db, runId);
  if (req.status !== undefined && !RUN_STATUSES.includes(req.status as RunStatus)) {
    throw invalidParameter(`Invalid value "${req.status}" for parameter 'status' supplied: expected one of ${RUN_STATUSES.join(', ')}.`);
  }
  await db.transaction().execute(async (trx) => {
    const set: Partial<{ status: RunStatus; end_time: number; run_name: string }> = {};
    if (req.status !== undefined) set.status = req.status as RunStatus;
    if (req.end_time !== undefined) set.end_time = req.end_time;
    if (req.run_name) set.run_name = req.run_name;
    if (Object.keys(set).length) await trx.updateTable('tracking_runs').set(set).where('run_uuid', '=', runId).execute();
    if (req.run_name) await upsertTags(trx, runId, [{ key: RUN_NAME_TAG, value: req.run_name }]);
  });
  return infoJson(await runRow(db, runId));
}

export async function setRunLifecycle(db: Db, runId: string, stage: 'active' | 'deleted'): Promise<void> {
  await runRow(db, runId);
  if (stage === 'deleted') await refuseIfRunAliased(db, runId);
  await db.updateTable('tracking_runs').set({ lifecycle_stage: stage }).where('run_uuid', '=', runId).execute();
}

async function upsertTags(db: Db, runId: string, tags: KV[]): Promise<void> {
  const last = new Map(tags.map((t) => [t.key, t.value])); // the last value of a key in one request wins
  if (last.size === 0) return;
  await db
    .insertInto('tracking_tags')
    .values([...last].map(([key, value]) => ({ run_uuid: runId, key, value })))
    .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
  const name = last.get(RUN_NAME_TAG);
  if (name !== undefined) await db.updateTable('tracking_runs').set({ run_name: name }).where('run_uuid', '=', runId).execute();
}

/** Params are immutable: re-logging the same value is a no-op, a different value is an error. */
async function insertParams(db: Db, runId: string, params: KV[]): Promise<void> {
  if (params.length === 0) return;
  await db.insertInto('tracking_params').values(params.map((p) => ({ run_uuid: runId, ...p }))).onConflict((oc) => oc.doNothing()).execute();
  const stored = await db.selectFrom('tracking_params').select(['key', 'value']).where('run_uuid', '=', runId).where('key', 'in', params.map((p) => p.key)).execute();
  const value = new Map(stored.map((s) => [s.key, s.value]));
  for (const p of params) {
    const current = value.get(p.key);
    if (current !== undefined && current !== p.value) {
      throw invalidParameter(
        `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${current}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
      );
    }
  }
}

/** Metrics append; an exact repeat (same key, step, timestamp and value) is stored once. */
async function insertMetrics(db: Db, runId: string, metrics: MetricInput[]): Promise<void> {
  for (let i = 0; i < metrics.length; i += 1000) {
    const chunk = metrics.slice(i, i + 1000).map((m) => ({ run_uuid: runId, key: m.key, value: m.value, timestamp: m.timestamp, step: m.step }));
    await db.insertInto('tracking_metrics').values(chunk).onConflict((oc) => oc.doNothing()).execute();
  }
}

export interface Batch {
  metrics?: MetricInput[];
  params?: KV[];
  tags?: KV[];
}

/** log-batch (and the single-item log calls): validated first, then written in one transaction. */
export async function logBatch(db: Db, runId: string, batch: Batch): Promise<void> {
  const metrics = batch.metrics ?? [];
  const params = (batch.params ?? []).map((p) => ({ key: p.key, value: p.value ?? '' }));
  const tags = (batch.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }));
  validateBatchLimits(metrics.length, params.length, tags.length);
  for (const m of metrics) validateMetric(m);
  for (const p of params) validateParam(p.key, p.value);
  for (const t of tags) validateTag(t.key, t.value);
  validateParamKeysUnique(params.map((p) => p.key));
  await db.transaction().execute(async (trx) => {
    await activeRun(trx, runId);
    await insertParams(trx, runId, params);
    await upsertTags(trx, runId, tags);
    await insertMetrics(trx, runId, metrics);
  });
}

export async function deleteTag(db: Db, runId: string, key: string): Promise<void> {
  await activeRun(db, runId);
  const r = await db.deleteFrom('tracking_tags').where('run_uuid', '=', runId).where('key', '=', key).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
}

export async function metricHistory(
  db: Db,
  runId: string,
  key: string,
  page: { offset: number; limit?: number },
): Promise<{ metrics: MetricJson[]; more: boolean }> {
  await runRow(db, runId);
  let q = db
    .selectFrom('tracking_metrics')
    .select(['key', 'value', 'timestamp', 'step'])
    .where('run_uuid', '=', runId)
    .where('key', '=', key)
    .orderBy('timestamp')
    .orderBy('step')
    .orderBy('value')
    .orderBy('id')
    .offset(page.offset);
  if (page.limit !== undefined) q = q.limit(page.limit + 1);
  const rows = await q.execute();
  const more = page.limit !== undefined && rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  return { metrics: kept.map((m) => ({ key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step })), more };
}

/** One metric's history for several runs (the compare view's charts), each point with its run_id. */
export async function metricHistoryBulk(db: Db, runIds: string[], key: string, limit: number): Promise<(MetricJson & { run_id: string })[]> {
  if (runIds.length === 0) return [];
  const rows = await db
    .selectFrom('tracking_metrics')
    .select(['run_uuid', 'key', 'value', 'timestamp', 'step'])
    .where('run_uuid', 'in', runIds)
    .where('key', '=', key)
    .orderBy('run_uuid')
    .orderBy('timestamp')
    .orderBy('step')
    .orderBy('value')
    .limit(limit)
    .execute();
  return rows.map((m) => ({ key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step, run_id: m.run_uuid }));
}

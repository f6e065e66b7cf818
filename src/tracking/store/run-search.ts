/**
 * runs/search: MLflow's filter DSL over the latest metric values, params, tags and run
 * attributes, order_by on any of them (missing values last), page tokens, view types.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { invalidParameter } from '../errors.ts';
import { decodePageToken, encodePageToken, parseFilter, parseOrderBy, type Comparison, type EntityType } from '../filter.ts';
import { LIMITS } from '../validation.ts';
import { experimentIdNumber, lifecycleCondition, type ViewType } from './experiments.ts';
import { loadRuns, type RunJson } from './runs.ts';
import { compact, compare, expect, maxResults, NUMERIC_COMPARATORS, STRING_COMPARATORS } from './sql.ts';

// Maps, not objects: the keys come from the client's filter and order_by ("constructor" is no column).
const STRING_ATTRIBUTES = new Map<string, string>([
  ['run_id', 'run_uuid'],
  ['run_name', 'run_name'],
  ['run name', 'run_name'],
  ['status', 'status'],
  ['user_id', 'user_id'],
  ['artifact_uri', 'artifact_uri'],
  ['lifecycle_stage', 'lifecycle_stage'],
]);
const NUMERIC_ATTRIBUTES = new Map<string, string>([
  ['start_time', 'start_time'],
  ['end_time', 'end_time'],
  ['created', 'start_time'],
]);
const ORDER_ATTRIBUTES = new Map<string, string>([...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES, ['experiment_id', 'experiment_id']]);
const ATTRIBUTE_KEYS = [...STRING_ATTRIBUTES.keys(), ...NUMERIC_ATTRIBUTES.keys()];

/** The run's latest value of a metric: highest step, then latest timestamp, then largest value. */
function latestMetric(key: string): RawBuilder<unknown> {
  return sql`(select m.value from tracking_metrics m where m.run_uuid = r.run_uuid and m.key = ${key}
    order by m.step desc, m.timestamp desc, m.value desc limit 1)`;
}
function keyValue(table: 'tracking_params' | 'tracking_tags', key: string): RawBuilder<unknown> {
  return sql`(select kv.value from ${sql.table(table)} kv where kv.run_uuid = r.run_uuid and kv.key = ${key})`;
}

function condition(c: Comparison): RawBuilder<unknown> {
  switch (c.type) {
    case 'metric':
      expect(c, 'number', NUMERIC_COMPARATORS, 'metric');
      return compare(latestMetric(c.key), c);
    case 'parameter':
    case 'tag':
      expect(c, 'string', STRING_COMPARATORS, c.type);
      return compare(keyValue(c.type === 'tag' ? 'tracking_tags' : 'tracking_params', c.key), c);
    case 'attribute': {
      const num = NUMERIC_ATTRIBUTES.get(c.key);
      if (num) {
        expect(c, 'number', NUMERIC_COMPARATORS, `numeric attribute: ${c.key}`);
        return compare(sql.ref(`r.${num}`), c);
      }
      const col = STRING_ATTRIBUTES.get(c.key);
      if (!col) throw invalidParameter(`Invalid attribute key '${c.key}' specified. Valid keys are '${JSON.stringify(ATTRIBUTE_KEYS)}'`);
      if (c.value.kind === 'list') {
        if (c.key !== 'run_id') throw invalidParameter("Only the 'run_id' attribute supports comparison with a list of quoted string values.");
        return compare(sql.ref(`r.${col}`), c);
      }
      expect(c, 'string', new Set([...STRING_COMPARATORS, 'IN', 'NOT IN']), 'attributes');
      return compare(sql.ref(`r.${col}`), c);
    }
    default:
      throw invalidParameter(`Invalid search expression type '${c.type}'`);
  }
}

function orderTerm(type: EntityType, key: string): RawBuilder<unknown> {
  if (type === 'metric') return latestMetric(key);
  if (type === 'parameter') return keyValue('tracking_params', key);
  if (type === 'tag') return keyValue('tracking_tags', key);
  const col = type === 'attribute' ? ORDER_ATTRIBUTES.get(key) : undefined;
  if (col) return sql.ref(`r.${col}`);
  throw invalidParameter(`Invalid order_by key '${key}' of type '${type}'. Valid attribute keys are ${JSON.stringify([...ORDER_ATTRIBUTES.keys()])}`);
}

export interface SearchRunsRequest {
  experiment_ids: string[];
  filter?: string;
  run_view_type: ViewType;
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

export async function searchRuns(db: Kysely<Database>, req: SearchRunsRequest): Promise<{ runs?: RunJson[]; next_page_token?: string }> {
  const limit = maxResults(req.max_results, LIMITS.searchRunsDefault, LIMITS.searchRunsMaxResults);
  const offset = decodePageToken(req.page_token);
  const ids = req.experiment_ids.map(experimentIdNumber).filter((n): n is number => n !== undefined);
  const where = parseFilter(req.filter).map(condition); // parse even when no experiment matches, so errors show
  const order: RawBuilder<unknown>[] = [];
  for (const clause of req.order_by ?? []) {
    const o = parseOrderBy(clause);
    order.push(sql`${orderTerm(o.type, o.key)} ${sql.raw(o.asc ? 'asc' : 'desc')} nulls last`);
  }
  if (ids.length === 0) return {};
  order.push(sql`r.start_time desc nulls last`, sql`r.run_uuid asc`);
  const rows = await sql<{ run_uuid: string }>`
    select r.run_uuid from tracking_runs r
    where r.experiment_id in (${sql.join(ids)}) and ${lifecycleCondition(sql.ref('r.lifecycle_stage'), req.run_view_type)}
    ${where.length ? sql`and ${sql.join(where, sql` and `)}` : sql``}
    order by ${sql.join(order)} limit ${limit + 1} offset ${offset}`.execute(db);
  const page = rows.rows.slice(0, limit).map((r) => r.run_uuid);
  return compact({
    runs: await loadRuns(db, page),
    next_page_token: rows.rows.length > limit ? encodePageToken(offset + limit) : undefined,
  });
}

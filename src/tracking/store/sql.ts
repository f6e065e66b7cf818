/** Small SQL helpers shared by the tracking and registry searches. */
import { sql, type RawBuilder } from 'kysely';
import { invalidParameter } from '../errors.ts';
import type { Comparison } from '../filter.ts';

const OPS: Record<Comparison['comparator'], string> = {
  '=': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  LIKE: 'like',
  ILIKE: 'ilike',
  IN: 'in',
  'NOT IN': 'not in',
};

/** `lhs <op> value` for a parsed comparison whose value kind the caller has already checked. */
export function compare(lhs: RawBuilder<unknown>, c: Comparison): RawBuilder<unknown> {
  const op = sql.raw(OPS[c.comparator]);
  const v = c.value;
  if (v.kind === 'list') return sql`${lhs} ${op} (${sql.join(v.values)})`;
  return sql`${lhs} ${op} ${v.kind === 'number' ? v.value : v.value}`;
}

export const STRING_COMPARATORS = new Set(['=', '!=', 'LIKE', 'ILIKE']);
export const NUMERIC_COMPARATORS = new Set(['=', '!=', '>', '>=', '<', '<=']);

/** Check the comparator and value kind a key accepts, with MLflow's wording. */
export function expect(c: Comparison, kind: 'string' | 'number' | 'list', comparators: Set<string>, what: string): void {
  if (!comparators.has(c.comparator)) {
    throw invalidParameter(`Invalid comparator '${c.comparator}' not one of '${JSON.stringify([...comparators])}'`);
  }
  if (c.value.kind === 'list' && kind !== 'list') throw invalidParameter(`Only the 'run_id' attribute supports comparison with a list of quoted string values.`);
  if (kind === 'number' && c.value.kind !== 'number') throw invalidParameter(`Expected numeric value type for ${what}. Found ${JSON.stringify((c.value as { value: string }).value)}`);
  if (kind === 'string' && c.value.kind !== 'string') {
    throw invalidParameter(`Expected a quoted string value for ${what} (e.g. 'my-value'). Got value ${(c.value as { text: string }).text}`);
  }
}

/** max_results with a default and MLflow's upper bound. */
export function maxResults(value: number | undefined, dflt: number, max: number, param = 'max_results'): number {
  const n = value ?? dflt;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalidParameter(`Invalid value ${n} for parameter '${param}' supplied. It must be at most ${max}. See the API docs for more information about request parameters.`);
  }
  return n;
}

/** `[{key, value}]`, the way MLflow lists tags and params (omitted when empty). */
export function keyValues(rows: readonly { key: string; value: string }[]): { key: string; value: string }[] | undefined {
  return rows.length ? rows.map((r) => ({ key: r.key, value: r.value })) : undefined;
}

/** Drop undefined fields and empty arrays, as MLflow's protobuf JSON does. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) delete o[k];
  }
  return o;
}

export type JsonDouble = number | 'NaN' | 'Infinity' | '-Infinity';

/** A double as MLflow's protobuf JSON writes it: NaN and the infinities spelled out. */
export function jsonDouble(v: number): JsonDouble {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

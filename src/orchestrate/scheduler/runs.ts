/** DAG runs in the warehouse: create them (with their task instances), find them, list them. */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import type { Dag, RunType } from '../dag/define.ts';
import { runIdFor, type DataInterval } from '../dag/timetable.ts';
import type { DagRunsTable } from './tables.ts';

export type DagRun = Selectable<DagRunsTable>;

export interface NewRun {
  type: RunType;
  logicalDate: Date;
  interval: DataInterval;
  conf?: Record<string, unknown>;
  runId?: string;
}

/** JSON columns come back parsed from pg and PGlite alike; tolerate a string anyway. */
export function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

/**
 * Insert queued runs and their task instances (state `none`). A run whose run id, or whose
 * logical date for a non-manual run, already exists is left alone. Returns the runs created.
 */
export async function createRuns(db: Kysely<Database>, dag: Dag, runs: NewRun[], now: Date): Promise<DagRun[]> {
  const created: DagRun[] = [];
  for (let i = 0; i < runs.length; i += 500) {
    const chunk = runs.slice(i, i + 500);
    const rows = await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('dag_runs')
        .values(
          chunk.map((r) => ({
            dag_id: dag.id,
            run_id: r.runId ?? runIdFor(r.type, r.logicalDate),
            run_type: r.type,
            logical_date: r.logicalDate,
            data_interval_start: r.interval.start,
            data_interval_end: r.interval.end,
            state: 'queued' as const,
            conf: JSON.stringify(r.conf ?? {}),
            queued_at: now,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .execute();
      if (inserted.length) await insertTaskInstances(trx, dag, inserted.map((r) => r.id));
      return inserted;
    });
    created.push(...rows);
  }
  return created;
}

/** Add the task instances a run lacks (all of them for a new run; new tasks of a changed DAG). */
export async function insertTaskInstances(db: Kysely<Database>, dag: Dag, runIds: number[]): Promise<void> {
  const values = runIds.flatMap((id) =>
    dag.tasks.map((t) => ({ dag_run_id: id, task_id: t.id, dag_id: dag.id, state: 'none' as const, max_tries: t.retries })),
  );
  for (let i = 0; i < values.length; i += 1000) {
    await db
      .insertInto('task_instances')
      .values(values.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['dag_run_id', 'task_id']).doNothing())
      .execute();
  }
}

/** The data interval of the latest scheduled or backfill run of a DAG. */
export async function latestInterval(db: Kysely<Database>, dagId: string): Promise<DataInterval | undefined> {
  const row = await db
    .selectFrom('dag_runs')
    .select(['data_interval_start', 'data_interval_end'])
    .where('dag_id', '=', dagId)
    .where('run_type', '<>', 'manual')
    .orderBy('data_interval_end', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { start: new Date(row.data_interval_start), end: new Date(row.data_interval_end) } : undefined;
}

export async function getRun(db: Kysely<Database>, dagId: string, runId: string): Promise<DagRun | undefined> {
  return db.selectFrom('dag_runs').selectAll().where('dag_id', '=', dagId).where('run_id', '=', runId).executeTakeFirst();
}

export async function getRunById(db: Kysely<Database>, id: number): Promise<DagRun | undefined> {
  return db.selectFrom('dag_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Runs of a DAG, newest logical date first. */
export async function listRuns(
  db: Kysely<Database>,
  dagId: string,
  opts: { limit?: number; from?: Date; to?: Date; state?: string } = {},
): Promise<DagRun[]> {
  let q = db.selectFrom('dag_runs').selectAll().where('dag_id', '=', dagId);
  if (opts.from) q = q.where('logical_date', '>=', opts.from);
  if (opts.to) q = q.where('logical_date', '<=', opts.to);
  if (opts.state) q = q.where('state', '=', opts.state as DagRun['state']);
  return q.orderBy('logical_date', 'desc').orderBy('id', 'desc').limit(opts.limit ?? 10_000).execute();
}

/** Per DAG: number of runs by state and the end of the latest successful run. */
export async function dagSummaries(db: Kysely<Database>): Promise<Map<string, { runs: Record<string, number>; lastSuccess: Date | null }>> {
  const rows = await db
    .selectFrom('dag_runs')
    .select(['dag_id', 'state', sql<number>`count(*)::int`.as('n'), sql<Date | null>`max(end_date) filter (where state = 'success')`.as('last_success')])
    .groupBy(['dag_id', 'state'])
    .execute();
  const out = new Map<string, { runs: Record<string, number>; lastSuccess: Date | null }>();
  for (const r of rows) {
    const s = out.get(r.dag_id) ?? { runs: {}, lastSuccess: null };
    s.runs[r.state] = Number(r.n);
    if (r.last_success && (!s.lastSuccess || new Date(r.last_success) > s.lastSuccess)) s.lastSuccess = new Date(r.last_success);
    out.set(r.dag_id, s);
  }
  return out;
}

/** Pause (no new scheduled runs) or unpause a DAG. */
export async function setPaused(db: Kysely<Database>, dagId: string, paused: boolean, now: Date): Promise<void> {
  await db
    .insertInto('dag_state')
    .values({ dag_id: dagId, is_paused: paused, updated_at: now })
    .onConflict((oc) => oc.column('dag_id').doUpdateSet({ is_paused: paused, updated_at: now }))
    .execute();
}

export async function pausedDags(db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db.selectFrom('dag_state').select('dag_id').where('is_paused', '=', true).execute();
  return new Set(rows.map((r) => r.dag_id));
}

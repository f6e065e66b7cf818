/** Row types of the orchestration tables (migration 004_orchestration), as Kysely sees them. */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { RunType } from '../dag/define.ts';
import type { RunState, TaskState } from '../dag/states.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface DagRunsTable {
  id: Generated<number>;
  dag_id: string;
  run_id: string;
  run_type: RunType;
  logical_date: Timestamp;
  data_interval_start: Timestamp;
  data_interval_end: Timestamp;
  state: RunState;
  conf: JSONColumnType<Record<string, unknown>>;
  queued_at: Timestamp;
  start_date: Timestamp | null;
  end_date: Timestamp | null;
}

export interface TaskInstancesTable {
  dag_run_id: number;
  task_id: string;
  dag_id: string;
  state: TaskState;
  /** Tries started so far (the current try's number while queued or running). */
  try_number: Generated<number>;
  /** A failed try is retried while try_number ≤ max_tries (Airflow's max_tries). */
  max_tries: Generated<number>;
  next_retry_at: Timestamp | null;
  queued_at: Timestamp | null;
  start_date: Timestamp | null;
  end_date: Timestamp | null;
  hostname: string | null;
  worker_id: string | null;
  pid: number | null;
  heartbeat_at: Timestamp | null;
  error: string | null;
  /** The JSON value the task returned (XCom return_value). */
  xcom: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface TaskTriesTable {
  dag_run_id: number;
  task_id: string;
  try_number: number;
  state: 'running' | 'success' | 'failed' | 'skipped';
  hostname: string | null;
  worker_id: string | null;
  pid: number | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  error: string | null;
  log: Generated<string>;
}

export interface DagStateTable {
  dag_id: string;
  /** A paused DAG gets no scheduled runs (manual runs and backfills still run). */
  is_paused: boolean;
  updated_at: Timestamp;
}

export interface OrchestrationTables {
  dag_runs: DagRunsTable;
  task_instances: TaskInstancesTable;
  task_tries: TaskTriesTable;
  dag_state: DagStateTable;
}

declare module '../../warehouse/schema.ts' {
  // Declaration merging: every Kysely<Database> sees the orchestration tables once this file is compiled.
  interface Database extends OrchestrationTables {}
}

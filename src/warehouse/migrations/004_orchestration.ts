import { sql, type Kysely } from 'kysely';

/**
 * Orchestration state: DAG runs, task instances (one per task and run, with its current
 * state and try), task tries (one per try, with its log) and per-DAG state (paused). See docs/orchestration.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table dag_runs (
      id serial primary key,
      dag_id text not null,
      run_id text not null,
      run_type text not null check (run_type in ('scheduled', 'manual', 'backfill')),
      logical_date timestamptz not null,
      data_interval_start timestamptz not null,
      data_interval_end timestamptz not null,
      state text not null check (state in ('queued', 'running', 'success', 'failed')),
      conf jsonb not null default '{}'::jsonb,
      queued_at timestamptz not null default now(),
      start_date timestamptz,
      end_date timestamptz,
      unique (dag_id, run_id)
    );
    create unique index dag_runs_interval on dag_runs (dag_id, logical_date) where run_type <> 'manual';
    create index dag_runs_state on dag_runs (state, dag_id);
    create table task_instances (
      dag_run_id int not null references dag_runs(id) on delete cascade,
      task_id text not null,
      dag_id text not null,
      state text not null check (state in ('none', 'queued', 'running', 'success', 'failed', 'up_for_retry', 'upstream_failed', 'skipped')),
      try_number int not null default 0,
      max_tries int not null default 0,
      next_retry_at timestamptz,
      queued_at timestamptz,
      start_date timestamptz,
      end_date timestamptz,
      hostname text,
      worker_id text,
      pid int,
      heartbeat_at timestamptz,
      error text,
      xcom jsonb,
      primary key (dag_run_id, task_id)
    );
    create index task_instances_active on task_instances (dag_id, state) where state in ('queued', 'running', 'up_for_retry');
    create table task_tries (
      dag_run_id int not null references dag_runs(id) on delete cascade,
      task_id text not null,
      try_number int not null,
      state text not null check (state in ('running', 'success', 'failed', 'skipped')),
      hostname text,
      worker_id text,
      pid int,
      started_at timestamptz not null,
      ended_at timestamptz,
      error text,
      log text not null default '',
      primary key (dag_run_id, task_id, try_number)
    );
    create table dag_state (
      dag_id text primary key,
      is_paused boolean not null default false,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table dag_state, task_tries, task_instances, dag_runs`.execute(db);
}

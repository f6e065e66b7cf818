import { sql, type Kysely } from 'kysely';

/**
 * Experiment tracking and the model registry, shaped like MLflow's SQL store: experiments,
 * runs, params (immutable), metrics (every logged point, idempotent on an exact repeat),
 * tags; registered models, versions (numbers never reused), tags and aliases. Artifacts live
 * in the lake, not here. Experiment 0 "Default" exists from the start, as in MLflow.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table tracking_experiments (
      experiment_id serial primary key,
      name text not null unique,
      artifact_location text not null,
      lifecycle_stage text not null default 'active' check (lifecycle_stage in ('active', 'deleted')),
      creation_time bigint not null,
      last_update_time bigint not null
    );
    insert into tracking_experiments (experiment_id, name, artifact_location, creation_time, last_update_time)
      values (0, 'Default', 'mlflow-artifacts:/0', (extract(epoch from now()) * 1000)::bigint, (extract(epoch from now()) * 1000)::bigint);
    create table tracking_experiment_tags (
      experiment_id int not null references tracking_experiments(experiment_id) on delete cascade,
      key text not null,
      value text not null,
      primary key (experiment_id, key)
    );
    create table tracking_runs (
      run_uuid text primary key,
      experiment_id int not null references tracking_experiments(experiment_id),
      run_name text not null default '',
      user_id text not null default '',
      status text not null check (status in ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
      start_time bigint,
      end_time bigint,
      artifact_uri text not null,
      lifecycle_stage text not null default 'active' check (lifecycle_stage in ('active', 'deleted'))
    );
    create index tracking_runs_by_experiment on tracking_runs (experiment_id, start_time desc);
    create table tracking_params (
      run_uuid text not null references tracking_runs(run_uuid) on delete cascade,
      key text not null,
      value text not null,
      primary key (run_uuid, key)
    );
    create table tracking_tags (
      run_uuid text not null references tracking_runs(run_uuid) on delete cascade,
      key text not null,
      value text not null,
      primary key (run_uuid, key)
    );
    create table tracking_metrics (
      id bigserial primary key,
      run_uuid text not null references tracking_runs(run_uuid) on delete cascade,
      key text not null,
      value double precision not null,
      timestamp bigint not null,
      step bigint not null default 0,
      unique (run_uuid, key, step, timestamp, value)
    );
    create table registry_models (
      name text primary key,
      creation_timestamp bigint not null,
      last_updated_timestamp bigint not null,
      description text
    );
    create table registry_model_tags (
      name text not null references registry_models(name) on update cascade on delete cascade,
      key text not null,
      value text not null,
      primary key (name, key)
    );
    create table registry_model_versions (
      name text not null references registry_models(name) on update cascade on delete cascade,
      version int not null,
      creation_timestamp bigint not null,
      last_updated_timestamp bigint not null,
      description text,
      user_id text,
      current_stage text not null default 'None',
      source text not null,
      run_id text,
      run_link text,
      status text not null default 'READY',
      status_message text,
      primary key (name, version)
    );
    create index registry_model_versions_by_run on registry_model_versions (run_id);
    create table registry_model_version_tags (
      name text not null,
      version int not null,
      key text not null,
      value text not null,
      primary key (name, version, key),
      foreign key (name, version) references registry_model_versions(name, version) on update cascade on delete cascade
    );
    create table registry_aliases (
      name text not null,
      alias text not null,
      version int not null,
      primary key (name, alias),
      foreign key (name, version) references registry_model_versions(name, version) on update cascade on delete cascade
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table registry_aliases, registry_model_version_tags, registry_model_versions, registry_model_tags,
    registry_models, tracking_metrics, tracking_tags, tracking_params, tracking_runs, tracking_experiment_tags,
    tracking_experiments`.execute(db);
}

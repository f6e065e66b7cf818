import { sql, type Kysely } from 'kysely';

/**
 * Drop the first, minimal model registry of 001_core (`model_versions`, `model_aliases`):
 * the tracking registry of 003_tracking (`registry_model_versions`, `registry_aliases`, …)
 * superseded it and nothing reads or writes it. `down` recreates both tables exactly as
 * 001_core did (empty).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop table model_aliases, model_versions`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create table model_versions (
      name text not null,
      version int not null,
      kind text not null,
      artifact_key text not null,
      data_fingerprint text not null,
      metrics jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      primary key (name, version)
    );
    create table model_aliases (
      name text not null,
      alias text not null,
      version int not null,
      updated_at timestamptz not null default now(),
      primary key (name, alias),
      foreign key (name, version) references model_versions(name, version)
    );
  `.execute(db);
}

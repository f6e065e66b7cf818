import { sql, type Kysely } from 'kysely';

/**
 * Security (issue 13): API keys (stored hashed; `time2bet keys`), and the artifact checksum the
 * tracking server computes itself when a model version is created (`artifact_sha256`, a column
 * no REST route writes; tags named time2bet.artifact_sha256 are client data and not trusted).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table api_keys (
      id serial primary key,
      name text not null,
      prefix text not null,
      key_sha256 text not null unique,
      scopes text[] not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_keys_prefix on api_keys (prefix);
    alter table registry_model_versions add column artifact_sha256 text;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table registry_model_versions drop column artifact_sha256;
    drop table api_keys;
  `.execute(db);
}

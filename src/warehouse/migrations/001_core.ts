import { sql, type Kysely } from 'kysely';

/** Competitions, seasons, teams with aliases, matches, statistics, odds, ingestion runs. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table competitions (
      id serial primary key,
      code text not null unique,
      name text not null,
      country text
    );
    create table seasons (
      id serial primary key,
      competition_id int not null references competitions(id),
      name text not null check (name ~ '^[0-9]{4}-[0-9]{4}$'),
      unique (competition_id, name)
    );
    create table teams (
      id serial primary key,
      name text not null unique
    );
    create table team_aliases (
      alias text primary key,
      team_id int not null references teams(id),
      source text not null
    );
    create table ingestion_runs (
      id serial primary key,
      source text not null,
      file text not null,
      checksum text not null,
      rows_read int not null default 0,
      inserted int not null default 0,
      updated int not null default 0,
      unchanged int not null default 0,
      status text not null check (status in ('running', 'success', 'failed')),
      error text,
      started_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index ingestion_runs_file on ingestion_runs (source, file, checksum);
    create table matches (
      id serial primary key,
      competition_id int not null references competitions(id),
      season_id int not null references seasons(id),
      kickoff_date date not null,
      kickoff_time text,
      home_team_id int not null references teams(id),
      away_team_id int not null references teams(id),
      status text not null default 'finished' check (status in ('scheduled', 'finished', 'postponed')),
      home_goals int,
      away_goals int,
      home_goals_ht int,
      away_goals_ht int,
      referee text,
      source_ids jsonb not null default '{}'::jsonb,
      ingestion_run_id int references ingestion_runs(id),
      updated_at timestamptz not null default now(),
      unique (season_id, home_team_id, away_team_id),
      check (home_team_id <> away_team_id)
    );
    create index matches_date on matches (competition_id, kickoff_date);
    create table match_stats (
      match_id int not null references matches(id) on delete cascade,
      side text not null check (side in ('home', 'away')),
      shots int, shots_on_target int, corners int, fouls int,
      yellow_cards int, red_cards int,
      primary key (match_id, side)
    );
    create table odds (
      match_id int not null references matches(id) on delete cascade,
      bookmaker text not null,
      kind text not null check (kind in ('pre', 'closing')),
      home double precision not null check (home > 1),
      draw double precision not null check (draw > 1),
      away double precision not null check (away > 1),
      primary key (match_id, bookmaker, kind)
    );
    create table odds_totals (
      match_id int not null references matches(id) on delete cascade,
      bookmaker text not null,
      kind text not null check (kind in ('pre', 'closing')),
      line double precision not null,
      over double precision not null check (over > 1),
      under double precision not null check (under > 1),
      primary key (match_id, bookmaker, kind, line)
    );
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

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table model_aliases, model_versions, odds_totals, odds, match_stats, matches,
    ingestion_runs, team_aliases, teams, seasons, competitions`.execute(db);
}

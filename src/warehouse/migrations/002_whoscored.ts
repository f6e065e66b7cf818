import { sql, type Kysely } from 'kysely';

/**
 * WhoScored: crawl runs, the raw-zone manifest, WhoScored ids of teams and matches, and the
 * tables derived from match centres and previews (team statistics, lineups, formations,
 * missing players). Shared facts (fixtures, results, basic match statistics) go to the core
 * `matches` / `match_stats` tables; `whoscored_matches` links a WhoScored match id to its row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table whoscored_crawl_runs (
      id serial primary key,
      league text not null,
      season text not null,
      base_url text not null,
      fetcher text not null,
      status text not null check (status in ('running', 'success', 'partial', 'blocked', 'aborted', 'failed')),
      fetched int not null default 0,
      cached int not null default 0,
      blocked int not null default 0,
      failed int not null default 0,
      parsed int not null default 0,
      loaded int not null default 0,
      message text,
      ingestion_run_id int references ingestion_runs(id),
      started_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create table whoscored_raw_pages (
      id serial primary key,
      url text not null,
      kind text not null check (kind in ('regions', 'tournament', 'calendar', 'fixtures', 'match-centre', 'preview', 'robots', 'unknown')),
      outcome text not null check (outcome in ('ok', 'blocked', 'invalid')),
      http_status int not null,
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      bytes int not null check (bytes >= 0),
      content_type text,
      whoscored_match_id bigint,
      match_status text,
      crawl_run_id int references whoscored_crawl_runs(id),
      fetched_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      loaded_at timestamptz,
      error text,
      unique (url, sha256)
    );
    create index whoscored_raw_pages_url on whoscored_raw_pages (url, outcome, fetched_at);
    create table whoscored_teams (
      whoscored_team_id int primary key,
      team_id int not null references teams(id),
      name text not null
    );
    create table whoscored_matches (
      whoscored_id bigint primary key,
      match_id int not null unique references matches(id) on delete cascade,
      stage_id int,
      whoscored_season_id int,
      home_whoscored_team_id int not null,
      away_whoscored_team_id int not null,
      status_code int,
      elapsed text,
      start_time_utc text,
      has_preview boolean not null default false,
      venue text,
      attendance int,
      updated_at timestamptz not null default now()
    );
    create table whoscored_team_stats (
      match_id int not null references matches(id) on delete cascade,
      side text not null check (side in ('home', 'away')),
      shots int not null, shots_on_target int not null, shots_blocked int not null, shots_off_target int not null,
      big_chances int not null, big_chances_scored int not null,
      passes int not null, passes_accurate int not null,
      possession double precision check (possession between 0 and 1),
      corners int not null, fouls int not null, yellow_cards int not null, red_cards int not null,
      xg_proxy double precision not null,
      goals int not null,
      primary key (match_id, side)
    );
    create table whoscored_lineups (
      match_id int not null references matches(id) on delete cascade,
      side text not null check (side in ('home', 'away')),
      player_id bigint not null,
      player_name text not null,
      shirt_no int,
      position text,
      starter boolean not null,
      man_of_the_match boolean not null default false,
      primary key (match_id, player_id)
    );
    create table whoscored_formations (
      match_id int not null references matches(id) on delete cascade,
      side text not null check (side in ('home', 'away')),
      seq int not null,
      formation text not null,
      start_minute int,
      end_minute int,
      captain_player_id bigint,
      primary key (match_id, side, seq)
    );
    create table whoscored_missing_players (
      match_id int not null references matches(id) on delete cascade,
      side text not null check (side in ('home', 'away')),
      player_id bigint not null,
      player_name text not null,
      reason text,
      status text,
      primary key (match_id, player_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table whoscored_missing_players, whoscored_formations, whoscored_lineups, whoscored_team_stats,
    whoscored_matches, whoscored_teams, whoscored_raw_pages, whoscored_crawl_runs`.execute(db);
}

/** Kysely row types of the WhoScored tables (migration 002), joined onto the core Database type. */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Side = 'home' | 'away';

export interface WsCrawlRunsTable {
  id: Generated<number>;
  league: string;
  season: string;
  base_url: string;
  fetcher: string;
  status: 'running' | 'success' | 'partial' | 'blocked' | 'aborted' | 'failed';
  fetched: Generated<number>;
  cached: Generated<number>;
  blocked: Generated<number>;
  failed: Generated<number>;
  parsed: Generated<number>;
  loaded: Generated<number>;
  message: string | null;
  ingestion_run_id: number | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export type RawKind = 'regions' | 'tournament' | 'calendar' | 'fixtures' | 'match-centre' | 'preview' | 'robots' | 'unknown';

export interface WsRawPagesTable {
  id: Generated<number>;
  url: string;
  kind: RawKind;
  outcome: 'ok' | 'blocked' | 'invalid';
  http_status: number;
  sha256: string;
  bytes: number;
  content_type: string | null;
  whoscored_match_id: number | null;
  /** For match centres: the match status the page showed (a page saved mid-match is re-fetched once finished). */
  match_status: string | null;
  crawl_run_id: number | null;
  fetched_at: Timestamp;
  last_seen_at: Timestamp;
  loaded_at: Timestamp | null;
  error: string | null;
}

export interface WsTeamsTable {
  whoscored_team_id: number;
  team_id: number;
  name: string;
}

export interface WsMatchesTable {
  whoscored_id: number;
  match_id: number;
  stage_id: number | null;
  whoscored_season_id: number | null;
  home_whoscored_team_id: number;
  away_whoscored_team_id: number;
  status_code: number | null;
  elapsed: string | null;
  start_time_utc: string | null;
  has_preview: Generated<boolean>;
  venue: string | null;
  attendance: number | null;
  updated_at: Timestamp;
}

export interface WsTeamStatsTable {
  match_id: number;
  side: Side;
  shots: number;
  shots_on_target: number;
  shots_blocked: number;
  shots_off_target: number;
  big_chances: number;
  big_chances_scored: number;
  passes: number;
  passes_accurate: number;
  possession: number | null;
  corners: number;
  fouls: number;
  yellow_cards: number;
  red_cards: number;
  xg_proxy: number;
  goals: number;
}

export interface WsLineupsTable {
  match_id: number;
  side: Side;
  player_id: number;
  player_name: string;
  shirt_no: number | null;
  position: string | null;
  starter: boolean;
  man_of_the_match: boolean;
}

export interface WsFormationsTable {
  match_id: number;
  side: Side;
  seq: number;
  formation: string;
  start_minute: number | null;
  end_minute: number | null;
  captain_player_id: number | null;
}

export interface WsMissingPlayersTable {
  match_id: number;
  side: Side;
  player_id: number;
  player_name: string;
  reason: string | null;
  status: string | null;
}

export type WhoScoredTables = {
  whoscored_crawl_runs: WsCrawlRunsTable;
  whoscored_raw_pages: WsRawPagesTable;
  whoscored_teams: WsTeamsTable;
  whoscored_matches: WsMatchesTable;
  whoscored_team_stats: WsTeamStatsTable;
  whoscored_lineups: WsLineupsTable;
  whoscored_formations: WsFormationsTable;
  whoscored_missing_players: WsMissingPlayersTable;
};

export type WsDatabase = Database & WhoScoredTables;
export type WsDb = Kysely<WsDatabase>;
export type WsTrx = Transaction<WsDatabase>;

/** The warehouse's Kysely instance seen with the WhoScored tables too. */
export function wsDb(db: Kysely<Database>): WsDb {
  return db.withTables<WhoScoredTables>();
}

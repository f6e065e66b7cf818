/** Row types of the warehouse tables, as Kysely sees them. */
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CompetitionsTable {
  id: Generated<number>;
  code: string;
  name: string;
  country: string | null;
}
export interface SeasonsTable {
  id: Generated<number>;
  competition_id: number;
  name: string;
}
export interface TeamsTable {
  id: Generated<number>;
  name: string;
}
export interface TeamAliasesTable {
  alias: string;
  team_id: number;
  source: string;
}
export interface IngestionRunsTable {
  id: Generated<number>;
  source: string;
  file: string;
  checksum: string;
  rows_read: Generated<number>;
  inserted: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  status: 'running' | 'success' | 'failed';
  error: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}
export interface MatchesTable {
  id: Generated<number>;
  competition_id: number;
  season_id: number;
  /** ISO date YYYY-MM-DD (parsed as text on both engines). */
  kickoff_date: string;
  kickoff_time: string | null;
  home_team_id: number;
  away_team_id: number;
  status: 'scheduled' | 'finished' | 'postponed';
  home_goals: number | null;
  away_goals: number | null;
  home_goals_ht: number | null;
  away_goals_ht: number | null;
  referee: string | null;
  source_ids: JSONColumnType<Record<string, string>>;
  ingestion_run_id: number | null;
  updated_at: Timestamp;
}
export interface MatchStatsTable {
  match_id: number;
  side: 'home' | 'away';
  shots: number | null;
  shots_on_target: number | null;
  corners: number | null;
  fouls: number | null;
  yellow_cards: number | null;
  red_cards: number | null;
}
export interface OddsTable {
  match_id: number;
  bookmaker: string;
  kind: 'pre' | 'closing';
  home: number;
  draw: number;
  away: number;
}
export interface OddsTotalsTable {
  match_id: number;
  bookmaker: string;
  kind: 'pre' | 'closing';
  line: number;
  over: number;
  under: number;
}

/**
 * The core tables. Each area declares its own tables next to its code and adds them to this
 * interface by module augmentation (`src/tracking/store/tables.ts`,
 * `src/orchestrate/scheduler/tables.ts`) or by intersection (`src/ingest/whoscored/schema.ts`),
 * so the warehouse imports no area.
 */
export interface Database {
  competitions: CompetitionsTable;
  seasons: SeasonsTable;
  teams: TeamsTable;
  team_aliases: TeamAliasesTable;
  ingestion_runs: IngestionRunsTable;
  matches: MatchesTable;
  match_stats: MatchStatsTable;
  odds: OddsTable;
  odds_totals: OddsTotalsTable;
}

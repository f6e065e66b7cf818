/**
 * The curated warehouse tables a snapshot exports, with their columns, read in a fixed order.
 * Matches are denormalised (league, season and team names instead of ids, the source file's
 * checksum instead of the ingestion run id) so a snapshot means the same thing in any warehouse.
 */
import { sql } from 'kysely';
import type { Warehouse } from '../../warehouse/db.ts';
import { stableJson } from '../../domain/stable-json.ts';
import type { Column, Row, TableData } from './parquet.ts';

const col = (name: string, type: Column['type'], nullable = false): Column => ({ name, type, nullable });

export const MATCH_COLUMNS: Column[] = [
  col('id', 'INT32'),
  col('league', 'STRING'),
  col('league_name', 'STRING'),
  col('country', 'STRING', true),
  col('season', 'STRING'),
  col('kickoff_date', 'DATE'),
  col('kickoff_time', 'STRING', true),
  col('home_team', 'STRING'),
  col('away_team', 'STRING'),
  col('status', 'STRING'),
  col('home_goals', 'INT32', true),
  col('away_goals', 'INT32', true),
  col('home_goals_ht', 'INT32', true),
  col('away_goals_ht', 'INT32', true),
  col('referee', 'STRING', true),
  col('source_ids', 'STRING'),
  col('source_checksum', 'STRING', true),
];

export const MATCH_STATS_COLUMNS: Column[] = [
  col('match_id', 'INT32'),
  col('side', 'STRING'),
  ...['shots', 'shots_on_target', 'corners', 'fouls', 'yellow_cards', 'red_cards'].map((n) => col(n, 'INT32', true)),
];

export const ODDS_COLUMNS: Column[] = [
  col('match_id', 'INT32'),
  col('bookmaker', 'STRING'),
  col('kind', 'STRING'),
  col('home', 'DOUBLE'),
  col('draw', 'DOUBLE'),
  col('away', 'DOUBLE'),
];

export const ODDS_TOTALS_COLUMNS: Column[] = [
  col('match_id', 'INT32'),
  col('bookmaker', 'STRING'),
  col('kind', 'STRING'),
  col('line', 'DOUBLE'),
  col('over', 'DOUBLE'),
  col('under', 'DOUBLE'),
];

/** Stable JSON (keys sorted) for the jsonb source_ids column. */
function sortedJson(v: unknown): string {
  const obj = typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : ((v ?? {}) as Record<string, unknown>);
  return stableJson(obj);
}

export interface SourceRun {
  source: string;
  /** The last two segments of the loaded file's path, e.g. `E0/2020-2021.csv`. */
  file: string;
  checksum: string;
  rows: number;
}

export interface CuratedTables {
  matches: TableData;
  match_stats: TableData;
  odds: TableData;
  odds_totals: TableData;
  sources: SourceRun[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const shortFile = (f: string) => f.split(/[\\/]/).filter(Boolean).slice(-2).join('/');

export async function readCuratedTables(wh: Warehouse): Promise<CuratedTables> {
  const db = wh.db;
  const matches = await db
    .selectFrom('matches as m')
    .innerJoin('competitions as c', 'c.id', 'm.competition_id')
    .innerJoin('seasons as s', 's.id', 'm.season_id')
    .innerJoin('teams as h', 'h.id', 'm.home_team_id')
    .innerJoin('teams as a', 'a.id', 'm.away_team_id')
    .leftJoin('ingestion_runs as r', 'r.id', 'm.ingestion_run_id')
    .select([
      'm.id', 'c.code as league', 'c.name as league_name', 'c.country', 's.name as season', 'm.kickoff_date', 'm.kickoff_time',
      'h.name as home_team', 'a.name as away_team', 'm.status', 'm.home_goals', 'm.away_goals', 'm.home_goals_ht',
      'm.away_goals_ht', 'm.referee', 'm.source_ids', 'r.checksum as source_checksum',
    ])
    .orderBy('m.id')
    .execute();
  const matchRows: Row[] = matches.map((m) => ({ ...m, source_ids: sortedJson(m.source_ids), source_checksum: m.source_checksum ?? null }));
  const stats = await db
    .selectFrom('match_stats')
    .select(['match_id', 'side', 'shots', 'shots_on_target', 'corners', 'fouls', 'yellow_cards', 'red_cards'])
    .orderBy('match_id')
    .orderBy('side')
    .execute();
  const odds = await db.selectFrom('odds').select(['match_id', 'bookmaker', 'kind', 'home', 'draw', 'away']).orderBy('match_id').orderBy('bookmaker').orderBy('kind').execute();
  const totals = await db
    .selectFrom('odds_totals')
    .select(['match_id', 'bookmaker', 'kind', 'line', 'over', 'under'])
    .orderBy('match_id')
    .orderBy('bookmaker')
    .orderBy('kind')
    .orderBy('line')
    .execute();
  const runs = await sql<{ source: string; file: string; checksum: string; rows_read: number }>`
    select distinct r.source, r.file, r.checksum, r.rows_read
    from ingestion_runs r where r.id in (select distinct ingestion_run_id from matches where ingestion_run_id is not null)`.execute(db);
  const sources = runs.rows
    .map((r) => ({ source: r.source, file: shortFile(r.file), checksum: r.checksum, rows: Number(r.rows_read) }))
    .sort((x, y) => cmp(x.source, y.source) || cmp(x.file, y.file) || cmp(x.checksum, y.checksum) || x.rows - y.rows);
  const uniq = sources.filter((s, i) => i === 0 || JSON.stringify(s) !== JSON.stringify(sources[i - 1]));
  return {
    matches: { name: 'matches', columns: MATCH_COLUMNS, rows: matchRows },
    match_stats: { name: 'match_stats', columns: MATCH_STATS_COLUMNS, rows: stats as Row[] },
    odds: { name: 'odds', columns: ODDS_COLUMNS, rows: odds as Row[] },
    odds_totals: { name: 'odds_totals', columns: ODDS_TOTALS_COLUMNS, rows: totals as Row[] },
    sources: uniq,
  };
}

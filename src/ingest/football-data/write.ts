/**
 * The write side of the football-data loader: everything one parsed file writes, inside the
 * caller's transaction (competition, season, teams, matches on their natural key, stats and
 * prices). Batched with `insert … select from unnest(…)`; see load.ts for why.
 */
import { sql, type Kysely } from 'kysely';
import type { OddsKind } from '../../domain/types.ts';
import type { Database } from '../../warehouse/schema.ts';
import { resolveTeams } from '../teams.ts';
import { CsvFormatError, type ParsedFile, type ParsedMatch } from './parse.ts';

import { COMPETITIONS, FOOTBALL_DATA_SOURCE } from './competitions.ts';
import { fingerprint, footballDataSourceId, statRows, type OddsValues, type StatValues, type TotalsValues } from './match-values.ts';
import { storedFingerprints } from './stored-fingerprints.ts';

export { COMPETITIONS, FOOTBALL_DATA_SOURCE };
export { footballDataSourceId };

const MATCH_CHUNK = 1000;
const CHILD_CHUNK = 5000;

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------

export interface WriteCounts {
  runId: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A match of the file that must be written (new, or different from what is stored). */
interface Pending {
  m: ParsedMatch;
  /** `${home_team_id}:${away_team_id}` — with the season, the natural key. */
  key: string;
  home: number;
  away: number;
  sourceId: string;
  stats: StatValues[];
  odds: OddsValues[];
  totals: TotalsValues[];
  existingId: number | undefined;
}

async function ensureCompetitionAndSeason(trx: Kysely<Database>, league: string, season: string) {
  const comp = Object.hasOwn(COMPETITIONS, league) ? COMPETITIONS[league] : undefined;
  await trx
    .insertInto('competitions')
    .values({ code: league, name: comp?.name ?? league, country: comp?.country ?? null })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const { id: competitionId } = await trx
    .selectFrom('competitions')
    .select('id')
    .where('code', '=', league)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('seasons')
    .values({ competition_id: competitionId, name: season })
    .onConflict((oc) => oc.columns(['competition_id', 'name']).doNothing())
    .execute();
  const { id: seasonId } = await trx
    .selectFrom('seasons')
    .select('id')
    .where('competition_id', '=', competitionId)
    .where('name', '=', season)
    .executeTakeFirstOrThrow();
  return { competitionId, seasonId };
}

/** Insert or update matches on their natural key; returns their ids by key. Rows go as arrays. */
async function upsertMatches(
  trx: Kysely<Database>,
  ids: { competitionId: number; seasonId: number; runId: number },
  pending: Pending[],
): Promise<Map<string, number>> {
  const idByKey = new Map<string, number>();
  for (const chunk of chunks(pending, MATCH_CHUNK)) {
    const col = <T>(f: (p: Pending) => T) => chunk.map(f);
    const res = await sql<{ id: number; home_team_id: number; away_team_id: number }>`
      insert into matches (competition_id, season_id, kickoff_date, kickoff_time, home_team_id, away_team_id,
        status, home_goals, away_goals, home_goals_ht, away_goals_ht, referee, source_ids, ingestion_run_id)
      select ${ids.competitionId}::int, ${ids.seasonId}::int, d, t, h, a, 'finished', hg, ag, hhg, hag, r, s, ${ids.runId}::int
      from unnest(
        ${col((p) => p.m.date)}::date[], ${col((p) => p.m.time)}::text[],
        ${col((p) => p.home)}::int[], ${col((p) => p.away)}::int[],
        ${col((p) => p.m.fthg)}::int[], ${col((p) => p.m.ftag)}::int[],
        ${col((p) => p.m.hthg)}::int[], ${col((p) => p.m.htag)}::int[],
        ${col((p) => p.m.referee)}::text[],
        ${col((p) => JSON.stringify({ [FOOTBALL_DATA_SOURCE]: p.sourceId }))}::jsonb[]
      ) as u(d, t, h, a, hg, ag, hhg, hag, r, s)
      on conflict (season_id, home_team_id, away_team_id) do update set
        competition_id = excluded.competition_id,
        kickoff_date = excluded.kickoff_date,
        kickoff_time = excluded.kickoff_time,
        status = excluded.status,
        home_goals = excluded.home_goals,
        away_goals = excluded.away_goals,
        home_goals_ht = excluded.home_goals_ht,
        away_goals_ht = excluded.away_goals_ht,
        referee = excluded.referee,
        source_ids = matches.source_ids || excluded.source_ids, -- keep other sources' ids
        ingestion_run_id = excluded.ingestion_run_id,
        updated_at = now()
      returning id, home_team_id, away_team_id`.execute(trx);
    for (const r of res.rows) idByKey.set(`${r.home_team_id}:${r.away_team_id}`, r.id);
  }
  return idByKey;
}

/**
 * A reloaded file whose cell is the archive's "no price" (0 to 1) where the warehouse holds a
 * real price of that bookmaker and kind would delete the stored price; refuse it naming the cell.
 */
async function refuseDeletingPrices(trx: Kysely<Database>, file: string, pending: Pending[]): Promise<void> {
  const suspects = pending.filter((p) => p.existingId !== undefined && p.m.noPrice.length > 0);
  if (suspects.length === 0) return;
  const stored = new Set<string>();
  for (const ids of chunks(suspects.map((p) => p.existingId!), CHILD_CHUNK)) {
    const rows = await trx.selectFrom('odds').select(['match_id', 'bookmaker', 'kind']).where('match_id', 'in', ids).execute();
    for (const r of rows) stored.add(`${r.match_id}|${r.bookmaker}|${r.kind}`);
  }
  for (const p of suspects) {
    const hit = p.m.noPrice.find((n) => stored.has(`${p.existingId}|${n.bookmaker}|${n.kind}`));
    if (hit) {
      throw new CsvFormatError(file, p.m.line, hit.column, `a decimal price above 1: this match has a stored ${hit.bookmaker} ${hit.kind} price, which "no price" (0 to 1) would delete`, hit.value);
    }
  }
}

/** Replace stats and prices of the written matches (delete those of changed ones, insert all). */
async function replaceChildren(trx: Kysely<Database>, pending: Pending[], idByKey: Map<string, number>): Promise<void> {
  const replacedIds = pending.flatMap((p) => (p.existingId !== undefined ? [p.existingId] : []));
  for (const ids of chunks(replacedIds, CHILD_CHUNK)) {
    await trx.deleteFrom('match_stats').where('match_id', 'in', ids).execute();
    await trx.deleteFrom('odds').where('match_id', 'in', ids).execute();
    await trx.deleteFrom('odds_totals').where('match_id', 'in', ids).execute();
  }
  const stats: [number, ...StatValues][] = [];
  const odds: [number, ...OddsValues][] = [];
  const totals: [number, ...TotalsValues][] = [];
  for (const p of pending) {
    const id = idByKey.get(p.key)!;
    for (const r of p.stats) stats.push([id, ...r]);
    for (const r of p.odds) odds.push([id, ...r]);
    for (const r of p.totals) totals.push([id, ...r]);
  }
  const col = <R extends unknown[]>(rows: R[], i: number) => rows.map((r) => r[i]);
  for (const c of chunks(stats, CHILD_CHUNK)) {
    await sql`insert into match_stats (match_id, side, shots, shots_on_target, corners, fouls, yellow_cards, red_cards)
      select * from unnest(${col(c, 0)}::int[], ${col(c, 1)}::text[], ${col(c, 2)}::int[], ${col(c, 3)}::int[],
        ${col(c, 4)}::int[], ${col(c, 5)}::int[], ${col(c, 6)}::int[], ${col(c, 7)}::int[])`.execute(trx);
  }
  for (const c of chunks(odds, CHILD_CHUNK)) {
    await sql`insert into odds (match_id, bookmaker, kind, home, draw, away)
      select * from unnest(${col(c, 0)}::int[], ${col(c, 1)}::text[], ${col(c, 2)}::text[],
        ${col(c, 3)}::float8[], ${col(c, 4)}::float8[], ${col(c, 5)}::float8[])`.execute(trx);
  }
  for (const c of chunks(totals, CHILD_CHUNK)) {
    await sql`insert into odds_totals (match_id, bookmaker, kind, line, over, under)
      select * from unnest(${col(c, 0)}::int[], ${col(c, 1)}::text[], ${col(c, 2)}::text[],
        ${col(c, 3)}::float8[], ${col(c, 4)}::float8[], ${col(c, 5)}::float8[])`.execute(trx);
  }
}

/** The transaction body: everything a parsed file writes. */
export async function writeParsed(trx: Kysely<Database>, parsed: ParsedFile, label: string, checksum: string): Promise<WriteCounts> {
  const run = await trx
    .insertInto('ingestion_runs')
    .values({ source: FOOTBALL_DATA_SOURCE, file: label, checksum, status: 'running', rows_read: parsed.matches.length })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { competitionId, seasonId } = await ensureCompetitionAndSeason(trx, parsed.league, parsed.season);
  const teamIds = await resolveTeams(
    trx,
    parsed.matches.flatMap((m) => [m.home, m.away]),
    FOOTBALL_DATA_SOURCE,
  );
  const existing = await storedFingerprints(trx, seasonId);

  // Classify the file's matches: unchanged ones are not written at all.
  const pending: Pending[] = [];
  const byKey = new Map<string, ParsedMatch>();
  let unchanged = 0;
  for (const m of parsed.matches) {
    const home = teamIds.get(m.home)!;
    const away = teamIds.get(m.away)!;
    const key = `${home}:${away}`;
    // Two spellings of one club (an alias) can make two rows the same fixture.
    const twin = byKey.get(key);
    if (twin) {
      throw new CsvFormatError(
        parsed.file,
        m.line,
        'HomeTeam',
        `each fixture once per file, but ${m.home} v ${m.away} is the same fixture as ${twin.home} v ${twin.away} on line ${twin.line}`,
      );
    }
    if (home === away) {
      throw new CsvFormatError(parsed.file, m.line, 'AwayTeam', `two different teams, but "${m.home}" and "${m.away}" are the same team`);
    }
    byKey.set(key, m);
    const sourceId = footballDataSourceId(parsed.league, parsed.season, m);
    const stats = statRows(m);
    const odds = m.odds.map((o): OddsValues => [o.bookmaker, o.kind, o.home, o.draw, o.away]);
    const totals = m.totals.map((o): TotalsValues => [o.bookmaker, o.kind, o.line, o.over, o.under]);
    const prev = existing.get(key);
    if (prev) {
      const fp = fingerprint(
        {
          competition_id: competitionId,
          kickoff_date: m.date,
          kickoff_time: m.time,
          status: 'finished',
          home_goals: m.fthg,
          away_goals: m.ftag,
          home_goals_ht: m.hthg,
          away_goals_ht: m.htag,
          referee: m.referee,
          sourceId,
        },
        stats,
        odds,
        totals,
      );
      if (fp === prev.fp) {
        unchanged++;
        continue;
      }
    }
    pending.push({ m, key, home, away, sourceId, stats, odds, totals, existingId: prev?.id });
  }

  await refuseDeletingPrices(trx, parsed.file, pending);
  const idByKey = await upsertMatches(trx, { competitionId, seasonId, runId: run.id }, pending);
  await replaceChildren(trx, pending, idByKey);

  const updated = pending.filter((p) => p.existingId !== undefined).length;
  const inserted = pending.length - updated;
  await trx
    .updateTable('ingestion_runs')
    .set({ status: 'success', inserted, updated, unchanged, finished_at: sql<Date>`now()` })
    .where('id', '=', run.id)
    .execute();
  return { runId: run.id, inserted, updated, unchanged };
}


/**
 * Load football-data.co.uk CSVs into the warehouse.
 *
 * Per file:
 *  1. read the bytes, sha256 them; a file whose checksum already has a successful
 *     `football-data` ingestion run is skipped ('unchanged', nothing written);
 *  2. parse the whole file (parse.ts) and check it against the `{DIV}/{YYYY-YYYY}.csv` path
 *     it sits at, if it sits at one — nothing is written before the file is known to be good;
 *  3. ONE transaction: the ingestion run, competition, season, teams (teams.ts), then matches
 *     upserted on their natural key (season, home, away) with their statistics, 1X2 odds and
 *     over/under odds. A match whose stored values (row, stats or prices) already equal the
 *     file's is not written at all ('unchanged', updated_at kept); a changed one is rewritten
 *     and its stats/odds replaced, so a price removed upstream is removed here.
 *
 * Failures: any error (bad file, path mismatch, database error) rolls the transaction back, so
 * no row of the file is left behind; then a `failed` ingestion run holding the error message is
 * recorded OUTSIDE that transaction (an audit trail; never consulted by the checksum skip), and
 * the error is rethrown. Pass `recordFailures: false` to record nothing.
 *
 * Writes are batched: one `insert … select from unnest($1::int[], $2::text[], …)` per chunk of
 * rows, i.e. a handful of array parameters per statement instead of one parameter per value.
 * PGlite pays per statement and per parameter: loading every bundled file (26,557 matches,
 * ~525,000 stats/price rows) into in-memory PGlite took 26 s with Kysely multi-row VALUES
 * (500-row chunks) and 13 s this way, on an idle 2-core box; the rest is the per-row cost of
 * the primary keys, foreign keys and checks.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { OddsKind } from '../../domain/types.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import type { Database } from '../../warehouse/schema.ts';
import { resolveTeams } from '../teams.ts';
import { CsvFormatError, parseFootballDataCsv, type ParsedFile, type ParsedMatch } from './parse.ts';

export const FOOTBALL_DATA_SOURCE = 'football-data';

/** Names of the divisions football-data.co.uk publishes; an unknown Div is named by its code. */
export const COMPETITIONS: Readonly<Record<string, { name: string; country: string }>> = {
  E0: { name: 'Premier League', country: 'England' },
  E1: { name: 'Championship', country: 'England' },
  E2: { name: 'League One', country: 'England' },
  E3: { name: 'League Two', country: 'England' },
  EC: { name: 'National League', country: 'England' },
  SC0: { name: 'Premiership', country: 'Scotland' },
  D1: { name: 'Bundesliga', country: 'Germany' },
  D2: { name: '2. Bundesliga', country: 'Germany' },
  SP1: { name: 'La Liga', country: 'Spain' },
  SP2: { name: 'Segunda División', country: 'Spain' },
  I1: { name: 'Serie A', country: 'Italy' },
  I2: { name: 'Serie B', country: 'Italy' },
  F1: { name: 'Ligue 1', country: 'France' },
  F2: { name: 'Ligue 2', country: 'France' },
  N1: { name: 'Eredivisie', country: 'Netherlands' },
  B1: { name: 'First Division A', country: 'Belgium' },
  P1: { name: 'Primeira Liga', country: 'Portugal' },
  T1: { name: 'Süper Lig', country: 'Turkey' },
  G1: { name: 'Super League', country: 'Greece' },
};

export interface LoadFileOptions {
  /**
   * Division and season the file must hold. Default: taken from a `…/{DIV}/{YYYY-YYYY}.csv`
   * path (e.g. `E0/2022-2023.csv`), not checked for other layouts. `false` disables the check.
   */
  expect?: { league?: string; season?: string } | false;
  /** Load even when a successful run with the same checksum exists. */
  force?: boolean;
  /** Record a `failed` ingestion run when the file cannot be loaded (default true). */
  recordFailures?: boolean;
  /** Name stored in ingestion_runs.file and used in error messages; default: the path as given. */
  label?: string;
}

export interface FileLoadResult {
  file: string;
  /** sha256 of the file's bytes, hex. */
  checksum: string;
  status: 'loaded' | 'unchanged';
  /** From the file when loaded; null when skipped by checksum. */
  league: string | null;
  season: string | null;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Match rows in the file (for a skipped file: as recorded by the run that loaded it). */
  rows: number;
  /** The ingestion run that loaded this content (an earlier one when skipped). */
  runId: number;
}

export interface LoadFolderOptions extends Omit<LoadFileOptions, 'label' | 'expect'> {
  /** Called after each file: files done so far, total files, the file just handled. */
  onProgress?: (doneFiles: number, totalFiles: number, file: string) => void;
}

const MATCH_CHUNK = 1000;
const CHILD_CHUNK = 5000;
const PATH_RE = /(?:^|[\\/])((?:[A-Z]{1,3}\d|EC))[\\/](\d{4}-\d{4})\.csv$/i;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** UTF-8 (BOM allowed); a file that is not valid UTF-8 is read as Windows-1252 (Excel's export). */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** `{league, season}` implied by a `…/{DIV}/{YYYY-YYYY}.csv` path, or undefined for other layouts. */
export function expectationFromPath(filePath: string): { league: string; season: string } | undefined {
  const m = PATH_RE.exec(filePath);
  if (!m) return undefined;
  const [a, b] = m[2].split('-').map(Number);
  if (b !== a + 1) return undefined;
  return { league: m[1].toUpperCase(), season: m[2] };
}

function checkExpectation(parsed: ParsedFile, expect: { league?: string; season?: string }): void {
  if (expect.league !== undefined && parsed.league !== expect.league) {
    throw new CsvFormatError(
      parsed.file,
      parsed.matches[0].line,
      'Div',
      `division "${expect.league}" (from the file's path)`,
      parsed.league,
    );
  }
  if (expect.season !== undefined && parsed.season !== expect.season) {
    const first = parsed.matches.reduce((a, b) => (b.date < a.date ? b : a));
    throw new CsvFormatError(
      parsed.file,
      first.line,
      'Date',
      `season ${expect.season} (from the file's path), but the earliest match date ${first.date} is in ${parsed.season}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// fingerprints: the comparable content of one match (row + stats + prices)

interface MatchValues {
  competition_id: number;
  kickoff_date: string;
  kickoff_time: string | null;
  status: string;
  home_goals: number | null;
  away_goals: number | null;
  home_goals_ht: number | null;
  away_goals_ht: number | null;
  referee: string | null;
  sourceId: string | null;
}
type StatValues = [side: string, ...values: (number | null)[]];
type OddsValues = [bookmaker: string, kind: string, home: number, draw: number, away: number];
type TotalsValues = [bookmaker: string, kind: string, line: number, over: number, under: number];

const byKey = (a: readonly unknown[], b: readonly unknown[]) => {
  const ka = `${a[0]}|${a[1]}|${a[2]}`;
  const kb = `${b[0]}|${b[1]}|${b[2]}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function fingerprint(m: MatchValues, stats: StatValues[], odds: OddsValues[], totals: TotalsValues[]): string {
  return JSON.stringify([
    m.competition_id,
    m.kickoff_date,
    m.kickoff_time,
    m.status,
    m.home_goals,
    m.away_goals,
    m.home_goals_ht,
    m.away_goals_ht,
    m.referee,
    m.sourceId,
    [...stats].sort(byKey),
    [...odds].sort(byKey),
    [...totals].sort(byKey),
  ]);
}

function statRows(m: ParsedMatch): StatValues[] {
  const out: StatValues[] = [];
  for (const side of ['home', 'away'] as const) {
    const s = m.stats[side];
    const values = [s.shots, s.shotsOnTarget, s.corners, s.fouls, s.yellow, s.red];
    if (values.some((v) => v !== null)) out.push([side, ...values]);
  }
  return out;
}

export function footballDataSourceId(league: string, season: string, m: ParsedMatch): string {
  return `${league}/${season}/${m.date}/${m.home}/${m.away}`;
}

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------

interface WriteCounts {
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
  const comp = COMPETITIONS[league];
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

/** Fingerprints of the season's stored matches, by natural key. */
async function storedFingerprints(trx: Kysely<Database>, seasonId: number): Promise<Map<string, { id: number; fp: string }>> {
  const out = new Map<string, { id: number; fp: string }>();
  const matches = await trx
    .selectFrom('matches')
    .select([
      'id',
      'home_team_id',
      'away_team_id',
      'competition_id',
      'kickoff_date',
      'kickoff_time',
      'status',
      'home_goals',
      'away_goals',
      'home_goals_ht',
      'away_goals_ht',
      'referee',
      'source_ids',
    ])
    .where('season_id', '=', seasonId)
    .execute();
  if (matches.length === 0) return out;

  const stats = new Map<number, StatValues[]>();
  const odds = new Map<number, OddsValues[]>();
  const totals = new Map<number, TotalsValues[]>();
  const push = <T>(m: Map<number, T[]>, k: number, v: T) => {
    const arr = m.get(k);
    if (arr) arr.push(v);
    else m.set(k, [v]);
  };
  for (const r of await trx
    .selectFrom('match_stats')
    .innerJoin('matches', 'matches.id', 'match_stats.match_id')
    .where('matches.season_id', '=', seasonId)
    .selectAll('match_stats')
    .execute()) {
    push(stats, r.match_id, [r.side, r.shots, r.shots_on_target, r.corners, r.fouls, r.yellow_cards, r.red_cards]);
  }
  for (const r of await trx
    .selectFrom('odds')
    .innerJoin('matches', 'matches.id', 'odds.match_id')
    .where('matches.season_id', '=', seasonId)
    .selectAll('odds')
    .execute()) {
    push(odds, r.match_id, [r.bookmaker, r.kind, r.home, r.draw, r.away]);
  }
  for (const r of await trx
    .selectFrom('odds_totals')
    .innerJoin('matches', 'matches.id', 'odds_totals.match_id')
    .where('matches.season_id', '=', seasonId)
    .selectAll('odds_totals')
    .execute()) {
    push(totals, r.match_id, [r.bookmaker, r.kind, r.line, r.over, r.under]);
  }
  for (const r of matches) {
    const sourceIds = (typeof r.source_ids === 'string' ? JSON.parse(r.source_ids) : r.source_ids) as Record<string, string>;
    const fp = fingerprint(
      {
        competition_id: r.competition_id,
        kickoff_date: r.kickoff_date,
        kickoff_time: r.kickoff_time,
        status: r.status,
        home_goals: r.home_goals,
        away_goals: r.away_goals,
        home_goals_ht: r.home_goals_ht,
        away_goals_ht: r.away_goals_ht,
        referee: r.referee,
        sourceId: sourceIds?.[FOOTBALL_DATA_SOURCE] ?? null,
      },
      stats.get(r.id) ?? [],
      odds.get(r.id) ?? [],
      totals.get(r.id) ?? [],
    );
    out.set(`${r.home_team_id}:${r.away_team_id}`, { id: r.id, fp });
  }
  return out;
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
async function writeParsed(trx: Kysely<Database>, parsed: ParsedFile, label: string, checksum: string): Promise<WriteCounts> {
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

async function recordFailure(
  wh: Warehouse,
  label: string,
  checksum: string,
  rows: number,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  try {
    await wh.db
      .insertInto('ingestion_runs')
      .values({
        source: FOOTBALL_DATA_SOURCE,
        file: label,
        checksum,
        status: 'failed',
        rows_read: rows,
        error: message.slice(0, 4000),
        finished_at: sql<Date>`now()`,
      })
      .execute();
  } catch {
    // best effort: the original error is what the caller needs
  }
}

/** Load one football-data.co.uk CSV. Throws (CsvFormatError for a malformed file) with nothing of it written. */
export async function loadFootballDataFile(
  wh: Warehouse,
  filePath: string,
  opts: LoadFileOptions = {},
): Promise<FileLoadResult> {
  const label = opts.label ?? filePath;
  const bytes = await readFile(filePath);
  const checksum = sha256(bytes);

  if (!opts.force) {
    const prev = await wh.db
      .selectFrom('ingestion_runs')
      .select(['id', 'rows_read'])
      .where('source', '=', FOOTBALL_DATA_SOURCE)
      .where('checksum', '=', checksum)
      .where('status', '=', 'success')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (prev) {
      return {
        file: label,
        checksum,
        status: 'unchanged',
        league: null,
        season: null,
        inserted: 0,
        updated: 0,
        unchanged: prev.rows_read,
        rows: prev.rows_read,
        runId: prev.id,
      };
    }
  }

  let parsed: ParsedFile | undefined;
  try {
    parsed = parseFootballDataCsv(decodeCsv(bytes), label);
    const expect = opts.expect === false ? undefined : (opts.expect ?? expectationFromPath(filePath));
    if (expect) checkExpectation(parsed, expect);
    const p = parsed;
    const counts = await wh.db.transaction().execute((trx) => writeParsed(trx, p, label, checksum));
    return {
      file: label,
      checksum,
      status: 'loaded',
      league: p.league,
      season: p.season,
      rows: p.matches.length,
      ...counts,
    };
  } catch (e) {
    if (opts.recordFailures !== false) await recordFailure(wh, label, checksum, parsed?.matches.length ?? 0, e);
    throw e;
  }
}

/** Every `*.csv` below `folder` (any depth), sorted by path. */
export async function listCsvFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.csv')) out.push(p);
    }
  };
  await walk(folder);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Load every CSV below a folder, in path order, one transaction per file. Stops at the first
 * file that fails (files before it stay loaded) and rethrows its error.
 */
export async function loadFootballDataFolder(
  wh: Warehouse,
  folder: string,
  opts: LoadFolderOptions = {},
): Promise<FileLoadResult[]> {
  const { onProgress, ...fileOpts } = opts;
  const files = await listCsvFiles(folder);
  const results: FileLoadResult[] = [];
  for (const [i, file] of files.entries()) {
    results.push(await loadFootballDataFile(wh, file, fileOpts));
    onProgress?.(i + 1, files.length, file);
  }
  return results;
}

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
import type { Warehouse } from '../../warehouse/db.ts';
import type { Database } from '../../warehouse/schema.ts';
import { CsvFormatError, parseFootballDataCsv, type ParsedFile } from './parse.ts';
import { errorText } from './error-text.ts';
import { FOOTBALL_DATA_SOURCE, writeParsed } from './write.ts';

export { COMPETITIONS, FOOTBALL_DATA_SOURCE, footballDataSourceId } from './write.ts';

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

async function recordFailure(
  wh: Warehouse,
  label: string,
  checksum: string,
  rows: number,
  error: unknown,
): Promise<void> {
  const message = errorText(error);
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

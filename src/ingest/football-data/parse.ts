/**
 * football-data.co.uk CSV → records. Pure: text in, records out, no I/O, no clock.
 *
 * Quirks handled (see data/PROVENANCE.md §2.1): UTF-8 BOM, CRLF / LF / CR (mixed too),
 * dd/mm/yy and dd/mm/yyyy, trailing all-comma rows, header drift (everything is read by
 * header name), blank or zero prices, `Time` only from 2019-20, `Referee` missing.
 *
 * Anything malformed throws `CsvFormatError` naming the file, the 1-based line, the column and
 * what was expected. Nothing is guessed: a file either parses completely or not at all.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { outcomeOf } from '../../domain/types.ts';
import { cellsOf, goals, kickoff, optCount, optGoals, price, type Cells } from './cells.ts';
import { readHeader, type Layout } from './header.ts';
import { CsvFormatError, type ParsedFile, type ParsedMatch, type NoPriceCell, type ParsedOdds, type ParsedTotals, type SideStats } from './records.ts';

export { CsvFormatError, type ParsedFile, type ParsedMatch, type ParsedOdds, type ParsedTotals, type SideStats };

const DATE_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/;

/** `dd/mm/yy` or `dd/mm/yyyy` (day first) → ISO, or null when not a real date. */
export function parseFootballDataDate(s: string): string | null {
  const m = DATE_RE.exec(s.trim());
  if (!m) return null;
  const day = Number(m[1]);
  const month = Number(m[2]);
  let year = Number(m[3]);
  // Two-digit years are 20yy; football-data's archive starts in 1993, so 90-99 are 19yy.
  if (m[3].length === 2) year += year >= 90 ? 1900 : 2000;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Season of a match date: one starting in June or later belongs to that year's season. */
export function seasonOfDate(iso: string): string {
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const start = month >= 6 ? year : year - 1;
  return `${start}-${start + 1}`;
}

interface CsvRecordWithInfo {
  record: string[];
  info: { lines: number };
}

/** Parse a whole file: decode → header → rows → cells → match records. */
export function parseFootballDataCsv(text: string, file: string): ParsedFile {
  const rows = decodeRows(text, file);
  if (rows.length === 0) throw new CsvFormatError(file, 1, null, 'a header row starting with Div', '');
  const layout = readHeader(rows[0].record, file);
  const matches = readMatches(rows.slice(1), layout, file);
  const first = matches[0];
  if (first === undefined) throw new CsvFormatError(file, 2, null, 'at least one match row after the header', '');
  const earliest = matches.reduce((e, m) => (m.date < e.date ? m : e), first);
  return { file, league: first.league, season: seasonOfDate(earliest.date), columns: layout.header, matches };
}

/** Step 1, decode: CSV text → records with their line counts (BOM, CRLF / LF / CR handled). */
function decodeRows(text: string, file: string): CsvRecordWithInfo[] {
  try {
    return parse(text, {
      bom: true,
      info: true,
      relax_column_count: true, // field counts are checked per row, naming the column
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as CsvRecordWithInfo[];
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    // csv-parse reports the line it was on and the index of the field it was reading.
    const lines = typeof e.lines === 'number' ? e.lines : 1;
    const index = typeof e.index === 'number' ? e.index : undefined;
    const header = headerOf(text);
    const column = index !== undefined ? (header[index] || `field ${index + 1}`) : null;
    throw new CsvFormatError(file, lines, column, `well-formed CSV (${e.code}: ${e.message})`);
  }
}

function countLineBreaks(fields: string[]): number {
  let n = 0;
  for (const f of fields) {
    if (f.includes('\n') || f.includes('\r')) n += f.match(/\r\n|\n|\r/g)?.length ?? 0;
  }
  return n;
}

/** Step 2, rows: each non-blank data row → a match; one division per file, each fixture once. */
function readMatches(rows: CsvRecordWithInfo[], layout: Layout, file: string): ParsedMatch[] {
  const matches: ParsedMatch[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of rows) {
    const line = info.lines - countLineBreaks(record);
    if (record.every((f) => f.trim() === '')) continue; // `,,,,,` trailing rows
    checkFieldCount(record, layout.header, file, line);
    const cells = cellsOf(record, layout.header, file, line);
    matches.push(readMatch(cells, layout, line, { league: matches[0]?.league, seen }));
  }
  return matches;
}

function checkFieldCount(record: string[], header: string[], file: string, line: number): void {
  if (record.length === header.length) return;
  if (record.length < header.length) {
    throw new CsvFormatError(file, line, header[record.length] || `field ${record.length + 1}`,
      `${header.length} fields as in the header, found only ${record.length} (row ends before this column)`);
  }
  throw new CsvFormatError(file, line, `field ${header.length + 1} (after ${header[header.length - 1] || 'the last column'})`,
    `${header.length} fields as in the header, found ${record.length}`);
}

/** What earlier rows fixed: the file's division and the fixtures seen (with their lines). */
interface Earlier {
  league: string | undefined;
  seen: Map<string, number>;
}

/** Step 3, cells: one row's cells → a match record. */
function readMatch(c: Cells, l: Layout, line: number, earlier: Earlier): ParsedMatch {
  const div = c.raw(l.div);
  if (div === '') c.fail('Div', 'a division code');
  const { league, seen } = earlier;
  if (league !== undefined && div !== league) c.fail('Div', `the same division as the first row ("${league}")`, div);
  const date = parseFootballDataDate(c.raw(l.date)) ?? c.fail('Date', 'a date dd/mm/yy or dd/mm/yyyy', c.raw(l.date));
  const time = kickoff(c, l.time);
  const home = c.raw(l.home);
  const away = c.raw(l.away);
  if (home === '') c.fail('HomeTeam', 'a team name', '');
  if (away === '') c.fail('AwayTeam', 'a team name', '');
  if (home === away) c.fail('AwayTeam', `a team other than the home team "${home}"`, away);
  const prev = seen.get(`${home}\u0000${away}`);
  if (prev !== undefined) c.fail('HomeTeam', `each fixture once per file (${home} v ${away} is already on line ${prev})`, home);
  seen.set(`${home}\u0000${away}`, line);
  const fthg = goals(c, l.fthg, 'FTHG');
  const ftag = goals(c, l.ftag, 'FTAG');
  if (l.ftr !== undefined) {
    const ftr = c.raw(l.ftr);
    const want = outcomeOf(fthg, ftag);
    if (ftr !== want) c.fail('FTR', `"${want}" for a ${fthg}-${ftag} score`, ftr);
  }
  const hthg = optGoals(c, l.hthg, 'HTHG');
  const htag = optGoals(c, l.htag, 'HTAG');
  const referee = l.referee !== undefined && c.raw(l.referee) !== '' ? c.raw(l.referee).replace(/\s+/g, ' ') : null;
  const stats = { home: {} as SideStats, away: {} as SideStats };
  for (const s of l.stats) {
    stats.home[s.key] = optCount(c, s.home, s.names[0]);
    stats.away[s.key] = optCount(c, s.away, s.names[1]);
  }
  return { league: div, date, time, home, away, fthg, ftag, hthg, htag, referee, stats, ...readPrices(c, l), line };
}

/** Step 4, prices: a bookmaker's 1X2 triple (or over/under pair) is kept only when every price is present. */
function readPrices(c: Cells, l: Layout): { odds: ParsedOdds[]; totals: ParsedTotals[]; noPrice: NoPriceCell[] } {
  const odds: ParsedOdds[] = [];
  const noPrice: NoPriceCell[] = [];
  for (const s of l.odds) {
    const [h, d, a] = s.idx.map((i, k) => price(c, i, s.names[k]));
    if (h !== null && d !== null && a !== null) odds.push({ bookmaker: s.bookmaker, kind: s.kind, home: h, draw: d, away: a });
    s.idx.forEach((i, k) => {
      if (c.raw(i) !== '' && [h, d, a][k] === null) noPrice.push({ bookmaker: s.bookmaker, kind: s.kind, column: s.names[k]!, value: c.raw(i) });
    });
  }
  const totals: ParsedTotals[] = [];
  for (const s of l.totals) {
    const [o, u] = s.idx.map((i, k) => price(c, i, s.names[k]));
    if (o !== null && u !== null) totals.push({ bookmaker: s.bookmaker, kind: s.kind, line: s.line, over: o, under: u });
  }
  return { odds, totals, noPrice };
}

/** The header fields of a file that csv-parse rejected, for naming the column of an error. */
function headerOf(text: string): string[] {
  const first = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  return first.split(',').map((h) => h.trim());
}

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
import { outcomeOf, type OddsKind } from '../../domain/types.ts';
import { ODDS_COLUMNS, REQUIRED_COLUMNS, STAT_COLUMNS, TOTALS_COLUMNS } from './columns.ts';

export interface SideStats {
  shots: number | null;
  shotsOnTarget: number | null;
  corners: number | null;
  fouls: number | null;
  yellow: number | null;
  red: number | null;
}

export interface ParsedOdds {
  bookmaker: string;
  kind: OddsKind;
  home: number;
  draw: number;
  away: number;
}

export interface ParsedTotals {
  bookmaker: string;
  kind: OddsKind;
  line: number;
  over: number;
  under: number;
}

export interface ParsedMatch {
  /** football-data `Div`, e.g. `E0`. */
  league: string;
  /** ISO `YYYY-MM-DD`. */
  date: string;
  /** Kick-off `HH:MM` (UK time), null before 2019-20 or when blank. */
  time: string | null;
  home: string;
  away: string;
  fthg: number;
  ftag: number;
  hthg: number | null;
  htag: number | null;
  referee: string | null;
  stats: { home: SideStats; away: SideStats };
  /** 1X2 prices; a (bookmaker, kind) is present only when all three prices are numbers > 1. */
  odds: ParsedOdds[];
  /** Over/under prices; present only when both prices are numbers > 1. */
  totals: ParsedTotals[];
  /** 1-based line of the row in the file. */
  line: number;
}

export interface ParsedFile {
  /** The name the file was parsed under (used in error messages). */
  file: string;
  league: string;
  /** `YYYY-YYYY`, from the earliest match date (a season starts in June or later). */
  season: string;
  /** Header names as read (BOM removed, trimmed). */
  columns: string[];
  matches: ParsedMatch[];
}

/** A malformed file. `line` is 1-based; `column` is a header name (or a description when there is none). */
export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: string | null,
    readonly expected: string,
    readonly found?: string,
  ) {
    super(
      `${file}: line ${line}${column !== null ? `, column ${column}` : ''}: expected ${expected}` +
        (found !== undefined ? `, found ${JSON.stringify(found)}` : ''),
    );
  }
}

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const INT_RE = /^\d+$/;
const DATE_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/;
const TIME_RE = /^(\d{1,2}):(\d{2})$/;

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

function countLineBreaks(fields: string[]): number {
  let n = 0;
  for (const f of fields) {
    if (f.includes('\n') || f.includes('\r')) n += f.match(/\r\n|\n|\r/g)?.length ?? 0;
  }
  return n;
}

export function parseFootballDataCsv(text: string, file: string): ParsedFile {
  let rows: CsvRecordWithInfo[];
  try {
    rows = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true, // field counts are checked below, naming the column
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
  if (rows.length === 0) throw new CsvFormatError(file, 1, null, 'a header row starting with Div', '');

  // ---- header ----
  const header = rows[0].record.map((h) => h.replace(/^\uFEFF/, '').trim());
  const col = new Map<string, number>();
  header.forEach((h, i) => {
    if (h === '') return;
    if (col.has(h)) throw new CsvFormatError(file, 1, h, `each header name once (also column ${col.get(h)! + 1})`, h);
    col.set(h, i);
  });
  for (const req of REQUIRED_COLUMNS) {
    if (!col.has(req)) throw new CsvFormatError(file, 1, req, `a "${req}" column in the header`, header.join(','));
  }
  const has = (name: string) => col.has(name);
  const oddsSpecs = ODDS_COLUMNS.flatMap((s) => {
    const triple = s.triples.find((tr) => tr.every(has));
    return triple ? [{ bookmaker: s.bookmaker, kind: s.kind, idx: triple.map((c) => col.get(c)!), names: triple }] : [];
  });
  const totalsSpecs = TOTALS_COLUMNS.flatMap((s) => {
    const pair = s.pairs.find((p) => p.every(has));
    return pair
      ? [{ bookmaker: s.bookmaker, kind: s.kind, line: s.line, idx: pair.map((c) => col.get(c)!), names: pair }]
      : [];
  });
  const statSpecs = (Object.keys(STAT_COLUMNS) as (keyof SideStats)[]).map((k) => ({
    key: k,
    home: col.get(STAT_COLUMNS[k][0]),
    away: col.get(STAT_COLUMNS[k][1]),
    names: STAT_COLUMNS[k],
  }));
  const iDiv = col.get('Div')!;
  const iDate = col.get('Date')!;
  const iHome = col.get('HomeTeam')!;
  const iAway = col.get('AwayTeam')!;
  const iFthg = col.get('FTHG')!;
  const iFtag = col.get('FTAG')!;
  const iFtr = col.get('FTR');
  const iHthg = col.get('HTHG');
  const iHtag = col.get('HTAG');
  const iTime = col.get('Time');
  const iRef = col.get('Referee');

  // ---- rows ----
  const matches: ParsedMatch[] = [];
  const seen = new Map<string, number>();
  let league: string | undefined;
  let earliest: ParsedMatch | undefined;
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r];
    const line = info.lines - countLineBreaks(record);
    if (record.every((f) => f.trim() === '')) continue; // `,,,,,` trailing rows
    const fail = (column: string | null, expected: string, found?: string): never => {
      throw new CsvFormatError(file, line, column, expected, found);
    };
    if (record.length !== header.length) {
      if (record.length < header.length) {
        fail(
          header[record.length] || `field ${record.length + 1}`,
          `${header.length} fields as in the header, found only ${record.length} (row ends before this column)`,
        );
      }
      fail(`field ${header.length + 1} (after ${header[header.length - 1] || 'the last column'})`,
        `${header.length} fields as in the header, found ${record.length}`);
    }
    const raw = (i: number) => record[i].trim();

    const div = raw(iDiv);
    if (div === '') fail('Div', 'a division code');
    if (league === undefined) league = div;
    else if (div !== league) fail('Div', `the same division as the first row ("${league}")`, div);

    const date = parseFootballDataDate(raw(iDate)) ?? fail('Date', 'a date dd/mm/yy or dd/mm/yyyy', raw(iDate));

    let time: string | null = null;
    if (iTime !== undefined && raw(iTime) !== '') {
      const m = TIME_RE.exec(raw(iTime));
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) fail('Time', 'a kick-off time HH:MM', raw(iTime));
      time = `${m![1].padStart(2, '0')}:${m![2]}`;
    }

    const home = raw(iHome);
    const away = raw(iAway);
    if (home === '') fail('HomeTeam', 'a team name', '');
    if (away === '') fail('AwayTeam', 'a team name', '');
    if (home === away) fail('AwayTeam', `a team other than the home team "${home}"`, away);
    const key = `${home}\u0000${away}`;
    const prev = seen.get(key);
    if (prev !== undefined) fail('HomeTeam', `each fixture once per file (${home} v ${away} is already on line ${prev})`, home);
    seen.set(key, line);

    const goals = (i: number, name: string): number => {
      const v = raw(i);
      if (!INT_RE.test(v)) fail(name, 'a whole number of goals', v);
      return Number(v);
    };
    const optInt = (i: number | undefined, name: string, what: string): number | null => {
      if (i === undefined) return null;
      const v = raw(i);
      if (v === '') return null;
      if (!INT_RE.test(v)) fail(name, what, v);
      return Number(v);
    };
    const fthg = goals(iFthg, 'FTHG');
    const ftag = goals(iFtag, 'FTAG');
    if (iFtr !== undefined) {
      const ftr = raw(iFtr);
      const want = outcomeOf(fthg, ftag);
      if (ftr !== want) fail('FTR', `"${want}" for a ${fthg}-${ftag} score`, ftr);
    }
    const hthg = optInt(iHthg, 'HTHG', 'a whole number of goals or blank');
    const htag = optInt(iHtag, 'HTAG', 'a whole number of goals or blank');
    const referee = iRef !== undefined && raw(iRef) !== '' ? raw(iRef).replace(/\s+/g, ' ') : null;

    const stats = { home: {} as SideStats, away: {} as SideStats };
    for (const s of statSpecs) {
      stats.home[s.key] = optInt(s.home, s.names[0], 'a whole number or blank');
      stats.away[s.key] = optInt(s.away, s.names[1], 'a whole number or blank');
    }

    const price = (i: number, name: string): number | null => {
      const v = raw(i);
      if (v === '') return null;
      if (!NUMBER_RE.test(v)) fail(name, 'a decimal price or blank', v);
      const n = Number(v);
      return n > 1 ? n : null; // 0 and other non-prices appear in real files: treated as absent
    };
    const odds: ParsedOdds[] = [];
    for (const s of oddsSpecs) {
      const h = price(s.idx[0], s.names[0]);
      const d = price(s.idx[1], s.names[1]);
      const a = price(s.idx[2], s.names[2]);
      if (h !== null && d !== null && a !== null) odds.push({ bookmaker: s.bookmaker, kind: s.kind, home: h, draw: d, away: a });
    }
    const totals: ParsedTotals[] = [];
    for (const s of totalsSpecs) {
      const o = price(s.idx[0], s.names[0]);
      const u = price(s.idx[1], s.names[1]);
      if (o !== null && u !== null) totals.push({ bookmaker: s.bookmaker, kind: s.kind, line: s.line, over: o, under: u });
    }

    const m: ParsedMatch = {
      league: div,
      date,
      time,
      home,
      away,
      fthg,
      ftag,
      hthg,
      htag,
      referee,
      stats,
      odds,
      totals,
      line,
    };
    matches.push(m);
    if (!earliest || m.date < earliest.date) earliest = m;
  }
  if (!earliest || league === undefined) throw new CsvFormatError(file, 2, null, 'at least one match row after the header', '');
  return { file, league, season: seasonOfDate(earliest.date), columns: header, matches };
}

/** The header fields of a file that csv-parse rejected, for naming the column of an error. */
function headerOf(text: string): string[] {
  const first = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  return first.split(',').map((h) => h.trim());
}

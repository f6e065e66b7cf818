/** The header row of a football-data CSV → where each known column is. Pure. */
import { ODDS_COLUMNS, REQUIRED_COLUMNS, STAT_COLUMNS, TOTALS_COLUMNS } from './columns.ts';
import { CsvFormatError, type SideStats } from './records.ts';
import type { OddsKind } from '../../domain/types.ts';

export interface Layout {
  /** Header names as read (BOM removed, trimmed). */
  header: string[];
  div: number;
  date: number;
  home: number;
  away: number;
  fthg: number;
  ftag: number;
  ftr: number | undefined;
  hthg: number | undefined;
  htag: number | undefined;
  time: number | undefined;
  referee: number | undefined;
  odds: { bookmaker: string; kind: OddsKind; idx: number[]; names: readonly string[] }[];
  totals: { bookmaker: string; kind: OddsKind; line: number; idx: number[]; names: readonly string[] }[];
  stats: { key: keyof SideStats; home: number | undefined; away: number | undefined; names: readonly [string, string] }[];
}

/** Read the header: each name once, the required columns present, the price and stat columns found. */
export function readHeader(fields: string[], file: string): Layout {
  const header = fields.map((h) => h.replace(/^\uFEFF/, '').trim());
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
  const odds = ODDS_COLUMNS.flatMap((s) => {
    const triple = s.triples.find((tr) => tr.every(has));
    return triple ? [{ bookmaker: s.bookmaker, kind: s.kind, idx: triple.map((c) => col.get(c)!), names: triple }] : [];
  });
  const totals = TOTALS_COLUMNS.flatMap((s) => {
    const pair = s.pairs.find((p) => p.every(has));
    return pair
      ? [{ bookmaker: s.bookmaker, kind: s.kind, line: s.line, idx: pair.map((c) => col.get(c)!), names: pair }]
      : [];
  });
  const stats = (Object.keys(STAT_COLUMNS) as (keyof SideStats)[]).map((k) => ({
    key: k,
    home: col.get(STAT_COLUMNS[k][0]),
    away: col.get(STAT_COLUMNS[k][1]),
    names: STAT_COLUMNS[k],
  }));
  return {
    header,
    div: col.get('Div')!,
    date: col.get('Date')!,
    home: col.get('HomeTeam')!,
    away: col.get('AwayTeam')!,
    fthg: col.get('FTHG')!,
    ftag: col.get('FTAG')!,
    ftr: col.get('FTR'),
    hthg: col.get('HTHG'),
    htag: col.get('HTAG'),
    time: col.get('Time'),
    referee: col.get('Referee'),
    odds,
    totals,
    stats,
  };
}

/** The typed records a football-data CSV parses into, and the error naming where a file is malformed. */
import type { OddsKind } from '../../domain/types.ts';

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

export interface NoPriceCell {
  bookmaker: string;
  kind: OddsKind;
  column: string;
  value: string;
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
  /** 1X2 cells from 0 to 1, the archive's "no price": where they are, so that a reload can refuse to delete a stored price with one. */
  noPrice: NoPriceCell[];
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

/**
 * Reading one cell of a football-data row into a typed value. Each reader either returns the
 * value or calls `fail(column, expected, found)`, which throws a `CsvFormatError` naming the
 * file and line. Pure.
 *
 * Bounds: goals (full and half time) are whole numbers 0..MAX_GOALS (no professional match has
 * come near 30 goals for one side; a larger number is a corrupted cell); other counts are whole
 * numbers up to MAX_COUNT (PostgreSQL `int4`); prices are decimals: above 1 a price, from 0 to 1
 * "no price" (the archive writes them: 0 in E1 2018-19 line 348, 0.42 in D1 2019-20 line 261,
 * so refusing them would refuse real files), negative refused naming the cell. write.ts refuses
 * a "no price" cell that would delete a stored price of its bookmaker on a reload.
 */
import { CsvFormatError } from './records.ts';

export const MAX_GOALS = 30;
export const MAX_COUNT = 2_147_483_647;

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const INT_RE = /^\d+$/;
const TIME_RE = /^(\d{1,2}):(\d{2})$/;

export type Fail = (column: string | null, expected: string, found?: string) => never;

/** The trimmed cells of one row, with the failure function of its line. */
export interface Cells {
  raw(i: number): string;
  fail: Fail;
}

/** The cells of `record` at `line`; a NUL byte anywhere in a cell is refused naming its column. */
export function cellsOf(record: string[], header: string[], file: string, line: number): Cells {
  const fail: Fail = (column, expected, found) => {
    throw new CsvFormatError(file, line, column, expected, found);
  };
  record.forEach((f, i) => {
    if (f.includes('\u0000')) fail(header[i] || `field ${i + 1}`, 'text without NUL bytes', f);
  });
  return { raw: (i) => record[i].trim(), fail };
}

function wholeNumber(c: Cells, i: number, name: string, what: string, max: number): number {
  const v = c.raw(i);
  if (!INT_RE.test(v)) c.fail(name, what, v);
  const n = Number(v);
  if (n > max) c.fail(name, `${what} (at most ${max})`, v);
  return n;
}

export function goals(c: Cells, i: number, name: string): number {
  return wholeNumber(c, i, name, 'a whole number of goals', MAX_GOALS);
}

export function optGoals(c: Cells, i: number | undefined, name: string): number | null {
  if (i === undefined || c.raw(i) === '') return null;
  return wholeNumber(c, i, name, 'a whole number of goals or blank', MAX_GOALS);
}

export function optCount(c: Cells, i: number | undefined, name: string): number | null {
  if (i === undefined || c.raw(i) === '') return null;
  return wholeNumber(c, i, name, 'a whole number or blank', MAX_COUNT);
}

/** A price, or null when blank or 0..1 ("no price" in the archive); a negative one is refused. */
export function price(c: Cells, i: number, name: string): number | null {
  const v = c.raw(i);
  if (v === '') return null;
  if (!NUMBER_RE.test(v)) c.fail(name, 'a decimal price or blank', v);
  const n = Number(v);
  if (n < 0) c.fail(name, 'a decimal price (above 1; 0 to 1 or blank for none), not a negative number', v);
  return n > 1 ? n : null;
}

/** Kick-off `HH:MM`, or null when blank. */
export function kickoff(c: Cells, i: number | undefined): string | null {
  if (i === undefined || c.raw(i) === '') return null;
  const v = c.raw(i);
  const m = TIME_RE.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return c.fail('Time', 'a kick-off time HH:MM', v);
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}

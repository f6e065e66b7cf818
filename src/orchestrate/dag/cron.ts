/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC,
 * plus Airflow's presets (@hourly, @daily, @weekly = Sunday 00:00, @monthly, @yearly).
 *
 * Supported syntax per field: `*`, numbers, ranges `a-b`, steps `*\/n`, `a-b/n`, `a/n`, lists
 * `a,b`, month names JAN-DEC and day names SUN-SAT (7 is Sunday too). As in Vixie cron, when
 * both day fields are restricted (neither starts with `*`) a day matches if EITHER matches.
 */

const PRESETS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  namesFrom?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, namesFrom: 0 },
];

export class CronError extends Error {
  override name = 'CronError';
}

export interface Cron {
  readonly expression: string;
  /** True when `d` (to the minute, seconds ignored only if zero) is a fire time. */
  matches(d: Date): boolean;
  /** The first fire time strictly after `d`. */
  next(d: Date): Date;
  /** The last fire time strictly before `d`. */
  prev(d: Date): Date;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parseValue(raw: string, f: FieldSpec, expr: string): number {
  const upper = raw.toUpperCase();
  const byName = f.names?.indexOf(upper) ?? -1;
  const n = byName >= 0 ? byName + (f.namesFrom ?? 0) : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < f.min || n > f.max) {
    throw new CronError(`cron "${expr}": ${f.name} value "${raw}" is not in ${f.min}-${f.max}`);
  }
  return n;
}

function parseField(text: string, f: FieldSpec, expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') throw new CronError(`cron "${expr}": bad ${f.name} field "${text}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`cron "${expr}": bad step "${stepText}" in ${f.name}`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = f.min;
      hi = f.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = parseValue(a ?? '', f, expr);
      hi = parseValue(b ?? '', f, expr);
      if (hi < lo) throw new CronError(`cron "${expr}": ${f.name} range "${range}" is reversed`);
    } else {
      lo = parseValue(range, f, expr);
      hi = stepText === undefined ? lo : f.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  if (f.name === 'day-of-week' && out.has(7)) {
    out.delete(7);
    out.add(0);
  }
  return out;
}

/** Parse a cron expression or preset; throws CronError naming the bad field. */
export function parseCron(expression: string): Cron {
  const expr = expression.trim();
  const body = (Object.hasOwn(PRESETS, expr.toLowerCase()) ? PRESETS[expr.toLowerCase()] : undefined) ?? expr;
  if (body.startsWith('@')) throw new CronError(`cron "${expr}": unknown preset; expected one of ${Object.keys(PRESETS).join(', ')}`);
  const parts = body.split(/\s+/);
  if (parts.length !== 5) throw new CronError(`cron "${expr}": expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minutes, hours, doms, months, dows] = parts.map((p, i) => parseField(p, FIELDS[i]!, expr)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const domStar = parts[2]!.startsWith('*');
  const dowStar = parts[4]!.startsWith('*');
  const dayOk = (d: Date) => {
    const dom = doms.has(d.getUTCDate());
    const dow = dows.has(d.getUTCDay());
    if (!domStar && !dowStar) return dom || dow;
    return (domStar || dom) && (dowStar || dow);
  };
  const matches = (d: Date) =>
    d.getTime() % MINUTE === 0 &&
    months.has(d.getUTCMonth() + 1) &&
    dayOk(d) &&
    hours.has(d.getUTCHours()) &&
    minutes.has(d.getUTCMinutes());

  const LIMIT = 200_000; // enough for any valid expression over several years
  function next(after: Date): Date {
    let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
    for (let i = 0; i < LIMIT; i++) {
      const d = new Date(t);
      if (!months.has(d.getUTCMonth() + 1)) t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      else if (!dayOk(d)) t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + DAY;
      else if (!hours.has(d.getUTCHours())) t = Math.floor(t / HOUR) * HOUR + HOUR;
      else if (!minutes.has(d.getUTCMinutes())) t += MINUTE;
      else return d;
    }
    throw new CronError(`cron "${expr}": no fire time after ${after.toISOString()}`);
  }
  function prev(before: Date): Date {
    let t = Math.ceil(before.getTime() / MINUTE) * MINUTE - MINUTE;
    for (let i = 0; i < LIMIT; i++) {
      const d = new Date(t);
      if (!months.has(d.getUTCMonth() + 1)) t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - MINUTE;
      else if (!dayOk(d)) t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - MINUTE;
      else if (!hours.has(d.getUTCHours())) t = Math.floor(t / HOUR) * HOUR - MINUTE;
      else if (!minutes.has(d.getUTCMinutes())) t -= MINUTE;
      else return d;
    }
    throw new CronError(`cron "${expr}": no fire time before ${before.toISOString()}`);
  }
  return { expression: expr, matches, next, prev };
}

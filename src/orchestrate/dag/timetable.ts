/**
 * Data intervals, as Airflow's cron data-interval timetable defines them: a run covers
 * [start, end) between two consecutive fire times and is created once `end` has passed;
 * its logical date is `start`. The first interval starts at the first fire time at or after
 * the DAG's start date.
 *
 * - catchup: every interval since the start date (or since the last scheduled run) that has
 *   ended gets a run;
 * - no catchup: only the latest interval that has ended (if it is newer than the last run);
 * - manual runs: logical date = the trigger time, data interval = the latest complete interval
 *   (for a DAG without a schedule, the empty interval [now, now)).
 */
import type { Dag, RunType } from './define.ts';

export interface DataInterval {
  start: Date;
  end: Date;
}

/** The most runs catchup or a backfill creates in one call. */
export const MAX_INTERVALS = 10_000;

function alignNext(dag: Dag, d: Date): Date {
  const cron = dag.cron!;
  return cron.matches(d) ? d : cron.next(d);
}

function alignPrev(dag: Dag, d: Date): Date {
  const cron = dag.cron!;
  return cron.matches(d) ? d : cron.prev(d);
}

/** The latest interval that has completely ended by `now`, or undefined. */
export function latestCompleteInterval(dag: Dag, now: Date): DataInterval | undefined {
  if (!dag.cron) return undefined;
  const end = alignPrev(dag, now);
  return { start: dag.cron.prev(end), end };
}

/**
 * Intervals due for scheduled runs at `now`, oldest first, given the data interval of the
 * latest scheduled (or backfill) run.
 */
export function dueIntervals(dag: Dag, last: DataInterval | undefined, now: Date): DataInterval[] {
  if (!dag.cron) return [];
  let start = alignNext(dag, dag.startDate);
  if (last && last.end > start) start = alignNext(dag, last.end);
  if (!dag.catchup) {
    const latest = latestCompleteInterval(dag, now);
    if (latest && latest.start > start) start = latest.start;
  }
  const out: DataInterval[] = [];
  while (out.length < MAX_INTERVALS) {
    const end = dag.cron.next(start);
    if (end > now) break;
    if (dag.endDate && start > dag.endDate) break;
    out.push({ start, end });
    start = end;
  }
  return out;
}

/**
 * Intervals whose logical date (start) lies in [from, to], limited to the DAG's start/end dates
 * and to intervals that have ended by `now` (a backfill never runs the future).
 */
export function intervalsInRange(dag: Dag, from: Date, to: Date, now: Date): DataInterval[] {
  if (!dag.cron) throw new Error(`DAG "${dag.id}" has no schedule, so it has no intervals to backfill; trigger it instead`);
  if (to < from) throw new Error(`backfill range is reversed: --from ${from.toISOString()} is after --to ${to.toISOString()}`);
  let start = alignNext(dag, from > dag.startDate ? from : dag.startDate);
  const out: DataInterval[] = [];
  while (start <= to && out.length < MAX_INTERVALS) {
    if (dag.endDate && start > dag.endDate) break;
    const end = dag.cron.next(start);
    if (end > now) break;
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Data interval and logical date of a manual run triggered at `now`. */
export function manualRun(dag: Dag, now: Date): { logicalDate: Date; interval: DataInterval } {
  const latest = latestCompleteInterval(dag, now);
  return { logicalDate: now, interval: latest ?? { start: now, end: now } };
}

/** Airflow's run ids: `scheduled__2024-01-01T00:00:00+00:00`. */
export function runIdFor(type: RunType, logicalDate: Date): string {
  return `${type}__${logicalDate.toISOString().replace(/\.000Z$/, '+00:00').replace(/Z$/, '+00:00')}`;
}

/** Season arithmetic on day numbers (days since 1970-01-01). Pure: no clock. */

/** Day number of 1 July of `year`. */
export function julyFirst(year: number): number {
  return Math.round(Date.UTC(year, 6, 1) / 86_400_000);
}

/**
 * The latest 1 July on or before `day`: the start of the football season `day` belongs to
 * (European leagues run August–May). Hyper-parameters are re-tuned at this cut-off, on the
 * data before it only.
 */
export function seasonCutoff(day: number): number {
  const year = new Date(day * 86_400_000).getUTCFullYear();
  const j = julyFirst(year);
  return day >= j ? j : julyFirst(year - 1);
}

/** A Monday (1970-01-05): the anchor of the weekly refit grid of backtests. */
export const MONDAY_ANCHOR = 4;

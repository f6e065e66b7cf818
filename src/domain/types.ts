/** Types shared by every stage. No I/O here. */

/** Match outcome from the home side's view, ordered H < D < A (the order RPS uses). */
export type Outcome = 'H' | 'D' | 'A';
export const OUTCOMES: readonly Outcome[] = ['H', 'D', 'A'];

/** Probabilities of home win, draw, away win; they sum to 1. */
export interface Probabilities {
  home: number;
  draw: number;
  away: number;
}

/** Decimal (European) prices for home, draw, away. */
export interface Odds1x2 {
  home: number;
  draw: number;
  away: number;
}

export type OddsKind = 'pre' | 'closing';

/**
 * A finished (or scheduled) league match as the models see it.
 * `day` is the kick-off date as whole days since 1970-01-01 (UTC), so the pure core never
 * needs a clock or a Date.
 */
export interface MatchRecord {
  id: number;
  league: string;
  season: string;
  day: number;
  home: string;
  away: string;
  homeGoals: number | null;
  awayGoals: number | null;
}

export function outcomeOf(homeGoals: number, awayGoals: number): Outcome {
  return homeGoals > awayGoals ? 'H' : homeGoals < awayGoals ? 'A' : 'D';
}

/** `2022-2023` → 2022. */
export function seasonStartYear(season: string): number {
  const m = /^(\d{4})-(\d{4})$/.exec(season);
  if (!m || Number(m[2]) !== Number(m[1]) + 1) throw new Error(`season "${season}" is not of the form YYYY-YYYY (e.g. 2022-2023)`);
  return Number(m[1]);
}

export function seasonName(startYear: number): string {
  return `${startYear}-${startYear + 1}`;
}

/** ISO date `YYYY-MM-DD` → days since epoch. */
export function isoToDay(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`"${iso}" is not an ISO date YYYY-MM-DD`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

export function dayToIso(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

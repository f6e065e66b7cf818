/**
 * A match as the loader writes it, and its fingerprint: two fingerprints are equal exactly
 * when nothing stored for the match (row, stats, prices) would change.
 */
import type { ParsedMatch } from './parse.ts';

export interface MatchValues {
  competition_id: number;
  kickoff_date: string;
  kickoff_time: string | null;
  status: string;
  home_goals: number | null;
  away_goals: number | null;
  home_goals_ht: number | null;
  away_goals_ht: number | null;
  referee: string | null;
  sourceId: string | null;
}
export type StatValues = [side: string, ...values: (number | null)[]];
export type OddsValues = [bookmaker: string, kind: string, home: number, draw: number, away: number];
export type TotalsValues = [bookmaker: string, kind: string, line: number, over: number, under: number];

const byKey = (a: readonly unknown[], b: readonly unknown[]) => {
  const ka = `${a[0]}|${a[1]}|${a[2]}`;
  const kb = `${b[0]}|${b[1]}|${b[2]}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export function fingerprint(m: MatchValues, stats: StatValues[], odds: OddsValues[], totals: TotalsValues[]): string {
  return JSON.stringify([
    m.competition_id,
    m.kickoff_date,
    m.kickoff_time,
    m.status,
    m.home_goals,
    m.away_goals,
    m.home_goals_ht,
    m.away_goals_ht,
    m.referee,
    m.sourceId,
    [...stats].sort(byKey),
    [...odds].sort(byKey),
    [...totals].sort(byKey),
  ]);
}

export function statRows(m: ParsedMatch): StatValues[] {
  const out: StatValues[] = [];
  for (const side of ['home', 'away'] as const) {
    const s = m.stats[side];
    const values = [s.shots, s.shotsOnTarget, s.corners, s.fouls, s.yellow, s.red];
    if (values.some((v) => v !== null)) out.push([side, ...values]);
  }
  return out;
}

export function footballDataSourceId(league: string, season: string, m: ParsedMatch): string {
  return `${league}/${season}/${m.date}/${m.home}/${m.away}`;
}

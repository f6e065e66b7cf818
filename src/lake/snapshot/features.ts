/**
 * A simple point-in-time feature table, one row per match, computed from the matches table
 * alone. Every feature of a match on day d uses only finished matches of the same league
 * played before day d (matches of the same day never see each other):
 *
 * - home_elo / away_elo: each team's Elo rating before kick-off, with the update rule of
 *   src/ml/elo.ts (K·G·(W − We), home advantage in We, World Football Elo goal multiplier G;
 *   a new team enters at the mean of the 3 lowest ratings, `initialRating` if none).
 * - *_form_points / *_form_goals_for / *_form_goals_against: means over the team's last
 *   `formWindow` league matches (any venue); null before its first match.
 * - *_played: league matches played before; *_rest_days: days since its previous match.
 * - result: the match's own outcome (H/D/A), the label; null until it is played.
 *
 * Deterministic: fixed order (league, date, match id) and no clock.
 */
import { isoToDay, outcomeOf } from '../../domain/types.ts';
import { ELO_DEFAULTS, expectedScore, goalDifferenceMultiplier, promotedPrior } from '../../ml/ratings/elo.ts';
import type { Column, Row, TableData } from './parquet.ts';

export interface FeatureParams {
  formWindow: number;
  eloK: number;
  eloHfa: number;
  eloInitial: number;
}

export const FEATURE_DEFAULTS: FeatureParams = { formWindow: 5, eloK: ELO_DEFAULTS.k, eloHfa: ELO_DEFAULTS.hfa, eloInitial: ELO_DEFAULTS.initialRating };

export const FEATURE_FUNCTION = 'time2bet.features.pit-elo-form/v1';

const col = (name: string, type: Column['type'], nullable = false): Column => ({ name, type, nullable });
const sides = (suffix: string, type: Column['type'], nullable: boolean) => [col(`home_${suffix}`, type, nullable), col(`away_${suffix}`, type, nullable)];

export const FEATURE_COLUMNS: Column[] = [
  col('match_id', 'INT32'),
  col('league', 'STRING'),
  col('season', 'STRING'),
  col('kickoff_date', 'DATE'),
  col('home_team', 'STRING'),
  col('away_team', 'STRING'),
  ...sides('elo', 'DOUBLE', false),
  ...sides('form_points', 'DOUBLE', true),
  ...sides('form_goals_for', 'DOUBLE', true),
  ...sides('form_goals_against', 'DOUBLE', true),
  ...sides('played', 'INT32', false),
  ...sides('rest_days', 'INT32', true),
  col('result', 'STRING', true),
];

/** Check and complete feature params (from params.yaml `features:` or defaults). */
export function featureParams(raw: Record<string, unknown> = {}): FeatureParams {
  const p = { ...FEATURE_DEFAULTS };
  const names: Record<string, keyof FeatureParams> = { form_window: 'formWindow', elo_k: 'eloK', elo_hfa: 'eloHfa', elo_initial: 'eloInitial' };
  for (const [k, v] of Object.entries(raw)) {
    const key = names[k];
    if (!key) throw new Error(`features param "${k}" is unknown; known: ${Object.keys(names).join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`features param "${k}": expected a number, got ${JSON.stringify(v)}`);
    p[key] = v;
  }
  if (!Number.isInteger(p.formWindow) || p.formWindow < 1) throw new Error(`features param form_window: expected a whole number ≥ 1, got ${p.formWindow}`);
  return p;
}

interface Played {
  points: number;
  goalsFor: number;
  goalsAgainst: number;
}

interface TeamState {
  rating: number;
  history: Played[];
  lastDay: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** The feature table for these matches (rows of the snapshot's matches table). */
export function buildFeatures(matches: readonly Row[], params: FeatureParams = FEATURE_DEFAULTS): TableData {
  const byLeague = new Map<string, Row[]>();
  for (const m of matches) {
    const list = byLeague.get(m.league as string) ?? [];
    list.push(m);
    byLeague.set(m.league as string, list);
  }
  const rows: Row[] = [];
  for (const league of [...byLeague.keys()].sort()) {
    const list = byLeague.get(league)!.sort((a, b) => ((a.kickoff_date as string) < (b.kickoff_date as string) ? -1 : (a.kickoff_date as string) > (b.kickoff_date as string) ? 1 : (a.id as number) - (b.id as number)));
    const teams = new Map<string, TeamState>();
    const ratings = () => [...teams.values()].map((t) => t.rating);
    for (let i = 0; i < list.length; ) {
      const date = list[i]!.kickoff_date as string;
      const day = isoToDay(date);
      let j = i;
      while (j < list.length && list[j]!.kickoff_date === date) j++;
      const todays = list.slice(i, j);
      for (const m of todays) {
        const home = m.home_team as string;
        const away = m.away_team as string;
        if (!teams.has(home) || !teams.has(away)) {
          const prior = promotedPrior(ratings(), params.eloInitial);
          for (const t of [home, away]) if (!teams.has(t)) teams.set(t, { rating: prior, history: [], lastDay: null });
        }
        const side = (t: TeamState, prefix: 'home' | 'away') => {
          const recent = t.history.slice(-params.formWindow);
          return {
            [`${prefix}_elo`]: t.rating,
            [`${prefix}_form_points`]: mean(recent.map((h) => h.points)),
            [`${prefix}_form_goals_for`]: mean(recent.map((h) => h.goalsFor)),
            [`${prefix}_form_goals_against`]: mean(recent.map((h) => h.goalsAgainst)),
            [`${prefix}_played`]: t.history.length,
            [`${prefix}_rest_days`]: t.lastDay === null ? null : day - t.lastDay,
          };
        };
        const finished = m.home_goals !== null && m.away_goals !== null;
        rows.push({
          match_id: m.id as number,
          league,
          season: m.season as string,
          kickoff_date: date,
          home_team: home,
          away_team: away,
          ...side(teams.get(home)!, 'home'),
          ...side(teams.get(away)!, 'away'),
          result: finished ? outcomeOf(m.home_goals as number, m.away_goals as number) : null,
        });
      }
      // Only now, after every match of the day has its features, apply the day's results.
      for (const m of todays) {
        if (m.home_goals === null || m.away_goals === null) continue;
        const hg = m.home_goals as number;
        const ag = m.away_goals as number;
        const h = teams.get(m.home_team as string)!;
        const a = teams.get(m.away_team as string)!;
        const w = hg > ag ? 1 : hg === ag ? 0.5 : 0;
        const delta = params.eloK * goalDifferenceMultiplier(hg - ag) * (w - expectedScore(h.rating - a.rating + params.eloHfa));
        h.rating += delta;
        a.rating -= delta;
        h.history.push({ points: hg > ag ? 3 : hg === ag ? 1 : 0, goalsFor: hg, goalsAgainst: ag });
        a.history.push({ points: ag > hg ? 3 : hg === ag ? 1 : 0, goalsFor: ag, goalsAgainst: hg });
        h.lastDay = day;
        a.lastDay = day;
      }
      i = j;
    }
  }
  rows.sort((x, y) => (x.match_id as number) - (y.match_id as number));
  return { name: 'features', columns: FEATURE_COLUMNS, rows };
}

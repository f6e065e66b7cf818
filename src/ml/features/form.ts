/**
 * Rolling per-team form and league averages. Each finished match appends a {@link FormEntry}
 * per side (points, goals, shots, shots on target, WhoScored xG proxy; the longest form window
 * is kept), records the day for the newcomer count (last 400 days), and moves the league's
 * exponentially weighted averages ({@link LeagueStats}). {@link formMeans} reads a team's
 * means over its last `w` matches (league averages where it has none); {@link newcomer} its
 * newcomer intensity.
 */
import type { TrainingMatch } from '../models/model.ts';
import type { FeatureConfig } from './config.ts';
import type { FormStat } from './columns.ts';

export interface FormEntry {
  day: number;
  pts: number;
  gf: number;
  ga: number;
  sf: number | null;
  sa: number | null;
  sotf: number | null;
  sota: number | null;
  xgf: number | null;
  xga: number | null;
}

/** League-level exponentially weighted averages (per match, or per side for `pts`, `gpm`, `spm`, `sotpm`, `xgpm`). */
export interface LeagueStats {
  homeAdv: number;
  drawRate: number;
  goals: number;
  pts: number;
  gpm: number;
  spm: number;
  sotpm: number;
  xgpm: number;
}

export function newLeagueStats(): LeagueStats {
  return { homeAdv: 0.35, drawRate: 0.26, goals: 2.7, pts: 1.37, gpm: 1.35, spm: 12.5, sotpm: 4.4, xgpm: 1.35 };
}

/** The rolling part of a league's feature state. */
export interface RollingForm {
  readonly cfg: FeatureConfig;
  form: Map<string, FormEntry[]>;
  /** team → days of its league matches (last 400 days kept) */
  recent: Map<string, number[]>;
  leagueStats: LeagueStats;
}

function pushForm(r: RollingForm, team: string, e: FormEntry): void {
  const maxW = Math.max(...r.cfg.formWindows);
  const list = r.form.get(team) ?? [];
  list.push(e);
  if (list.length > maxW) list.shift();
  r.form.set(team, list);
}

/** Add one finished match of `day` to the form lists, the newcomer days and the league averages. */
export function recordForm(r: RollingForm, m: TrainingMatch, day: number): void {
  const L = r.leagueStats;
  const a = r.cfg.leagueAlpha;
  const hs = m.stats?.home;
  const as = m.stats?.away;
  const val = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const ph = m.homeGoals > m.awayGoals ? 3 : m.homeGoals === m.awayGoals ? 1 : 0;
  const pa = m.homeGoals < m.awayGoals ? 3 : m.homeGoals === m.awayGoals ? 1 : 0;
  pushForm(r, m.home, { day, pts: ph, gf: m.homeGoals, ga: m.awayGoals, sf: val(hs?.shots), sa: val(as?.shots), sotf: val(hs?.shotsOnTarget), sota: val(as?.shotsOnTarget), xgf: val(hs?.xg), xga: val(as?.xg) });
  pushForm(r, m.away, { day, pts: pa, gf: m.awayGoals, ga: m.homeGoals, sf: val(as?.shots), sa: val(hs?.shots), sotf: val(as?.shotsOnTarget), sota: val(hs?.shotsOnTarget), xgf: val(as?.xg), xga: val(hs?.xg) });
  for (const t of [m.home, m.away]) {
    const list = r.recent.get(t) ?? [];
    list.push(day);
    while (list.length && day - list[0] > 400) list.shift();
    r.recent.set(t, list);
  }
  L.homeAdv += a * (m.homeGoals - m.awayGoals - L.homeAdv);
  L.drawRate += a * ((m.homeGoals === m.awayGoals ? 1 : 0) - L.drawRate);
  L.goals += a * (m.homeGoals + m.awayGoals - L.goals);
  L.pts += a * ((ph + pa) / 2 - L.pts);
  L.gpm += a * ((m.homeGoals + m.awayGoals) / 2 - L.gpm);
  const sh = val(hs?.shots);
  const sa = val(as?.shots);
  if (sh !== null && sa !== null) L.spm += a * ((sh + sa) / 2 - L.spm);
  const th = val(hs?.shotsOnTarget);
  const ta = val(as?.shotsOnTarget);
  if (th !== null && ta !== null) L.sotpm += a * ((th + ta) / 2 - L.sotpm);
  const xh = val(hs?.xg);
  const xa = val(as?.xg);
  if (xh !== null && xa !== null) L.xgpm += a * ((xh + xa) / 2 - L.xgpm);
}

/** Means of `team`'s last `w` matches; each statistic falls back to the league average. */
export function formMeans(r: RollingForm, team: string, w: number): Record<FormStat, number> {
  const L = r.leagueStats;
  const all = r.form.get(team) ?? [];
  const list = all.slice(Math.max(0, all.length - w));
  const mean = (get: (e: FormEntry) => number | null, fallback: number): number => {
    let s = 0;
    let n = 0;
    for (const e of list) {
      const v = get(e);
      if (v !== null) {
        s += v;
        n++;
      }
    }
    return n ? s / n : fallback;
  };
  const gf = mean((e) => e.gf, L.gpm);
  const ga = mean((e) => e.ga, L.gpm);
  return {
    pts: mean((e) => e.pts, L.pts),
    gf,
    ga,
    sf: mean((e) => e.sf, L.spm),
    sa: mean((e) => e.sa, L.spm),
    sotf: mean((e) => e.sotf, L.sotpm),
    sota: mean((e) => e.sota, L.sotpm),
    xgf: mean((e) => e.xgf ?? e.gf, L.xgpm),
    xga: mean((e) => e.xga ?? e.ga, L.xgpm),
  };
}

/** Newcomer intensity: 1 − (league matches in the last 400 days)/10, floored at 0. */
export function newcomer(r: RollingForm, team: string, day: number): number {
  const list = r.recent.get(team) ?? [];
  let n = 0;
  for (const d of list) if (day - d <= 400) n++;
  return Math.max(0, 1 - n / 10);
}

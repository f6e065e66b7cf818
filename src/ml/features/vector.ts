/**
 * THE feature function, {@link featureVector}: the vector of one fixture, in
 * {@link featureNames} order, from a state that has seen only results before the fixture's
 * day — Elo and pi (new teams at their entry priors), the Dixon-Coles and shots-on-target
 * models (league averages until there are enough matches to fit), form windows of each side,
 * rest days, league averages, newcomer intensity, and the pre-match price (margin removed;
 * the Dixon-Coles log-odds and a missing flag when there is none). Also the
 * {@link Fixture} it reads.
 */
import type { Odds1x2 } from '../../domain/types.ts';
import { piExpectedGoals } from '../ratings/pi-ratings.ts';
import { multiplicative } from '../market/demargin.ts';
import { formStats } from './columns.ts';
import { ensureFits } from './fits.ts';
import { formMeans, newcomer } from './form.ts';
import type { FeatureStateParts } from './parts.ts';
import { priorFor } from './promotion.ts';

export interface Fixture {
  day: number;
  home: string;
  away: string;
  preOdds?: Odds1x2 | null;
}

/**
 * The vector (of `size` features) of a fixture on `fixture.day` (> every result added). A
 * fixture without a day (serving) uses the last fit day for the rating fits and the neutral
 * rest default.
 */
export function featureVector(p: FeatureStateParts, size: number, fixture: Fixture | { day?: number; home: string; away: string; preOdds?: Odds1x2 | null }): Float64Array {
  const day = fixture.day ?? p.lastDay + 1;
  if (!(day > p.lastDay)) throw new Error(`FeatureState.vector: fixture day ${day} is not after the last result added (${p.lastDay}); features would see the fixture's own day`);
  ensureFits(p, day);
  const { home, away } = fixture;
  const out = new Float64Array(size);
  let k = 0;
  const b = p.book;
  const ph = b.elo.has(home) ? undefined : priorFor(p, home, day);
  const pa = b.elo.has(away) ? undefined : priorFor(p, away, day);
  const eh = ph ? ph.elo : b.elo.get(home)!;
  const ea = pa ? pa.elo : b.elo.get(away)!;
  const pih = ph ? ph.pi : b.pi.get(home);
  const pia = pa ? pa.pi : b.pi.get(away);
  out[k++] = (eh - ea) / 100;
  out[k++] = piExpectedGoals(pih.home) - piExpectedGoals(pia.away);
  out[k++] = pih.home;
  out[k++] = pia.away;
  let dcLogOdds: [number, number] = [Math.log(0.46 / 0.26), Math.log(0.28 / 0.26)];
  if (p.dc) {
    const sh = p.dc.strength(home);
    const sa = p.dc.strength(away);
    const { lambda, mu } = p.dc.rates(home, away);
    const pr = p.dc.predict(home, away).probabilities;
    dcLogOdds = [Math.log(pr.home / pr.draw), Math.log(pr.away / pr.draw)];
    out[k++] = sh.attack;
    out[k++] = sh.defence;
    out[k++] = sa.attack;
    out[k++] = sa.defence;
    out[k++] = Math.log(lambda);
    out[k++] = Math.log(mu);
  } else {
    const L = p.leagueStats;
    const gh = Math.max(0.2, L.goals / 2 + L.homeAdv / 2);
    const ga = Math.max(0.2, L.goals / 2 - L.homeAdv / 2);
    out[k++] = 0;
    out[k++] = 0;
    out[k++] = 0;
    out[k++] = 0;
    out[k++] = Math.log(gh);
    out[k++] = Math.log(ga);
  }
  out[k++] = dcLogOdds[0];
  out[k++] = dcLogOdds[1];
  if (p.sot) {
    const r = p.sot.rates(home, away);
    out[k++] = Math.log(r.lambda);
    out[k++] = Math.log(r.mu);
  } else {
    out[k++] = Math.log(p.leagueStats.sotpm);
    out[k++] = Math.log(p.leagueStats.sotpm);
  }
  for (const team of [home, away]) {
    for (const w of p.cfg.formWindows) {
      const f = formMeans(p, team, w);
      for (const s of formStats(p.cfg)) out[k++] = f[s];
    }
  }
  const rest = (team: string): number => {
    if (fixture.day === undefined) return p.cfg.restDefault;
    const d = b.lastDay.get(team);
    return d === undefined ? p.cfg.restCap : Math.min(p.cfg.restCap, day - d);
  };
  out[k++] = rest(home);
  out[k++] = rest(away);
  out[k++] = p.leagueStats.homeAdv;
  out[k++] = p.leagueStats.drawRate;
  out[k++] = p.leagueStats.goals;
  out[k++] = newcomer(p, home, day);
  out[k++] = newcomer(p, away, day);
  // Market-aware block.
  let mkt: [number, number, number] = [dcLogOdds[0], dcLogOdds[1], 1];
  const o = fixture.preOdds;
  if (o && o.home > 1 && o.draw > 1 && o.away > 1 && Number.isFinite(o.home + o.draw + o.away)) {
    const pr = multiplicative(o);
    mkt = [Math.log(pr.home / pr.draw), Math.log(pr.away / pr.draw), 0];
  }
  out[k++] = mkt[0];
  out[k++] = mkt[1];
  out[k++] = mkt[2];
  if (k !== out.length) throw new Error(`FeatureState.vector: wrote ${k} of ${out.length} features`);
  return out;
}

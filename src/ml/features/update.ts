/**
 * Feeding results into the state. {@link updateDay} adds one day's finished league matches:
 * newcomers first enter Elo and pi at priors from the state before that day (promotion.ts),
 * then each match, in a total order, updates Elo, pi, last-match days, the rolling form and
 * league averages, and the Dixon-Coles window. {@link updateOtherLeague} adds another league's
 * matches to that league's rating book, for promoted-team priors. Both refuse a read-only
 * (restored) state.
 */
import type { TrainingMatch } from '../models/model.ts';
import { piWeakestPrior, type PiRating } from '../ratings/pi-ratings.ts';
import { compareMatches } from '../models/training-data.ts';
import { recordForm } from './form.ts';
import type { FeatureStateParts } from './parts.ts';
import { priorFor } from './promotion.ts';
import { eloUpdate, lowest, newBook } from './ratings.ts';

function checkMutable(p: FeatureStateParts): void {
  if (p.frozen) throw new Error('FeatureState: a state restored from JSON is read-only (it can compute vectors, not take new results)');
}

/** Add one day's finished matches of another league (for promoted-team priors). */
export function updateOtherLeague(p: FeatureStateParts, league: string, matches: readonly TrainingMatch[]): void {
  checkMutable(p);
  let b = p.others.get(league);
  if (!b) {
    b = newBook(p.cfg);
    p.others.set(league, b);
  }
  for (const m of [...matches].sort(compareMatches)) {
    for (const t of [m.home, m.away]) {
      if (!b.elo.has(t)) {
        b.elo.set(t, lowest(b.elo.values(), 3) ?? p.cfg.elo.initialRating);
        b.pi.enter(t, piWeakestPrior(b.pi.ratings));
      }
    }
    eloUpdate(b.elo, m, p.cfg);
    b.pi.update(m.home, m.away, m.homeGoals, m.awayGoals);
    b.lastDay.set(m.home, m.day);
    b.lastDay.set(m.away, m.day);
  }
}

/** Add the finished league matches of one day (all with the same day, later than any added before). */
export function updateDay(p: FeatureStateParts, matches: readonly TrainingMatch[]): void {
  checkMutable(p);
  if (matches.length === 0) return;
  const day = matches[0].day;
  if (!(day > p.lastDay)) throw new Error(`FeatureState.updateDay: day ${day} is not after the last day added (${p.lastDay})`);
  const ordered = [...matches].sort(compareMatches);
  // Enter newcomers first, all at priors from the state before this day.
  const entering = new Map<string, { elo: number; pi: PiRating }>();
  for (const m of ordered) {
    if (m.day !== day) throw new Error('FeatureState.updateDay: matches of different days');
    for (const t of [m.home, m.away]) if (!p.book.elo.has(t) && !entering.has(t)) entering.set(t, priorFor(p, t, day));
  }
  for (const [t, pr] of entering) {
    p.book.elo.set(t, pr.elo);
    p.book.pi.enter(t, pr.pi);
  }
  for (const m of ordered) {
    eloUpdate(p.book.elo, m, p.cfg);
    p.book.pi.update(m.home, m.away, m.homeGoals, m.awayGoals);
    p.book.lastDay.set(m.home, day);
    p.book.lastDay.set(m.away, day);
    recordForm(p, m, day);
    p.window.push(m);
  }
  p.newSinceFit += ordered.length;
  p.lastDay = day;
}

/**
 * Rating books: a {@link RatingBook} holds one league's Elo ratings, pi-ratings and each
 * team's last match day. Here are the book's constructor, the Elo update of one match (the
 * elo.ts rule), its JSON form, and two small helpers the promotion priors share: the mean of
 * a list and the mean of the k lowest (or highest) values.
 */
import type { TrainingMatch } from '../models/model.ts';
import { expectedScore, goalDifferenceMultiplier } from '../ratings/elo.ts';
import { PiRatings } from '../ratings/pi-ratings.ts';
import type { FeatureConfig } from './config.ts';

export interface RatingBook {
  elo: Map<string, number>;
  pi: PiRatings;
  lastDay: Map<string, number>;
}

/** The saved form of a {@link RatingBook} (pi-ratings as [team, home, away]). */
export interface RatingBookJSON {
  elo: [string, number][];
  pi: [string, number, number][];
  lastDay: [string, number][];
}

export function newBook(cfg: FeatureConfig): RatingBook {
  return { elo: new Map(), pi: new PiRatings(cfg.pi.lambda, cfg.pi.gamma), lastDay: new Map() };
}

export function meanOf(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export function lowest(values: Iterable<number>, k: number, highest = false): number | undefined {
  const s = [...values].sort((a, b) => (highest ? b - a : a - b)).slice(0, k);
  return s.length ? meanOf(s) : undefined;
}

/** Elo update of one match (elo.ts rule), in place. */
export function eloUpdate(ratings: Map<string, number>, m: TrainingMatch, cfg: FeatureConfig): void {
  const rh = ratings.get(m.home)!;
  const ra = ratings.get(m.away)!;
  const w = m.homeGoals > m.awayGoals ? 1 : m.homeGoals === m.awayGoals ? 0.5 : 0;
  const delta = cfg.elo.k * goalDifferenceMultiplier(m.homeGoals - m.awayGoals) * (w - expectedScore(rh - ra + cfg.elo.hfa));
  ratings.set(m.home, rh + delta);
  ratings.set(m.away, ra - delta);
}

export function bookToJSON(bk: RatingBook): RatingBookJSON {
  return {
    elo: [...bk.elo.entries()],
    pi: [...bk.pi.ratings.entries()].map(([t, r]): [string, number, number] => [t, r.home, r.away]),
    lastDay: [...bk.lastDay.entries()],
  };
}

export function bookFromJSON(o: RatingBookJSON, cfg: FeatureConfig): RatingBook {
  const bk = newBook(cfg);
  for (const [t, r] of o.elo) bk.elo.set(t, r);
  for (const [t, h, a] of o.pi) bk.pi.enter(t, { home: h, away: a });
  for (const [t, d] of o.lastDay) bk.lastDay.set(t, d);
  return bk;
}

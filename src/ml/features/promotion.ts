/**
 * Where a team new to the league enters Elo and pi. {@link leagueTier} reads a league code's
 * division; {@link priorFor} gives the entry ratings: the weakest-3 average of this league,
 * unless the team played another league the state has seen in the last 500 days — then,
 * promoted from a lower tier, the weakest-3 average here plus `promotionCarry` × (its rating
 * there − the top-3 average there), or, relegated from a higher tier, the top-3 average here
 * plus `promotionCarry` × (its rating there − the bottom-3 average there).
 */
import { piWeakestPrior, type PiRating } from '../ratings/pi-ratings.ts';
import { compareStrings } from '../models/training-data.ts';
import type { FeatureStateParts } from './parts.ts';
import { lowest, meanOf, type RatingBook } from './ratings.ts';

/** Division of a league code: E0 (Premier League) → 1, E1 → 2; D1, SP1, I1, F1 → 1, D2 → 2. */
export function leagueTier(league: string): number | undefined {
  const m = /^([A-Z]+)(\d)$/.exec(league);
  if (!m) return undefined;
  const n = Number(m[2]);
  return m[1] === 'E' ? n + 1 : n;
}

/** Entry Elo and pi of `team`, new to the state's league on `day`. */
export function priorFor(p: Pick<FeatureStateParts, 'cfg' | 'league' | 'book' | 'others'>, team: string, day: number): { elo: number; pi: PiRating } {
  const b = p.book;
  const weakElo = lowest(b.elo.values(), 3) ?? p.cfg.elo.initialRating;
  const weakPi = piWeakestPrior(b.pi.ratings);
  const myTier = p.league ? leagueTier(p.league) : undefined;
  let from: { league: string; book: RatingBook; day: number } | undefined;
  for (const [lg, ob] of p.others) {
    const d = ob.lastDay.get(team);
    if (d === undefined || day - d > 500) continue;
    if (!from || d > from.day || (d === from.day && compareStrings(lg, from.league) < 0)) from = { league: lg, book: ob, day: d };
  }
  const theirTier = from ? leagueTier(from.league) : undefined;
  if (!from || myTier === undefined || theirTier === undefined || theirTier === myTier || b.elo.size < 3) return { elo: weakElo, pi: weakPi };
  const carry = p.cfg.promotionCarry;
  const r = from.book.elo.get(team)!;
  const pt = from.book.pi.get(team);
  const others = [...from.book.pi.ratings.entries()];
  const sumOf = (x: PiRating) => x.home + x.away;
  const sortedPi = others.sort((x, y) => sumOf(x[1]) - sumOf(y[1]) || compareStrings(x[0], y[0])).map((e) => e[1]);
  const avgPi = (list: PiRating[]): PiRating => ({ home: meanOf(list.map((x) => x.home)), away: meanOf(list.map((x) => x.away)) });
  if (theirTier > myTier) {
    // Promoted: ranked against the top of the lower league.
    const top = lowest(from.book.elo.values(), 3, true)!;
    const topPi = avgPi(sortedPi.slice(-3));
    return {
      elo: weakElo + carry * (r - top),
      pi: { home: weakPi.home + carry * (pt.home - topPi.home), away: weakPi.away + carry * (pt.away - topPi.away) },
    };
  }
  // Relegated: ranked against the bottom of the higher league.
  const strongElo = lowest(b.elo.values(), 3, true)!;
  const strongPi = avgPi([...b.pi.ratings.entries()].sort((x, y) => sumOf(y[1]) - sumOf(x[1]) || compareStrings(x[0], y[0])).slice(0, 3).map((e) => e[1]));
  const bottom = lowest(from.book.elo.values(), 3)!;
  const bottomPi = avgPi(sortedPi.slice(0, 3));
  return {
    elo: strongElo + carry * (r - bottom),
    pi: { home: strongPi.home + carry * (pt.home - bottomPi.home), away: strongPi.away + carry * (pt.away - bottomPi.away) },
  };
}

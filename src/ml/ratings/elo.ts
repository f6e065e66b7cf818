/**
 * Elo for club football, as a ModelSpec named `elo`.
 *
 * Ratings start at `initialRating` (1500). A team seen for the first time enters at the mean
 * rating of the 3 lowest-rated teams known just before its first match (fewer if fewer are
 * known; `initialRating` if none): promoted teams are usually among the weakest. When both
 * teams of a match are new they both enter at that same prior.
 *
 * Update after each match: R_home += Δ, R_away −= Δ with Δ = K·G·(W − We),
 * We = 1/(10^(−dr/400) + 1), dr = R_home − R_away + HFA, W ∈ {1, ½, 0}, and G the World
 * Football Elo goal-difference multiplier (1 up to 1 goal, 1.5 for 2, 1.75 for 3,
 * 1.75 + (N−3)/8 for N ≥ 4).
 *
 * Ratings are not probabilities: after the run, an ordered logit maps the pre-match dr/100 to
 * H/D/A, and two Poisson regressions log λ = β0 + β1·dr/100 map it to expected goals, all fitted
 * on the processed matches after a burn-in (the latest `mapWindow` of them).
 *
 * A fit given the previous fit of the same spec continues its rating run from the previous fit
 * day when the matches before that day are unchanged (checked by signature): the ratings are
 * bit-identical to a full replay; the maps are warm-started.
 */
import { outcomeOf, type Outcome } from '../../domain/types.ts';
import type { FittedModel, ModelSpec, TrainingMatch } from '../models/model.ts';
import { expectKind, jsonReader, readHyper } from '../models/model-base.ts';
import { continueRun, fitRatingMaps, RatingModel, readRatingMaps, readRatings, type RatingState } from './rating-maps.ts';
import { compareStrings, mergeHyper, selectMatches } from '../models/training-data.ts';

export type EloHyper = {
  /** Update weight K (default 20). */
  k: number;
  /** Home advantage in rating points, added to dr (default 60). */
  hfa: number;
  /** Rating of the very first teams (default 1500). */
  initialRating: number;
  /**
   * Matches skipped before fitting the outcome/goal maps (default 380, one EPL season), while
   * ratings settle. Skipped: min(burnIn, max(0, n − burnIn)) of n processed matches, so a short
   * history (n ≤ burnIn) uses all of them and at least min(n, burnIn) matches are always used.
   */
  burnIn: number;
  /**
   * At most this many of the most recent processed matches (after the burn-in) fit the maps
   * (default 2280, six EPL seasons; 0 = all), so the maps follow the league and a fit stays cheap.
   */
  mapWindow: number;
};

export const ELO_DEFAULTS: EloHyper = { k: 20, hfa: 60, initialRating: 1500, burnIn: 380, mapWindow: 2280 };

/** Number of lowest-rated teams whose mean rating a new (promoted) team gets. */
export const PRIOR_TEAMS = 3;

/** World Football Elo goal-difference multiplier G for a margin of `goalDifference` (sign ignored). */
export function goalDifferenceMultiplier(goalDifference: number): number {
  const n = Math.abs(goalDifference);
  if (n <= 1) return 1;
  if (n === 2) return 1.5;
  if (n === 3) return 1.75;
  return 1.75 + (n - 3) / 8;
}

/** Expected score of the side with rating advantage dr: 1/(10^(−dr/400) + 1). */
export function expectedScore(dr: number): number {
  return 1 / (10 ** (-dr / 400) + 1);
}

/** Mean rating of the `PRIOR_TEAMS` lowest ratings; `fallback` when there are none. */
export function promotedPrior(ratings: Iterable<number>, fallback: number): number {
  const sorted = [...ratings].sort((a, b) => a - b).slice(0, PRIOR_TEAMS);
  if (sorted.length === 0) return fallback;
  let s = 0;
  for (const r of sorted) s += r;
  return s / sorted.length;
}

/** One processed match: its rating difference before kick-off (including HFA) and the result. */
export interface EloRecord {
  day: number;
  home: string;
  away: string;
  dr: number;
  homeGoals: number;
  awayGoals: number;
  outcome: Outcome;
}

export interface EloRun {
  /** Final ratings, sorted by team name. */
  ratings: Map<string, number>;
  records: EloRecord[];
}

/**
 * Run the rating updates over the matches with day < asOfDay, in (day, home, away) order.
 * Input order does not matter.
 */
export function runElo(matches: readonly TrainingMatch[], asOfDay: number, hyper: EloHyper = ELO_DEFAULTS): EloRun {
  const ratings = new Map<string, number>();
  const records: EloRecord[] = [];
  stepElo(ratings, records, selectMatches(matches, asOfDay), hyper);
  const sorted = new Map([...ratings.entries()].sort((a, b) => compareStrings(a[0], b[0])));
  return { ratings: sorted, records };
}

/** Process `ordered` matches (sorted) into the working ratings and records, in place. */
function stepElo(ratings: Map<string, number>, records: EloRecord[], ordered: readonly TrainingMatch[], hyper: EloHyper): void {
  for (const m of ordered) {
    if (!ratings.has(m.home) || !ratings.has(m.away)) {
      const prior = promotedPrior(ratings.values(), hyper.initialRating);
      if (!ratings.has(m.home)) ratings.set(m.home, prior);
      if (!ratings.has(m.away)) ratings.set(m.away, prior);
    }
    const rh = ratings.get(m.home)!;
    const ra = ratings.get(m.away)!;
    const dr = rh - ra + hyper.hfa;
    const outcome = outcomeOf(m.homeGoals, m.awayGoals);
    const w = outcome === 'H' ? 1 : outcome === 'D' ? 0.5 : 0;
    const delta = hyper.k * goalDifferenceMultiplier(m.homeGoals - m.awayGoals) * (w - expectedScore(dr));
    ratings.set(m.home, rh + delta);
    ratings.set(m.away, ra - delta);
    records.push({ day: m.day, home: m.home, away: m.away, dr, homeGoals: m.homeGoals, awayGoals: m.awayGoals, outcome });
  }
}

interface EloState extends RatingState<EloHyper, number, EloRecord> {
  priorRating: number;
}

export class EloModel extends RatingModel<EloHyper, number, EloRecord, EloState> {
  override readonly kind = 'elo';

  /** The team's rating, or the promoted-team prior for a team the fit never saw. */
  rating(team: string): number {
    return this.state.ratings.get(team) ?? this.state.priorRating;
  }

  get priorRating(): number {
    return this.state.priorRating;
  }

  /** Rating difference the maps use for this fixture: R_home − R_away + HFA. */
  ratingDifference(home: string, away: string): number {
    return this.rating(home) - this.rating(away) + this.state.hyper.hfa;
  }

  protected override mapInput(home: string, away: string): number {
    return this.ratingDifference(home, away) / 100;
  }

  protected override ratingsJSON(): Record<string, unknown> {
    const s = this.state;
    return { priorRating: s.priorRating, ratings: [...s.ratings.entries()].map(([team, rating]) => ({ team, rating })) };
  }
}

function fitElo(matches: readonly TrainingMatch[], asOfDay: number, hyper: EloHyper, previous?: FittedModel): EloModel {
  const run = continueRun(matches, asOfDay, hyper, previous instanceof EloModel ? previous.warm : undefined, {
    start: (cached?: Map<string, number>) => new Map(cached),
    step: (working, records: EloRecord[], ordered) => stepElo(working, records, ordered, hyper),
  });
  const ratings = new Map([...run.state.entries()].sort((a, b) => compareStrings(a[0], b[0])));
  return new EloModel({
    hyper: { ...hyper },
    asOfDay,
    ratings,
    priorRating: promotedPrior(ratings.values(), hyper.initialRating),
    ...fitRatingMaps('elo', asOfDay, run.records, (r) => r.dr / 100, hyper, run.warm),
    run: { signature: run.signature, ratings: run.state, records: run.records },
  });
}

export function eloFromJSON(params: Record<string, unknown>): EloModel {
  expectKind(params, 'elo');
  const j = jsonReader('elo');
  const hyper = readHyper('elo', ELO_DEFAULTS, j.obj(params.hyper, 'hyper'), j, { mapWindow: 0 });
  const ratings = readRatings(params, j, 'rating', (o, at) => j.num(o.rating, `${at}.rating`));
  const maps = readRatingMaps(params, j);
  return new EloModel({
    hyper,
    asOfDay: j.num(params.asOfDay, 'asOfDay'),
    ratings,
    priorRating: j.num(params.priorRating, 'priorRating'),
    ...maps,
    nMatches: j.num(params.nMatches, 'nMatches'),
    nFitted: j.num(params.nFitted, 'nFitted'),
  });
}

/**
 * The Elo spec. `previous` (an elo fit with the same hyper-parameters) lets the fit continue
 * its rating run instead of replaying the whole history.
 */
export function eloSpec(hyper?: Partial<EloHyper>): ModelSpec<EloHyper> {
  const h = mergeHyper('elo', ELO_DEFAULTS, hyper);
  if (!(h.k > 0) || !(h.burnIn >= 0) || !Number.isInteger(h.burnIn) || !(h.mapWindow >= 0) || !Number.isInteger(h.mapWindow)) {
    throw new Error(`elo: need k > 0 and a whole burnIn ≥ 0, got k=${h.k}, burnIn=${h.burnIn}`);
  }
  return {
    name: 'elo',
    hyper: h,
    fit: (matches, asOfDay, previous) => fitElo(matches, asOfDay, h, previous),
    fromJSON: eloFromJSON,
  };
}

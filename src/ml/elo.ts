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
import { outcomeOf, type Outcome, type Probabilities } from '../domain/types.ts';
import type { FittedModel, ModelSpec, Prediction, TrainingMatch } from './model.ts';
import { fitOrderedLogit, orderedLogitProbabilities, type OrderedLogitParams } from './ordered-logit.ts';
import { fitPoissonRegression, poissonMean, type PoissonRegressionParams } from './poisson-regression.ts';
import { compareStrings, mergeHyper, selectMatches } from './training-data.ts';
import { historySignatures } from './signature.ts';

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

/** The working state of a rating run, kept (not serialised) so the next fit can continue it. */
interface EloRunCache {
  signature: string;
  ratings: Map<string, number>;
  records: EloRecord[];
}

interface EloState {
  hyper: EloHyper;
  asOfDay: number;
  ratings: Map<string, number>;
  priorRating: number;
  outcome: OrderedLogitParams;
  goals: { home: PoissonRegressionParams; away: PoissonRegressionParams };
  nMatches: number;
  nFitted: number;
  run?: EloRunCache;
}

export class EloModel implements FittedModel {
  readonly kind = 'elo';
  readonly #s: EloState;

  constructor(state: EloState) {
    this.#s = state;
  }

  /** The team's rating, or the promoted-team prior for a team the fit never saw. */
  rating(team: string): number {
    return this.#s.ratings.get(team) ?? this.#s.priorRating;
  }

  get priorRating(): number {
    return this.#s.priorRating;
  }

  /** @internal the rating run and maps, for a warm continuation by the next fit. */
  get warm(): { asOfDay: number; hyper: EloHyper; run?: EloRunCache; outcome: OrderedLogitParams; goals: { home: PoissonRegressionParams; away: PoissonRegressionParams } } {
    const s = this.#s;
    return { asOfDay: s.asOfDay, hyper: s.hyper, run: s.run, outcome: s.outcome, goals: s.goals };
  }

  /** Rating difference the maps use for this fixture: R_home − R_away + HFA. */
  ratingDifference(home: string, away: string): number {
    return this.rating(home) - this.rating(away) + this.#s.hyper.hfa;
  }

  probabilities(home: string, away: string): Probabilities {
    return orderedLogitProbabilities(this.#s.outcome, this.ratingDifference(home, away) / 100);
  }

  predict(home: string, away: string): Prediction {
    const x = this.ratingDifference(home, away) / 100;
    return {
      probabilities: orderedLogitProbabilities(this.#s.outcome, x),
      expectedGoals: { home: poissonMean(this.#s.goals.home, x), away: poissonMean(this.#s.goals.away, x) },
    };
  }

  teams(): string[] {
    return [...this.#s.ratings.keys()];
  }

  toJSON(): Record<string, unknown> {
    const s = this.#s;
    return {
      kind: this.kind,
      hyper: { ...s.hyper },
      asOfDay: s.asOfDay,
      nMatches: s.nMatches,
      nFitted: s.nFitted,
      priorRating: s.priorRating,
      ratings: [...s.ratings.entries()].map(([team, rating]) => ({ team, rating })),
      outcome: { b: s.outcome.b, c1: s.outcome.c1, c2: s.outcome.c2 },
      goals: {
        home: { intercept: s.goals.home.intercept, slope: s.goals.home.slope },
        away: { intercept: s.goals.away.intercept, slope: s.goals.away.slope },
      },
    };
  }
}

function fitElo(matches: readonly TrainingMatch[], asOfDay: number, hyper: EloHyper, previous?: FittedModel): EloModel {
  const warm = previous instanceof EloModel && JSON.stringify(previous.warm.hyper) === JSON.stringify(hyper) ? previous.warm : undefined;
  let working: Map<string, number>;
  let records: EloRecord[];
  const [sigNow, sigPrev] = historySignatures(matches, warm?.run ? [asOfDay, warm.asOfDay] : [asOfDay]);
  if (warm?.run && warm.asOfDay <= asOfDay && sigPrev === warm.run.signature) {
    working = new Map(warm.run.ratings);
    records = warm.run.records.slice();
    stepElo(working, records, selectMatches(matches, asOfDay, warm.asOfDay), hyper);
  } else {
    working = new Map();
    records = [];
    stepElo(working, records, selectMatches(matches, asOfDay), hyper);
  }
  const ratings = new Map([...working.entries()].sort((a, b) => compareStrings(a[0], b[0])));
  const n = records.length;
  if (n === 0) throw new Error(`elo: no matches before day ${asOfDay} to fit on`);
  const skip = Math.min(hyper.burnIn, Math.max(0, n - hyper.burnIn));
  const used = records.slice(hyper.mapWindow > 0 ? Math.max(skip, n - hyper.mapWindow) : skip);
  const xs = used.map((r) => r.dr / 100);
  const outcome = fitOrderedLogit(
    xs,
    used.map((r) => r.outcome),
    { start: warm?.outcome },
  );
  const home = fitPoissonRegression(
    xs,
    used.map((r) => r.homeGoals),
    { start: warm?.goals.home },
  );
  const away = fitPoissonRegression(
    xs,
    used.map((r) => r.awayGoals),
    { start: warm?.goals.away },
  );
  return new EloModel({
    hyper: { ...hyper },
    asOfDay,
    ratings,
    priorRating: promotedPrior(ratings.values(), hyper.initialRating),
    outcome: { b: outcome.b, c1: outcome.c1, c2: outcome.c2 },
    goals: { home: { intercept: home.intercept, slope: home.slope }, away: { intercept: away.intercept, slope: away.slope } },
    nMatches: n,
    nFitted: used.length,
    run: { signature: sigNow!, ratings: working, records },
  });
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`elo.fromJSON: ${what} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`elo.fromJSON: ${what} must be an object`);
  return v as Record<string, unknown>;
}

export function eloFromJSON(params: Record<string, unknown>): EloModel {
  if (params.kind !== 'elo') throw new Error(`elo.fromJSON: expected kind "elo", got ${JSON.stringify(params.kind)}`);
  const h = obj(params.hyper, 'hyper');
  const hyper = mergeHyper<EloHyper>('elo', ELO_DEFAULTS, {
    k: num(h.k, 'hyper.k'),
    hfa: num(h.hfa, 'hyper.hfa'),
    initialRating: num(h.initialRating, 'hyper.initialRating'),
    burnIn: num(h.burnIn, 'hyper.burnIn'),
    ...(h.mapWindow === undefined ? { mapWindow: 0 } : { mapWindow: num(h.mapWindow, 'hyper.mapWindow') }),
  });
  if (!Array.isArray(params.ratings)) throw new Error('elo.fromJSON: ratings must be an array of {team, rating}');
  const entries: [string, number][] = params.ratings.map((r, i) => {
    const o = obj(r, `ratings[${i}]`);
    if (typeof o.team !== 'string') throw new Error(`elo.fromJSON: ratings[${i}].team must be a string`);
    return [o.team, num(o.rating, `ratings[${i}].rating`)];
  });
  const outcome = obj(params.outcome, 'outcome');
  const goals = obj(params.goals, 'goals');
  const gh = obj(goals.home, 'goals.home');
  const ga = obj(goals.away, 'goals.away');
  return new EloModel({
    hyper,
    asOfDay: num(params.asOfDay, 'asOfDay'),
    ratings: new Map(entries.sort((a, b) => compareStrings(a[0], b[0]))),
    priorRating: num(params.priorRating, 'priorRating'),
    outcome: { b: num(outcome.b, 'outcome.b'), c1: num(outcome.c1, 'outcome.c1'), c2: num(outcome.c2, 'outcome.c2') },
    goals: {
      home: { intercept: num(gh.intercept, 'goals.home.intercept'), slope: num(gh.slope, 'goals.home.slope') },
      away: { intercept: num(ga.intercept, 'goals.away.intercept'), slope: num(ga.slope, 'goals.away.slope') },
    },
    nMatches: num(params.nMatches, 'nMatches'),
    nFitted: num(params.nFitted, 'nFitted'),
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

/**
 * pi-ratings (Constantinou & Fenton 2013, JQAS 9(1):37–50) as a ModelSpec named `pi`.
 *
 * Every team has a home rating R^H and an away rating R^A, in goal-difference units. A rating
 * maps to an expected goal difference ĝ(R) = sign(R)·(b^{|R|/c} − 1) (b = 10, c = 3), and the
 * expected goal difference of a match is ĝ(R^H_home) − ĝ(R^A_away). After the match, with
 * e = |observed − expected| and ψ(e) = c·log10(1 + e) (the damped error):
 *   ψ_H = +ψ(e) if the home side did better than expected, −ψ(e) if worse (0 if exact); ψ_A = −ψ_H
 *   R^H_home += λ·ψ_H,  R^A_home += γ·(change of R^H_home)
 *   R^A_away += λ·ψ_A,  R^H_away += γ·(change of R^A_away)
 * λ is the learning rate, γ carries a change at one venue over to the other.
 *
 * A team seen for the first time enters with the mean home and away ratings of the 3 teams
 * with the lowest R^H + R^A (0 when none is known); a caller may give a different entry prior
 * (features.ts does, from a team's previous league). Probabilities come from an ordered logit
 * on the expected goal difference, and expected goals from two Poisson regressions on it,
 * fitted on the processed matches after a burn-in (as elo.ts does for its rating difference).
 */
import { outcomeOf, type Outcome, type Probabilities } from '../domain/types.ts';
import type { FittedModel, ModelSpec, Prediction, TrainingMatch } from './model.ts';
import { fitOrderedLogit, orderedLogitProbabilities, type OrderedLogitParams } from './ordered-logit.ts';
import { fitPoissonRegression, poissonMean, type PoissonRegressionParams } from './poisson-regression.ts';
import { compareStrings, mergeHyper, selectMatches } from './training-data.ts';
import { historySignatures } from './signature.ts';

export type PiHyper = {
  /** Learning rate λ (default 0.035). */
  lambda: number;
  /** Cross-venue carry-over γ (default 0.7). */
  gamma: number;
  /** Matches skipped before fitting the outcome/goal maps (as elo's burnIn; default 380). */
  burnIn: number;
  /** At most this many recent processed matches fit the maps (as elo's; default 2280; 0 = all). */
  mapWindow: number;
};

export const PI_DEFAULTS: PiHyper = { lambda: 0.035, gamma: 0.7, burnIn: 380, mapWindow: 2280 };
const B = 10;
const C = 3;
const PRIOR_TEAMS = 3;

export interface PiRating {
  home: number;
  away: number;
}

/** Expected goal difference of a rating: sign(R)·(10^{|R|/3} − 1). */
export function piExpectedGoals(r: number): number {
  const g = B ** (Math.abs(r) / C) - 1;
  return r < 0 ? -g : g;
}

/** Mean home/away rating of the 3 teams with the lowest home + away rating; {0, 0} when none. */
export function piWeakestPrior(ratings: Iterable<[string, PiRating]>): PiRating {
  const list = [...ratings].sort((a, b) => a[1].home + a[1].away - (b[1].home + b[1].away) || compareStrings(a[0], b[0])).slice(0, PRIOR_TEAMS);
  if (list.length === 0) return { home: 0, away: 0 };
  let h = 0;
  let a = 0;
  for (const [, r] of list) {
    h += r.home;
    a += r.away;
  }
  return { home: h / list.length, away: a / list.length };
}

/** The rating state, updated one match at a time. */
export class PiRatings {
  readonly ratings = new Map<string, PiRating>();
  constructor(
    readonly lambda: number,
    readonly gamma: number,
  ) {}

  has(team: string): boolean {
    return this.ratings.has(team);
  }

  /** The team's ratings, or the weakest-teams prior for a team never seen. */
  get(team: string): PiRating {
    return this.ratings.get(team) ?? piWeakestPrior(this.ratings);
  }

  /** Enter a new team (before its first match) at the given ratings. */
  enter(team: string, r: PiRating): void {
    this.ratings.set(team, { home: r.home, away: r.away });
  }

  /** Expected goal difference (home − away) of a fixture. */
  expectedGoalDifference(home: string, away: string): number {
    return piExpectedGoals(this.get(home).home) - piExpectedGoals(this.get(away).away);
  }

  /** Process one finished match (teams never seen enter at the weakest-teams prior). */
  update(home: string, away: string, homeGoals: number, awayGoals: number): void {
    if (!this.ratings.has(home) || !this.ratings.has(away)) {
      const prior = piWeakestPrior(this.ratings);
      if (!this.ratings.has(home)) this.enter(home, prior);
      if (!this.ratings.has(away)) this.enter(away, prior);
    }
    const h = this.ratings.get(home)!;
    const a = this.ratings.get(away)!;
    const expected = piExpectedGoals(h.home) - piExpectedGoals(a.away);
    const observed = homeGoals - awayGoals;
    const e = Math.abs(observed - expected);
    const psi = C * Math.log10(1 + e);
    const psiH = observed > expected ? psi : observed < expected ? -psi : 0;
    const dh = this.lambda * psiH;
    h.home += dh;
    h.away += this.gamma * dh;
    const da = -this.lambda * psiH;
    a.away += da;
    a.home += this.gamma * da;
  }
}

interface PiRecord {
  gd: number;
  homeGoals: number;
  awayGoals: number;
  outcome: Outcome;
}

/** Run the ratings over the matches with day < asOfDay, in (day, home, away) order. */
export function runPi(matches: readonly TrainingMatch[], asOfDay: number, hyper: PiHyper = PI_DEFAULTS): { state: PiRatings; records: PiRecord[] } {
  const state = new PiRatings(hyper.lambda, hyper.gamma);
  const records: PiRecord[] = [];
  stepPi(state, records, selectMatches(matches, asOfDay));
  return { state, records };
}

function stepPi(state: PiRatings, records: PiRecord[], ordered: readonly TrainingMatch[]): void {
  for (const m of ordered) {
    if (!state.has(m.home) || !state.has(m.away)) {
      const prior = piWeakestPrior(state.ratings);
      if (!state.has(m.home)) state.enter(m.home, prior);
      if (!state.has(m.away)) state.enter(m.away, prior);
    }
    records.push({ gd: state.expectedGoalDifference(m.home, m.away), homeGoals: m.homeGoals, awayGoals: m.awayGoals, outcome: outcomeOf(m.homeGoals, m.awayGoals) });
    state.update(m.home, m.away, m.homeGoals, m.awayGoals);
  }
}

interface PiRunCache {
  signature: string;
  ratings: Map<string, PiRating>;
  records: PiRecord[];
}

interface PiState {
  hyper: PiHyper;
  asOfDay: number;
  ratings: Map<string, PiRating>;
  prior: PiRating;
  outcome: OrderedLogitParams;
  goals: { home: PoissonRegressionParams; away: PoissonRegressionParams };
  nMatches: number;
  nFitted: number;
  run?: PiRunCache;
}

export class PiModel implements FittedModel {
  readonly kind = 'pi';
  readonly #s: PiState;
  constructor(state: PiState) {
    this.#s = state;
  }

  /** @internal the rating run and maps, for a warm continuation by the next fit. */
  get warm(): { asOfDay: number; hyper: PiHyper; run?: PiRunCache; outcome: OrderedLogitParams; goals: { home: PoissonRegressionParams; away: PoissonRegressionParams } } {
    const s = this.#s;
    return { asOfDay: s.asOfDay, hyper: s.hyper, run: s.run, outcome: s.outcome, goals: s.goals };
  }

  rating(team: string): PiRating {
    const r = this.#s.ratings.get(team) ?? this.#s.prior;
    return { home: r.home, away: r.away };
  }

  expectedGoalDifference(home: string, away: string): number {
    return piExpectedGoals(this.rating(home).home) - piExpectedGoals(this.rating(away).away);
  }

  probabilities(home: string, away: string): Probabilities {
    return orderedLogitProbabilities(this.#s.outcome, this.expectedGoalDifference(home, away));
  }

  predict(home: string, away: string): Prediction {
    const x = this.expectedGoalDifference(home, away);
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
      prior: { ...s.prior },
      ratings: [...s.ratings.entries()].map(([team, r]) => ({ team, home: r.home, away: r.away })),
      outcome: { b: s.outcome.b, c1: s.outcome.c1, c2: s.outcome.c2 },
      goals: {
        home: { intercept: s.goals.home.intercept, slope: s.goals.home.slope },
        away: { intercept: s.goals.away.intercept, slope: s.goals.away.slope },
      },
    };
  }
}

function fitPi(matches: readonly TrainingMatch[], asOfDay: number, hyper: PiHyper, previous?: FittedModel): PiModel {
  const warm = previous instanceof PiModel && JSON.stringify(previous.warm.hyper) === JSON.stringify(hyper) ? previous.warm : undefined;
  const state = new PiRatings(hyper.lambda, hyper.gamma);
  let records: PiRecord[];
  const [sigNow, sigPrev] = historySignatures(matches, warm?.run ? [asOfDay, warm.asOfDay] : [asOfDay]);
  if (warm?.run && warm.asOfDay <= asOfDay && sigPrev === warm.run.signature) {
    for (const [t, r] of warm.run.ratings) state.enter(t, r);
    records = warm.run.records.slice();
    stepPi(state, records, selectMatches(matches, asOfDay, warm.asOfDay));
  } else {
    records = [];
    stepPi(state, records, selectMatches(matches, asOfDay));
  }
  const n = records.length;
  if (n === 0) throw new Error(`pi: no matches before day ${asOfDay} to fit on`);
  const skip = Math.min(hyper.burnIn, Math.max(0, n - hyper.burnIn));
  const used = records.slice(hyper.mapWindow > 0 ? Math.max(skip, n - hyper.mapWindow) : skip);
  const xs = used.map((r) => r.gd);
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
  const ratings = new Map([...state.ratings.entries()].sort((a, b) => compareStrings(a[0], b[0])).map(([t, r]) => [t, { ...r }] as [string, PiRating]));
  return new PiModel({
    hyper: { ...hyper },
    asOfDay,
    ratings,
    prior: piWeakestPrior(ratings),
    outcome: { b: outcome.b, c1: outcome.c1, c2: outcome.c2 },
    goals: { home: { intercept: home.intercept, slope: home.slope }, away: { intercept: away.intercept, slope: away.slope } },
    nMatches: n,
    nFitted: used.length,
    run: { signature: sigNow!, ratings: new Map([...state.ratings.entries()].map(([t, r]) => [t, { ...r }])), records },
  });
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`pi.fromJSON: ${what} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`pi.fromJSON: ${what} must be an object`);
  return v as Record<string, unknown>;
}

export function piFromJSON(params: Record<string, unknown>): PiModel {
  if (params.kind !== 'pi') throw new Error(`pi.fromJSON: expected kind "pi", got ${JSON.stringify(params.kind)}`);
  const h = obj(params.hyper, 'hyper');
  const hyper = mergeHyper<PiHyper>('pi', PI_DEFAULTS, {
    lambda: num(h.lambda, 'hyper.lambda'),
    gamma: num(h.gamma, 'hyper.gamma'),
    burnIn: num(h.burnIn, 'hyper.burnIn'),
    mapWindow: h.mapWindow === undefined ? 0 : num(h.mapWindow, 'hyper.mapWindow'),
  });
  if (!Array.isArray(params.ratings)) throw new Error('pi.fromJSON: ratings must be an array of {team, home, away}');
  const entries: [string, PiRating][] = params.ratings.map((r, i) => {
    const o = obj(r, `ratings[${i}]`);
    if (typeof o.team !== 'string') throw new Error(`pi.fromJSON: ratings[${i}].team must be a string`);
    return [o.team, { home: num(o.home, `ratings[${i}].home`), away: num(o.away, `ratings[${i}].away`) }];
  });
  const prior = obj(params.prior, 'prior');
  const outcome = obj(params.outcome, 'outcome');
  const goals = obj(params.goals, 'goals');
  const gh = obj(goals.home, 'goals.home');
  const ga = obj(goals.away, 'goals.away');
  return new PiModel({
    hyper,
    asOfDay: num(params.asOfDay, 'asOfDay'),
    ratings: new Map(entries.sort((a, b) => compareStrings(a[0], b[0]))),
    prior: { home: num(prior.home, 'prior.home'), away: num(prior.away, 'prior.away') },
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
 * The pi-ratings spec. `previous` (a pi fit with the same hyper-parameters) lets the fit
 * continue its rating run (bit-identical to a replay) and warm-starts the maps.
 */
export function piSpec(hyper?: Partial<PiHyper>): ModelSpec<PiHyper> {
  const h = mergeHyper('pi', PI_DEFAULTS, hyper);
  if (!(h.lambda > 0) || !(h.gamma >= 0) || !(h.burnIn >= 0) || !Number.isInteger(h.burnIn) || !(h.mapWindow >= 0) || !Number.isInteger(h.mapWindow)) {
    throw new Error(`pi: need lambda > 0, gamma ≥ 0 and a whole burnIn ≥ 0, got ${JSON.stringify(h)}`);
  }
  return { name: 'pi', hyper: h, fit: (matches, asOfDay, previous) => fitPi(matches, asOfDay, h, previous), fromJSON: piFromJSON };
}

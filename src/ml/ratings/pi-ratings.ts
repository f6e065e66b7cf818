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
import { outcomeOf, type Outcome } from '../../domain/types.ts';
import type { FittedModel, ModelSpec, TrainingMatch } from '../models/model.ts';
import { expectKind, jsonReader, readHyper } from '../models/model-base.ts';
import { continueRun, fitRatingMaps, RatingModel, readRatingMaps, readRatings, type RatingState } from './rating-maps.ts';
import { compareStrings, mergeHyper, selectMatches } from '../models/training-data.ts';

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

interface PiState extends RatingState<PiHyper, PiRating, PiRecord> {
  prior: PiRating;
}

export class PiModel extends RatingModel<PiHyper, PiRating, PiRecord, PiState> {
  override readonly kind = 'pi';

  rating(team: string): PiRating {
    const r = this.state.ratings.get(team) ?? this.state.prior;
    return { home: r.home, away: r.away };
  }

  expectedGoalDifference(home: string, away: string): number {
    return piExpectedGoals(this.rating(home).home) - piExpectedGoals(this.rating(away).away);
  }

  protected override mapInput(home: string, away: string): number {
    return this.expectedGoalDifference(home, away);
  }

  protected override ratingsJSON(): Record<string, unknown> {
    const s = this.state;
    return { prior: { ...s.prior }, ratings: [...s.ratings.entries()].map(([team, r]) => ({ team, home: r.home, away: r.away })) };
  }
}

function fitPi(matches: readonly TrainingMatch[], asOfDay: number, hyper: PiHyper, previous?: FittedModel): PiModel {
  const run = continueRun(matches, asOfDay, hyper, previous instanceof PiModel ? previous.warm : undefined, {
    start: (cached?: Map<string, PiRating>) => {
      const state = new PiRatings(hyper.lambda, hyper.gamma);
      if (cached) for (const [t, r] of cached) state.enter(t, r);
      return state;
    },
    step: (state, records: PiRecord[], ordered) => stepPi(state, records, ordered),
  });
  const maps = fitRatingMaps('pi', asOfDay, run.records, (r) => r.gd, hyper, run.warm);
  const copy = (entries: [string, PiRating][]) => new Map(entries.map(([t, r]) => [t, { ...r }] as [string, PiRating]));
  const ratings = copy([...run.state.ratings.entries()].sort((a, b) => compareStrings(a[0], b[0])));
  return new PiModel({
    hyper: { ...hyper },
    asOfDay,
    ratings,
    prior: piWeakestPrior(ratings),
    ...maps,
    run: { signature: run.signature, ratings: copy([...run.state.ratings.entries()]), records: run.records },
  });
}

export function piFromJSON(params: Record<string, unknown>): PiModel {
  expectKind(params, 'pi');
  const j = jsonReader('pi');
  const hyper = readHyper('pi', PI_DEFAULTS, j.obj(params.hyper, 'hyper'), j, { mapWindow: 0 });
  const ratings = readRatings(params, j, 'home, away', (o, at) => ({ home: j.num(o.home, `${at}.home`), away: j.num(o.away, `${at}.away`) }));
  const prior = j.obj(params.prior, 'prior');
  const maps = readRatingMaps(params, j);
  return new PiModel({
    hyper,
    asOfDay: j.num(params.asOfDay, 'asOfDay'),
    ratings,
    prior: { home: j.num(prior.home, 'prior.home'), away: j.num(prior.away, 'prior.away') },
    ...maps,
    nMatches: j.num(params.nMatches, 'nMatches'),
    nFitted: j.num(params.nFitted, 'nFitted'),
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

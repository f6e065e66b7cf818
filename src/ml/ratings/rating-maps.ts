/**
 * What the rating models (elo.ts, pi-ratings.ts) share: a rating run over the matches in
 * order, continued from the previous fit of the same hyper-parameters when the matches before
 * that fit's day are unchanged (checked by signature; bit-identical to a full replay), and the
 * maps from a fixture's pre-match rating value x to H/D/A (an ordered logit) and to expected
 * goals (two Poisson regressions log λ = β0 + β1·x), fitted on the processed matches after a
 * burn-in and warm-started from the previous fit.
 */
import type { Outcome, Probabilities } from '../../domain/types.ts';
import type { FittedModel, Prediction, TrainingMatch } from '../models/model.ts';
import { FittedState, type JsonReader } from '../models/model-base.ts';
import { fitOrderedLogit, orderedLogitProbabilities, type OrderedLogitParams } from './ordered-logit.ts';
import { fitPoissonRegression, poissonMean, type PoissonRegressionParams } from '../goals/poisson-regression.ts';
import { historySignatures } from '../models/signature.ts';
import { compareStrings, selectMatches } from '../models/training-data.ts';

/** The outcome and goal maps of a fit. */
export interface RatingMaps {
  outcome: OrderedLogitParams;
  goals: { home: PoissonRegressionParams; away: PoissonRegressionParams };
}

/** A processed match as the maps see it (its map input x comes from the model's record). */
export interface MapRecord {
  homeGoals: number;
  awayGoals: number;
  outcome: Outcome;
}

/** The working state of a rating run, kept (not serialised) so the next fit can continue it. */
export interface RunCache<R, Rec> {
  signature: string;
  ratings: R;
  records: Rec[];
}

/** What a fit hands on to the next fit of the same spec. */
export interface WarmRun<H, R, Rec> extends RatingMaps {
  asOfDay: number;
  hyper: H;
  run?: RunCache<R, Rec>;
}

/** Burn-in and map window (see elo.ts `EloHyper`). */
export interface MapWindow {
  burnIn: number;
  mapWindow: number;
}

/**
 * The rating run over the matches with day < asOfDay, in (day, home, away) order: continued
 * from `previous` when it has the same hyper-parameters, an earlier or equal day and the same
 * matches before that day, else replayed from `start()`. `warm` is `previous` when it applies
 * (its maps then warm-start the new ones).
 */
export function continueRun<H, R, S, Rec>(
  matches: readonly TrainingMatch[],
  asOfDay: number,
  hyper: H,
  previous: WarmRun<H, R, Rec> | undefined,
  run: {
    /** A fresh state, or one from a cached run's ratings. */
    start: (cached?: R) => S;
    /** Process the ordered matches into the state and the records, in place. */
    step: (state: S, records: Rec[], ordered: readonly TrainingMatch[]) => void;
  },
): { warm?: WarmRun<H, R, Rec>; state: S; records: Rec[]; signature: string } {
  const { start, step } = run;
  const warm = previous && JSON.stringify(previous.hyper) === JSON.stringify(hyper) ? previous : undefined;
  const [sigNow, sigPrev] = historySignatures(matches, warm?.run ? [asOfDay, warm.asOfDay] : [asOfDay]);
  if (warm?.run && warm.asOfDay <= asOfDay && sigPrev === warm.run.signature) {
    const state = start(warm.run.ratings);
    const records = warm.run.records.slice();
    step(state, records, selectMatches(matches, asOfDay, warm.asOfDay));
    return { warm, state, records, signature: sigNow! };
  }
  const state = start();
  const records: Rec[] = [];
  step(state, records, selectMatches(matches, asOfDay));
  return { warm, state, records, signature: sigNow! };
}

/**
 * Fit the maps on the processed matches after the burn-in (min(burnIn, max(0, n − burnIn)) of
 * n skipped), the latest `mapWindow` of them at most (0 = all); `x` is a record's map input.
 */
export function fitRatingMaps<Rec extends MapRecord>(
  model: string,
  asOfDay: number,
  records: readonly Rec[],
  x: (r: Rec) => number,
  hyper: MapWindow,
  warm?: RatingMaps,
): RatingMaps & { nMatches: number; nFitted: number } {
  const n = records.length;
  if (n === 0) throw new Error(`${model}: no matches before day ${asOfDay} to fit on`);
  const skip = Math.min(hyper.burnIn, Math.max(0, n - hyper.burnIn));
  const used = records.slice(hyper.mapWindow > 0 ? Math.max(skip, n - hyper.mapWindow) : skip);
  const xs = used.map(x);
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
  return {
    outcome: { b: outcome.b, c1: outcome.c1, c2: outcome.c2 },
    goals: { home: { intercept: home.intercept, slope: home.slope }, away: { intercept: away.intercept, slope: away.slope } },
    nMatches: n,
    nFitted: used.length,
  };
}

/** The maps back from a model's JSON (`outcome` and `goals`). */
export function readRatingMaps(params: Record<string, unknown>, j: JsonReader): RatingMaps {
  const outcome = j.obj(params.outcome, 'outcome');
  const goals = j.obj(params.goals, 'goals');
  const gh = j.obj(goals.home, 'goals.home');
  const ga = j.obj(goals.away, 'goals.away');
  return {
    outcome: { b: j.num(outcome.b, 'outcome.b'), c1: j.num(outcome.c1, 'outcome.c1'), c2: j.num(outcome.c2, 'outcome.c2') },
    goals: {
      home: { intercept: j.num(gh.intercept, 'goals.home.intercept'), slope: j.num(gh.slope, 'goals.home.slope') },
      away: { intercept: j.num(ga.intercept, 'goals.away.intercept'), slope: j.num(ga.slope, 'goals.away.slope') },
    },
  };
}

/** Ratings by team from a model's JSON `ratings` ([{team, …}], any order), sorted by team. */
export function readRatings<T>(params: Record<string, unknown>, j: JsonReader, fields: string, read: (o: Record<string, unknown>, at: string) => T): Map<string, T> {
  if (!Array.isArray(params.ratings)) j.fail(`ratings must be an array of {team, ${fields}}`);
  const entries = (params.ratings as unknown[]).map((r, i): [string, T] => {
    const o = j.obj(r, `ratings[${i}]`);
    if (typeof o.team !== 'string') j.fail(`ratings[${i}].team must be a string`);
    return [o.team as string, read(o, `ratings[${i}]`)];
  });
  return new Map(entries.sort((a, b) => compareStrings(a[0], b[0])));
}

/** The state every rating model keeps; ratings are sorted by team. */
export interface RatingState<H, T, Rec> extends RatingMaps {
  hyper: H;
  asOfDay: number;
  ratings: Map<string, T>;
  nMatches: number;
  nFitted: number;
  run?: RunCache<Map<string, T>, Rec>;
}

/** A fitted rating model: predictions are the maps at the fixture's {@link mapInput}. */
export abstract class RatingModel<H extends object, T, Rec, S extends RatingState<H, T, Rec>> extends FittedState<S> implements FittedModel {
  /** The fixture's pre-match value the maps read. */
  protected abstract mapInput(home: string, away: string): number;

  /** The model's ratings (and their prior), serialised between `nFitted` and `outcome`. */
  protected abstract ratingsJSON(): Record<string, unknown>;

  /** @internal the rating run and maps, for a warm continuation by the next fit. */
  get warm(): WarmRun<H, Map<string, T>, Rec> {
    const s = this.state;
    return { asOfDay: s.asOfDay, hyper: s.hyper, run: s.run, outcome: s.outcome, goals: s.goals };
  }

  probabilities(home: string, away: string): Probabilities {
    return orderedLogitProbabilities(this.state.outcome, this.mapInput(home, away));
  }

  predict(home: string, away: string): Prediction {
    const x = this.mapInput(home, away);
    return {
      probabilities: orderedLogitProbabilities(this.state.outcome, x),
      expectedGoals: { home: poissonMean(this.state.goals.home, x), away: poissonMean(this.state.goals.away, x) },
    };
  }

  teams(): string[] {
    return [...this.state.ratings.keys()];
  }

  protected override paramsJSON(): Record<string, unknown> {
    const s = this.state;
    return {
      nMatches: s.nMatches,
      nFitted: s.nFitted,
      ...this.ratingsJSON(),
      outcome: { b: s.outcome.b, c1: s.outcome.c1, c2: s.outcome.c2 },
      goals: {
        home: { intercept: s.goals.home.intercept, slope: s.goals.home.slope },
        away: { intercept: s.goals.away.intercept, slope: s.goals.away.slope },
      },
    };
  }
}

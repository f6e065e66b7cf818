/**
 * The contract every model follows: fit on past matches as of a day, predict a fixture,
 * serialise to JSON. Pure: no I/O, no clock (the "as of" day is an argument).
 *
 * The contract grew compatibly for feature-based and stacked models: every field and argument
 * added below is optional, and a model that does not use them (elo, dixon-coles) ignores them.
 * - `TrainingMatch` may carry match statistics (shots, shots on target, …), the best pre-match
 *   1X2 price (published before kick-off; never a closing price) and its league.
 * - `fit` may receive a {@link FitContext}: a precomputed point-in-time feature table, the
 *   out-of-sample predictions and current fits of other models (for stacking), and other
 *   leagues' matches (promoted-team priors). Without it a model computes what it needs itself,
 *   so `fit(matches, asOfDay)` always works (the training/serving path).
 * - `predict` may receive a {@link PredictContext}: the fixture's day, its pre-match price,
 *   its precomputed feature vector and the other models' predictions for it.
 */
import type { Odds1x2, Probabilities } from '../../domain/types.ts';

/** One side's match statistics (football-data columns; WhoScored-derived values where present). */
export interface SideStats {
  shots?: number | null;
  shotsOnTarget?: number | null;
  corners?: number | null;
  /** WhoScored-derived expected-goals proxy, when the warehouse has it. */
  xg?: number | null;
}

/** A finished match, as training data. `day` = days since 1970-01-01. */
export interface TrainingMatch {
  day: number;
  home: string;
  away: string;
  homeGoals: number;
  awayGoals: number;
  /** League code; used only to tell leagues apart in {@link FitContext.otherLeagues}. */
  league?: string;
  /** Match statistics, when known. Results-only models may use them (they are not market data). */
  stats?: { home: SideStats; away: SideStats } | null;
  /**
   * The best PRE-MATCH 1X2 price (see market.ts `preMatchPrice`). Market data: only models
   * whose spec is `marketAware` may read it.
   */
  preOdds?: Odds1x2 | null;
}

export interface Prediction {
  probabilities: Probabilities;
  expectedGoals: { home: number; away: number };
}

/** What a caller may know about a fixture beyond its two team names. All optional. */
export interface PredictContext {
  /** Kick-off day (days since 1970-01-01); unknown → the model's as-of day. */
  day?: number;
  /** Best pre-match 1X2 price for the fixture (market-aware models only). */
  preOdds?: Odds1x2 | null;
  /** The fixture's point-in-time feature vector, when the caller already has it (backtests). */
  features?: Float64Array;
  /** Other models' predictions for this fixture, by spec name (stacked models). */
  inputs?: Record<string, Prediction>;
}

/** A fitted model: predicts any pairing; a team it never saw gets the model's prior (weakest teams' average). */
export interface FittedModel {
  readonly kind: string;
  predict(home: string, away: string, context?: PredictContext): Prediction;
  /** Teams the fit saw. */
  teams(): string[];
  /** JSON-safe parameters; `fromJSON` of the same kind restores an identical model. */
  toJSON(): Record<string, unknown>;
}

/** A precomputed point-in-time feature table (features.ts builds it). */
export interface FeatureTableLike {
  readonly names: readonly string[];
  /** Configuration fingerprint: a model uses the table only when it matches its own feature config. */
  readonly configKey: string;
  /** The vector of the match (day, home, away), computed from matches before `day` only. */
  get(day: number, home: string, away: string): Float64Array | undefined;
}

/** Out-of-sample predictions of one model: match key `${day}|${home}|${away}` → prediction. */
export type OosPredictions = ReadonlyMap<string, Prediction>;

export interface FitContext {
  /** Point-in-time features of (at least) every match in `matches`. */
  features?: FeatureTableLike;
  /**
   * For stacked models: each input model's out-of-sample prediction of earlier matches (made
   * by a fit as of a day ≤ the match's day, on matches before it). Entries on or after asOfDay
   * are ignored.
   */
  oos?: Record<string, OosPredictions>;
  /** For stacked models: each input model fitted as of the same asOfDay. */
  fits?: Record<string, FittedModel>;
  /** Matches of other leagues (with `league` set), for promoted-team priors. Only day < asOfDay is used. */
  otherLeagues?: readonly TrainingMatch[];
  /** The league being fitted (for promoted-team priors from other leagues). */
  league?: string;
}

export interface ModelSpec<P = Record<string, number>> {
  /** Name used in tables, artifacts and the backtest JSON (`elo`, `dixon-coles`, `elo+market`). */
  readonly name: string;
  readonly hyper: P;
  /** True when the model reads market data (pre-match odds); its name then ends in `+market`. */
  readonly marketAware?: boolean;
  /** True when the model reads a point-in-time feature table (FitContext.features / PredictContext.features). */
  readonly usesFeatures?: boolean;
  /** Feature configuration key the model expects in FitContext.features. */
  readonly featureKey?: string;
  /** Names of the models whose out-of-sample predictions this stacked model combines. */
  readonly inputs?: readonly string[];
  /** Specs of those inputs (so a caller can run them when they were not asked for). */
  readonly inputSpecs?: readonly ModelSpec<any>[];
  /**
   * Fit on `matches` (all with day < asOfDay, any order). `previous` is the last fit of the
   * same spec, for warm starts and caches; results must not depend on it beyond optimiser
   * tolerance.
   */
  fit(matches: readonly TrainingMatch[], asOfDay: number, previous?: FittedModel, context?: FitContext): FittedModel;
  fromJSON(params: Record<string, unknown>): FittedModel;
}

/** Key of a match in feature tables and out-of-sample maps. */
export function matchKey(day: number, home: string, away: string): string {
  return `${day}|${home}|${away}`;
}

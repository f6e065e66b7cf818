/**
 * The contract every model follows: fit on past matches as of a day, predict a fixture,
 * serialise to JSON. Pure: no I/O, no clock (the "as of" day is an argument).
 */
import type { Probabilities } from '../domain/types.ts';

/** A finished match, as training data. `day` = days since 1970-01-01. */
export interface TrainingMatch {
  day: number;
  home: string;
  away: string;
  homeGoals: number;
  awayGoals: number;
}

export interface Prediction {
  probabilities: Probabilities;
  expectedGoals: { home: number; away: number };
}

/** A fitted model: predicts any pairing; a team it never saw gets the model's prior (weakest teams' average). */
export interface FittedModel {
  readonly kind: string;
  predict(home: string, away: string): Prediction;
  /** Teams the fit saw. */
  teams(): string[];
  /** JSON-safe parameters; `fromJSON` of the same kind restores an identical model. */
  toJSON(): Record<string, unknown>;
}

export interface ModelSpec<P = Record<string, number>> {
  /** Name used in tables, artifacts and the backtest JSON (`elo`, `dixon-coles`). */
  readonly name: string;
  readonly hyper: P;
  /**
   * Fit on `matches` (all with day < asOfDay, any order). `previous` is the last fit of the
   * same spec, for warm starts; results must not depend on it beyond optimiser tolerance.
   */
  fit(matches: readonly TrainingMatch[], asOfDay: number, previous?: FittedModel): FittedModel;
  fromJSON(params: Record<string, unknown>): FittedModel;
}

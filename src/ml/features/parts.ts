/**
 * The data of one league's online feature state, as one plain object the updaters
 * (update.ts), the Dixon-Coles refits (fits.ts), the feature function (vector.ts) and the
 * JSON form (serialize.ts) share: the league's rating book and other leagues' books, the
 * rolling form and league averages, the match window and the fitted goal and shots-on-target
 * models, and the bookkeeping (last result day, results since the last fit, read-only flag).
 * {@link FeatureState} owns one and keeps it private.
 */
import type { TrainingMatch } from '../models/model.ts';
import type { DixonColesModel } from '../goals/dixon-coles.ts';
import type { FeatureConfig } from './config.ts';
import { newLeagueStats, type RollingForm } from './form.ts';
import { newBook, type RatingBook } from './ratings.ts';

export interface FeatureStateParts extends RollingForm {
  readonly cfg: FeatureConfig;
  readonly league: string | undefined;
  book: RatingBook;
  /** League code → its rating book (for promoted-team priors). */
  others: Map<string, RatingBook>;
  /** Results within the Dixon-Coles window (cut on refit). */
  window: TrainingMatch[];
  dc: DixonColesModel | undefined;
  sot: DixonColesModel | undefined;
  newSinceFit: number;
  /** Day of the latest result added (−Infinity when none). */
  lastDay: number;
  /** Restored from JSON: computes vectors, takes no new results. */
  frozen: boolean;
}

export function newParts(cfg: FeatureConfig, league: string | undefined): FeatureStateParts {
  return {
    cfg,
    league,
    book: newBook(cfg),
    others: new Map(),
    form: new Map(),
    recent: new Map(),
    leagueStats: newLeagueStats(),
    window: [],
    dc: undefined,
    sot: undefined,
    newSinceFit: 0,
    lastDay: -Infinity,
    frozen: false,
  };
}

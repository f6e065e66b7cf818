/**
 * {@link FeatureState}, the online feature state of one league and the class the rest of the
 * code holds: `updateDay` adds a day's results (and `updateOtherLeague` other leagues'
 * results, for priors), `vector` computes the features of a fixture on a later day, and
 * `toJSON` / `fromJSON` save and restore it (a restored state is read-only). Its data lives
 * in a private {@link FeatureStateParts}; the work is done by update.ts, fits.ts, vector.ts
 * and serialize.ts.
 */
import type { Odds1x2 } from '../../domain/types.ts';
import type { TrainingMatch } from '../models/model.ts';
import { compareStrings } from '../models/training-data.ts';
import { FEATURE_DEFAULTS, featureConfigKey, type FeatureConfig } from './config.ts';
import { featureNames } from './columns.ts';
import { ensureFits } from './fits.ts';
import { newParts, type FeatureStateParts } from './parts.ts';
import { partsToJSON, restoreParts } from './serialize.ts';
import { updateDay, updateOtherLeague } from './update.ts';
import { featureVector, type Fixture } from './vector.ts';

/**
 * The online state of one league. `updateDay` adds a day's results (and other leagues'
 * results, for priors); `vector` reads features of a fixture on a later day.
 */
export class FeatureState {
  readonly cfg: FeatureConfig;
  readonly league: string | undefined;
  readonly names: string[];
  #parts: FeatureStateParts;

  constructor(cfg: FeatureConfig = FEATURE_DEFAULTS, league?: string) {
    this.cfg = cfg;
    this.league = league;
    this.names = featureNames(cfg);
    this.#parts = newParts(cfg, league);
  }

  /** Day of the latest result added (−Infinity when none). */
  get lastDay(): number {
    return this.#parts.lastDay;
  }

  teams(): string[] {
    return [...this.#parts.book.elo.keys()].sort(compareStrings);
  }

  /** Add one day's finished matches of another league (for promoted-team priors). */
  updateOtherLeague(league: string, matches: readonly TrainingMatch[]): void {
    updateOtherLeague(this.#parts, league, matches);
  }

  /** Add the finished league matches of one day (all with the same day, later than any added before). */
  updateDay(matches: readonly TrainingMatch[]): void {
    updateDay(this.#parts, matches);
  }

  /** Make the state ready to answer for fixtures from `day` on (refits if due), as a fit at `day` does. */
  prepare(day: number): void {
    if (day <= this.#parts.lastDay) throw new Error(`FeatureState.prepare: day ${day} is not after the last result (${this.#parts.lastDay})`);
    ensureFits(this.#parts, day);
  }

  /**
   * THE feature function: the vector of a fixture on `fixture.day` (> every result added),
   * in {@link featureNames} order. A fixture without a day (serving) uses the last fit day for
   * the rating fits and the neutral rest default.
   */
  vector(fixture: Fixture | { day?: number; home: string; away: string; preOdds?: Odds1x2 | null }): Float64Array {
    return featureVector(this.#parts, this.names.length, fixture);
  }

  toJSON(): Record<string, unknown> {
    return partsToJSON(this.#parts);
  }

  /** Restore a state saved by toJSON; it computes the same vectors and is read-only. */
  static fromJSON(j: Record<string, unknown>): FeatureState {
    if (j.kind !== 'feature-state') throw new Error(`FeatureState.fromJSON: expected kind "feature-state", got ${JSON.stringify(j.kind)}`);
    const cfg = j.cfg as FeatureConfig;
    if (featureConfigKey(cfg) !== j.configKey) throw new Error('FeatureState.fromJSON: the configuration does not match its key');
    const s = new FeatureState(cfg, typeof j.league === 'string' ? j.league : undefined);
    restoreParts(s.#parts, j);
    return s;
  }
}

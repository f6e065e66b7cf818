/**
 * Hyper-parameter tuning inside the training data only, by walk-forward.
 *
 * A tuned spec re-chooses its hyper-parameters at each season cut-off (1 July, seasons.ts):
 * among a small grid, the point with the lowest mean RPS when walked forward (refits every
 * `refitDays`) through the `validationDays` before the cut-off, fitted on the matches before
 * each refit. Only matches before the cut-off are read, so a test season never informs its own
 * hyper-parameters. With less than `minHistoryDays` of history before the validation window
 * the defaults are kept. The choice is a deterministic function of the matches before the
 * cut-off; `previous` only caches it (same cut-off and the same history signature).
 */
import { outcomeOf } from '../../domain/types.ts';
import type { FitContext, FittedModel, ModelSpec, PredictContext, Prediction, TrainingMatch } from './model.ts';
import { rps } from '../evaluation/metrics.ts';
import { seasonCutoff, MONDAY_ANCHOR } from '../evaluation/seasons.ts';
import { stableJson } from '../../domain/stable-json.ts';
import { historySignature } from './signature.ts';

export { historySignature } from './signature.ts';
import { walkForward } from '../evaluation/walk-forward.ts';

export interface TuningOptions {
  validationDays: number;
  refitDays: number;
  minHistoryDays: number;
}

/**
 * Two seasons of validation (one season chose noise on the development seasons, E0 2010-11 to
 * 2014-15: ~0.001 RPS worse than the literature defaults), refits every 8 weeks.
 */
export const TUNING_DEFAULTS: TuningOptions = { validationDays: 730, refitDays: 56, minHistoryDays: 300 };

export interface TuningRecord {
  cutoff: number;
  signature: string;
  chosen: Record<string, number>;
  scores: { hyper: Record<string, number>; rps: number }[];
  validationMatches: number;
}

/** A fitted model plus the tuning that chose its hyper-parameters. */
export class TunedModel implements FittedModel {
  constructor(
    readonly inner: FittedModel,
    readonly tuning: TuningRecord,
  ) {}
  get kind(): string {
    return this.inner.kind;
  }
  predict(home: string, away: string, context?: PredictContext): Prediction {
    return this.inner.predict(home, away, context);
  }
  teams(): string[] {
    return this.inner.teams();
  }
  toJSON(): Record<string, unknown> {
    return { ...this.inner.toJSON(), tuning: { cutoff: this.tuning.cutoff, chosen: { ...this.tuning.chosen }, scores: this.tuning.scores } };
  }
}

/** Walk-forward mean RPS of `spec` over the matches in [from, to), fitted on everything before. */
export function walkForwardRps(spec: ModelSpec<any>, matches: readonly TrainingMatch[], from: number, to: number, refitDays: number, context?: FitContext): { rps: number; n: number } {
  const hist = matches.filter((m) => m.day < to);
  const targets = hist.filter((m) => m.day >= from).map((m, i) => ({ id: i, day: m.day, home: m.home, away: m.away, preOdds: m.preOdds }));
  if (targets.length === 0) return { rps: NaN, n: 0 };
  const byId = hist.filter((m) => m.day >= from);
  const wf = walkForward(hist, targets, [spec], refitDays, { anchorDay: MONDAY_ANCHOR, features: context?.features, otherLeagues: context?.otherLeagues, league: context?.league });
  let s = 0;
  const preds = wf.predictions[spec.name]!;
  targets.forEach((t, i) => {
    const m = byId[i]!;
    s += rps(preds.get(t.id)!.probabilities, outcomeOf(m.homeGoals, m.awayGoals));
  });
  return { rps: s / targets.length, n: targets.length };
}

/** Choose among `grid` at the cut-off of `asOfDay` (see the module comment). */
export function tuneAt<P>(
  make: (h?: Partial<P>) => ModelSpec<P>,
  grid: readonly Partial<P>[],
  matches: readonly TrainingMatch[],
  asOfDay: number,
  options: TuningOptions = TUNING_DEFAULTS,
  cached?: TuningRecord,
  context?: FitContext,
): TuningRecord {
  const cutoff = seasonCutoff(asOfDay);
  const signature = historySignature(matches, cutoff);
  if (cached && cached.cutoff === cutoff && cached.signature === signature) return cached;
  const from = cutoff - options.validationDays;
  let first = Infinity;
  for (const m of matches) if (m.day < first) first = m.day;
  const record: TuningRecord = { cutoff, signature, chosen: {}, scores: [], validationMatches: 0 };
  if (!(from - first >= options.minHistoryDays) || grid.length < 2) return record;
  let best = Infinity;
  for (const g of grid) {
    const r = walkForwardRps(make(g), matches, from, cutoff, options.refitDays, context);
    record.scores.push({ hyper: { ...(g as Record<string, number>) }, rps: Math.round(r.rps * 1e8) / 1e8 });
    record.validationMatches = r.n;
    if (r.n > 0 && r.rps < best - 1e-12) {
      best = r.rps;
      record.chosen = { ...(g as Record<string, number>) };
    }
  }
  return record;
}

/**
 * A spec whose hyper-parameters are tuned inside the training data at every season cut-off.
 * `make` builds the underlying spec (with defaults for what a grid point leaves out).
 */
export function tunedSpec<P>(make: (h?: Partial<P>) => ModelSpec<P>, grid: readonly Partial<P>[], options: TuningOptions = TUNING_DEFAULTS): ModelSpec<P> {
  const base = make();
  const cache = new Map<string, ModelSpec<P>>();
  const specFor = (chosen: Record<string, number>): ModelSpec<P> => {
    const k = stableJson(chosen);
    let s = cache.get(k);
    if (!s) {
      s = make(chosen as Partial<P>);
      cache.set(k, s);
    }
    return s;
  };
  return {
    name: base.name,
    hyper: base.hyper,
    marketAware: base.marketAware,
    usesFeatures: base.usesFeatures,
    featureKey: base.featureKey,
    fit(matches, asOfDay, previous, context) {
      const prev = previous instanceof TunedModel ? previous : undefined;
      const tuning = tuneAt(make, grid, matches, asOfDay, options, prev?.tuning, context);
      const spec = specFor(tuning.chosen);
      const samePoint = prev && stableJson(prev.tuning.chosen) === stableJson(tuning.chosen);
      return new TunedModel(spec.fit(matches, asOfDay, samePoint ? prev.inner : undefined, context), tuning);
    },
    fromJSON: (p) => base.fromJSON(p),
  };
}

/**
 * Walk-forward evaluation: every target match is predicted only from matches played before
 * it. Models are refitted every `refitDays` days: a block [d0, d0 + refitDays) is predicted by
 * fits made as of d0 on every finished match with day < d0. Pure and deterministic.
 *
 * Blocks start at the first target day not yet covered (the default), or, with
 * `options.anchorDay`, on the fixed grid anchorDay + k·refitDays (so the fits do not depend on
 * where the targets start).
 *
 * Stacked specs (those with `inputs`) are fitted after the others in each block, with the
 * inputs' fits of the same block and their out-of-sample predictions of every earlier target
 * (FitContext.oos); an input that was not asked for is run anyway (its predictions are
 * returned too). Feature-based specs get `options.features` (built here from the history and
 * the targets when not given) in their FitContext and each target's vector in its
 * PredictContext. Market data (targets' `preOdds`) reaches only specs
 * marked `marketAware`.
 */
import type { FeatureTableLike, FitContext, FittedModel, ModelSpec, PredictContext, Prediction, TrainingMatch } from '../models/model.ts';
import { matchKey } from '../models/model.ts';
import type { Odds1x2 } from '../../domain/types.ts';
import { buildFeatureTable, FEATURE_DEFAULTS, featureConfigKey } from '../features/index.ts';

export interface TargetMatch {
  id: number;
  day: number;
  home: string;
  away: string;
  /** The best pre-match price (market-aware specs only). */
  preOdds?: Odds1x2 | null;
}

export interface WalkForwardResult {
  /** model name → match id → prediction */
  predictions: Record<string, Map<number, Prediction>>;
  /** number of refits per model */
  refits: number;
  /** model name → milliseconds spent fitting and predicting (only with options.now) */
  timings: Record<string, number>;
}

export interface WalkForwardOptions {
  /** Point-in-time features of every history match and target (for specs with usesFeatures). */
  features?: FeatureTableLike;
  /** Other leagues' matches and this league's code (promoted-team priors). */
  otherLeagues?: readonly TrainingMatch[];
  league?: string;
  /** Align block starts to anchorDay + k·refitDays. */
  anchorDay?: number;
  /** Called after each block with the block start and the number of targets done. */
  onBlock?: (blockStart: number, done: number, total: number) => void;
  /** A clock for per-model timings (milliseconds); without it `timings` stays empty. */
  now?: () => number;
}

/** Specs in fitting order: plain ones first, then stacked ones (inputs before users), with missing inputs added. */
export function orderSpecs(specs: readonly ModelSpec<any>[]): ModelSpec<any>[] {
  const byName = new Map<string, ModelSpec<any>>();
  const add = (s: ModelSpec<any>) => {
    if (byName.has(s.name)) return;
    for (const inp of s.inputSpecs ?? []) add(inp);
    for (const name of s.inputs ?? []) if (!byName.has(name)) throw new Error(`stacked model ${s.name}: input "${name}" has no spec`);
    byName.set(s.name, s);
  };
  for (const s of specs) add(s);
  return [...byName.values()];
}

export function walkForward(
  history: readonly TrainingMatch[],
  targets: readonly TargetMatch[],
  specs: readonly ModelSpec<any>[],
  refitDays: number,
  options: WalkForwardOptions = {},
): WalkForwardResult {
  if (!(refitDays >= 1)) throw new Error(`refitDays must be ≥ 1, got ${refitDays}`);
  const ordered = orderSpecs(specs);
  if (!options.features && ordered.some((s) => s.usesFeatures && (!s.featureKey || s.featureKey === featureConfigKey(FEATURE_DEFAULTS)))) {
    // Build the point-in-time table once (default configuration) instead of once per refit.
    const table = buildFeatureTable({ matches: history, fixtures: targets, otherLeagues: options.otherLeagues, league: options.league }).table;
    options = { ...options, features: table };
  }
  const sortedHistory = [...history].sort((a, b) => a.day - b.day);
  const sortedTargets = [...targets].sort((a, b) => a.day - b.day || a.id - b.id);
  const predictions: Record<string, Map<number, Prediction>> = {};
  const oos: Record<string, Map<string, Prediction>> = {};
  const previous: Record<string, FittedModel | undefined> = {};
  for (const s of ordered) {
    predictions[s.name] = new Map();
    oos[s.name] = new Map();
  }
  const needsOos = ordered.some((s) => s.inputs?.length);
  const timings: Record<string, number> = {};
  const now = options.now;
  const tick = (name: string, t0: number) => {
    if (now) timings[name] = (timings[name] ?? 0) + now() - t0;
  };
  let refits = 0;
  let i = 0;
  let cut = 0; // sortedHistory[0..cut) have day < blockStart
  while (i < sortedTargets.length) {
    const first = sortedTargets[i]!.day;
    const blockStart = options.anchorDay === undefined ? first : first - ((((first - options.anchorDay) % refitDays) + refitDays) % refitDays);
    const blockEnd = blockStart + refitDays;
    while (cut < sortedHistory.length && sortedHistory[cut]!.day < blockStart) cut++;
    const train = sortedHistory.slice(0, cut);
    const fits: Record<string, FittedModel> = {};
    for (const s of ordered) {
      const ctx: FitContext = { league: options.league, otherLeagues: options.otherLeagues };
      if (s.usesFeatures && options.features) ctx.features = options.features;
      if (s.inputs?.length) {
        ctx.fits = Object.fromEntries(s.inputs.map((n) => [n, fits[n]!]));
        ctx.oos = Object.fromEntries(s.inputs.map((n) => [n, oos[n]!]));
      }
      const t0 = now ? now() : 0;
      const f = s.fit(train, blockStart, previous[s.name], ctx);
      tick(s.name, t0);
      previous[s.name] = f;
      fits[s.name] = f;
    }
    refits++;
    for (; i < sortedTargets.length && sortedTargets[i]!.day < blockEnd; i++) {
      const t = sortedTargets[i]!;
      const vec = options.features?.get(t.day, t.home, t.away);
      const made: Record<string, Prediction> = {};
      for (const s of ordered) {
        const ctx: PredictContext = { day: t.day };
        if (s.marketAware) ctx.preOdds = t.preOdds ?? null;
        if (s.usesFeatures && vec && options.features && (!s.featureKey || s.featureKey === options.features.configKey)) ctx.features = vec;
        if (s.inputs?.length) ctx.inputs = Object.fromEntries(s.inputs.map((n) => [n, made[n]!]));
        const t0 = now ? now() : 0;
        const p = fits[s.name]!.predict(t.home, t.away, ctx);
        tick(s.name, t0);
        made[s.name] = p;
        predictions[s.name]!.set(t.id, p);
        if (needsOos) oos[s.name]!.set(matchKey(t.day, t.home, t.away), p);
      }
    }
    options.onBlock?.(blockStart, i, sortedTargets.length);
  }
  return { predictions, refits, timings };
}

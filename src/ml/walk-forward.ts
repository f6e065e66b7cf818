/**
 * Walk-forward evaluation: every target match is predicted only from matches played before
 * it. Models are refitted every `refitDays` days: a block [d0, d0 + refitDays) is predicted by
 * fits made as of d0 on every finished match with day < d0. Pure and deterministic.
 */
import type { Prediction, ModelSpec, FittedModel, TrainingMatch } from './model.ts';

export interface TargetMatch {
  id: number;
  day: number;
  home: string;
  away: string;
}

export interface WalkForwardResult {
  /** model name → match id → prediction */
  predictions: Record<string, Map<number, Prediction>>;
  /** number of refits per model */
  refits: number;
}

export function walkForward(
  history: readonly TrainingMatch[],
  targets: readonly TargetMatch[],
  specs: readonly ModelSpec<any>[],
  refitDays: number,
): WalkForwardResult {
  if (!(refitDays >= 1)) throw new Error(`refitDays must be ≥ 1, got ${refitDays}`);
  const sortedHistory = [...history].sort((a, b) => a.day - b.day);
  const sortedTargets = [...targets].sort((a, b) => a.day - b.day || a.id - b.id);
  const predictions: Record<string, Map<number, Prediction>> = {};
  const previous: Record<string, FittedModel | undefined> = {};
  for (const s of specs) predictions[s.name] = new Map();
  let refits = 0;
  let i = 0;
  let cut = 0; // sortedHistory[0..cut) have day < blockStart
  while (i < sortedTargets.length) {
    const blockStart = sortedTargets[i]!.day;
    const blockEnd = blockStart + refitDays;
    while (cut < sortedHistory.length && sortedHistory[cut]!.day < blockStart) cut++;
    const train = sortedHistory.slice(0, cut);
    const fits = specs.map((s) => {
      const f = s.fit(train, blockStart, previous[s.name]);
      previous[s.name] = f;
      return f;
    });
    refits++;
    for (; i < sortedTargets.length && sortedTargets[i]!.day < blockEnd; i++) {
      const t = sortedTargets[i]!;
      specs.forEach((s, k) => predictions[s.name]!.set(t.id, fits[k]!.predict(t.home, t.away)));
    }
  }
  return { predictions, refits };
}

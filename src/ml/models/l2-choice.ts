/**
 * The L2 strength of the softmax regressions (softmax-model.ts, stacking.ts), tuned inside the
 * training rows at each season cut-off: each grid value is fitted on the rows before the last
 * `validationDays` and scored by log loss on those days. A refit at the same cut-off on the same
 * history keeps the previous fit's choice.
 */
import { designMatrix, fitSoftmax, softmaxLogLik, type SoftmaxParams } from './softmax-regression.ts';
import { offsetsOf, type TrainingRow } from './training-rows.ts';

/** Candidate L2 strengths of the results-only softmax and ensemble. */
export const L2_GRID: readonly number[] = [0.003, 0.01, 0.03, 0.1, 0.3];
/** Candidate L2 strengths of market-offset models: up to strong shrinkage towards the price. */
export const MARKET_L2_GRID: readonly number[] = [0.03, 0.1, 0.3, 1, 3, 10];

export interface L2Choice {
  cutoff: number;
  signature: string;
  l2: number;
  scores: { l2: number; logloss: number }[];
}

/**
 * Choose the L2 strength for rows (day < cutoff): fit each candidate on the rows before
 * cutoff − validationDays, score mean log loss on the rest. Too little data → `fallback`.
 */
export function chooseL2(
  names: readonly string[],
  rows: readonly TrainingRow[],
  cutoff: number,
  hyper: { xi: number; windowDays: number; validationDays: number },
  fallback: number,
  grid: readonly number[] = L2_GRID,
  penalizeIntercept = false,
): { l2: number; scores: { l2: number; logloss: number }[] } {
  const split = cutoff - hyper.validationDays;
  const train = rows.filter((r) => r.day < split && r.day >= split - hyper.windowDays);
  const valid = rows.filter((r) => r.day >= split && r.day < cutoff);
  if (train.length < 300 || valid.length < 100) return { l2: fallback, scores: [] };
  const f = names.length;
  const mTrain = designMatrix(train.map((r) => r.x), f);
  const wTrain = train.map((r) => Math.exp(-hyper.xi * (split - r.day)));
  const mValid = designMatrix(valid.map((r) => r.x), f);
  const yValid = valid.map((r) => r.y);
  const offTrain = offsetsOf(train);
  const offValid = offsetsOf(valid);
  let best = { l2: fallback, ll: -Infinity };
  const scores: { l2: number; logloss: number }[] = [];
  let start: SoftmaxParams | undefined;
  // From strong to weak regularisation, each warm-started from the previous.
  for (const l2 of [...grid].sort((a, b) => b - a)) {
    const fit = fitSoftmax(names, mTrain, train.map((r) => r.y), { l2, weights: wTrain, start, offset: offTrain, penalizeIntercept });
    start = fit;
    const ll = softmaxLogLik(fit, mValid, yValid, undefined, offValid);
    scores.push({ l2, logloss: Math.round(-ll * 1e8) / 1e8 });
    if (ll > best.ll + 1e-12) best = { l2, ll };
  }
  scores.sort((a, b) => a.l2 - b.l2);
  return { l2: best.l2, scores };
}

/**
 * The L2 choice at the season cut-off from the rows before it: the previous fit's when it was
 * made at the same cut-off on the same history (`signature`), else chosen on `grid`
 * (market-offset models: MARKET_L2_GRID, intercepts penalised) with `hyper.l2` as fallback.
 */
export function seasonL2Choice(
  names: readonly string[],
  rows: readonly TrainingRow[],
  cutoff: number,
  signature: string,
  hyper: { xi: number; windowDays: number; validationDays: number; l2: number },
  market: boolean,
  previous?: L2Choice,
): L2Choice {
  if (previous && previous.cutoff === cutoff && previous.signature === signature) return previous;
  const c = chooseL2(names, rows.filter((r) => r.day < cutoff), cutoff, hyper, hyper.l2, market ? MARKET_L2_GRID : L2_GRID, market);
  return { cutoff, signature, l2: c.l2, scores: c.scores };
}

/** An L2 choice as saved in a fitted model's JSON (the signature is not kept). */
export function l2ChoiceToJSON(c: L2Choice): { cutoff: number; l2: number; scores: { l2: number; logloss: number }[] } {
  return { cutoff: c.cutoff, l2: c.l2, scores: c.scores };
}

/** An L2 choice read back from a fitted model's JSON (`l2ChoiceToJSON`). */
export function parseL2Choice(raw: unknown): L2Choice {
  const l2 = (raw ?? {}) as { cutoff: number; l2: number; scores: { l2: number; logloss: number }[] };
  return { cutoff: Number(l2.cutoff), signature: '', l2: Number(l2.l2), scores: l2.scores ?? [] };
}

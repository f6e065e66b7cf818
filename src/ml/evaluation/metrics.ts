/**
 * Scoring rules for 1X2 forecasts. The outcomes are ordered H < D < A (the order RPS needs).
 * Lower is better for RPS, log loss and Brier; higher is better for accuracy.
 */
import type { Outcome, Probabilities } from '../../domain/types.ts';

/** Smallest probability log loss will take the log of, so a confident miss costs ln(1e15) ≈ 34.5, not Infinity. */
export const LOG_LOSS_FLOOR = 1e-15;

function oneHot(outcome: Outcome): [number, number, number] {
  switch (outcome) {
    case 'H':
      return [1, 0, 0];
    case 'D':
      return [0, 1, 0];
    case 'A':
      return [0, 0, 1];
    default:
      throw new Error(`unknown outcome "${String(outcome)}": expected H, D or A`);
  }
}

/** Ranked probability score for 3 ordered outcomes: ½[(pH − eH)² + (pH + pD − eH − eD)²]. Range 0..1. */
export function rps(p: Probabilities, outcome: Outcome): number {
  const [eH, eD] = oneHot(outcome);
  const c1 = p.home - eH;
  const c2 = p.home + p.draw - eH - eD;
  return 0.5 * (c1 * c1 + c2 * c2);
}

/** Ignorance / log loss: −ln p_y, with p_y clamped below at {@link LOG_LOSS_FLOOR}. */
export function logLoss(p: Probabilities, outcome: Outcome): number {
  const py = outcome === 'H' ? p.home : outcome === 'D' ? p.draw : outcome === 'A' ? p.away : oneHot(outcome)[0];
  return -Math.log(Math.max(py, LOG_LOSS_FLOOR));
}

/**
 * Multiclass Brier score Σ_k (p_k − e_k)², summed over the three outcomes and NOT divided by 3:
 * the range is 0..2 and a uniform forecast scores 2/3.
 */
export function brier(p: Probabilities, outcome: Outcome): number {
  const [eH, eD, eA] = oneHot(outcome);
  return (p.home - eH) ** 2 + (p.draw - eD) ** 2 + (p.away - eA) ** 2;
}

/** The outcome with the highest probability; exact ties go to the earlier outcome in H, D, A order. */
export function argmaxOutcome(p: Probabilities): Outcome {
  let best: Outcome = 'H';
  let bestP = p.home;
  if (p.draw > bestP) {
    best = 'D';
    bestP = p.draw;
  }
  if (p.away > bestP) best = 'A';
  return best;
}

/** 1 when the argmax (ties broken H, then D, then A) is the outcome, else 0. */
export function accuracy(p: Probabilities, outcome: Outcome): number {
  oneHot(outcome);
  return argmaxOutcome(p) === outcome ? 1 : 0;
}

export interface Scores {
  n: number;
  rps: number;
  logloss: number;
  brier: number;
  accuracy: number;
}

/**
 * Mean of each metric over paired forecasts and outcomes. With no pairs the means are NaN
 * (there is nothing to average); mismatched lengths throw.
 */
export function scoreAll(preds: readonly Probabilities[], outcomes: readonly Outcome[]): Scores {
  if (preds.length !== outcomes.length) {
    throw new Error(`scoreAll: ${preds.length} forecasts but ${outcomes.length} outcomes; they must pair one to one`);
  }
  const n = preds.length;
  let sRps = 0;
  let sLog = 0;
  let sBrier = 0;
  let sAcc = 0;
  for (let i = 0; i < n; i++) {
    const p = preds[i];
    const y = outcomes[i];
    sRps += rps(p, y);
    sLog += logLoss(p, y);
    sBrier += brier(p, y);
    sAcc += accuracy(p, y);
  }
  return { n, rps: sRps / n, logloss: sLog / n, brier: sBrier / n, accuracy: sAcc / n };
}

/**
 * Calibration of 1X2 forecasts: reliability tables and expected calibration error (ECE), per
 * outcome (home win, draw, away win: draws are where models usually fail). Pure.
 *
 * For an outcome k, forecasts are put in `bins` equal-width bins of p_k; a bin's reliability
 * point is (mean p_k, observed frequency of k). ECE_k = Σ_bins (n_bin / n)·|mean p_k − freq_k|.
 * The summary ECE is the mean of the three (the "class-wise" ECE).
 */
import type { Outcome, Probabilities } from '../../domain/types.ts';

export const OUTCOME_KEYS = [
  ['home', 'H'],
  ['draw', 'D'],
  ['away', 'A'],
] as const;

export interface ReliabilityBin {
  lo: number;
  hi: number;
  n: number;
  meanForecast: number;
  observed: number;
}

export interface OutcomeCalibration {
  ece: number;
  bins: ReliabilityBin[];
  /** Mean forecast probability and observed frequency of the outcome over all matches. */
  meanForecast: number;
  observed: number;
}

export interface Calibration {
  n: number;
  /** Mean of the three outcomes' ECE. */
  ece: number;
  home: OutcomeCalibration;
  draw: OutcomeCalibration;
  away: OutcomeCalibration;
}

export function calibration(preds: readonly Probabilities[], outcomes: readonly Outcome[], bins = 10): Calibration {
  if (preds.length !== outcomes.length) throw new Error(`calibration: ${preds.length} forecasts but ${outcomes.length} outcomes`);
  const n = preds.length;
  const per = {} as Record<'home' | 'draw' | 'away', OutcomeCalibration>;
  for (const [k, o] of OUTCOME_KEYS) {
    const cnt = new Array<number>(bins).fill(0);
    const sp = new Array<number>(bins).fill(0);
    const hit = new Array<number>(bins).fill(0);
    let sumP = 0;
    let sumHit = 0;
    for (let i = 0; i < n; i++) {
      const p = preds[i][k];
      const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
      cnt[b]++;
      sp[b] += p;
      sumP += p;
      if (outcomes[i] === o) {
        hit[b]++;
        sumHit++;
      }
    }
    let ece = 0;
    const list: ReliabilityBin[] = [];
    for (let b = 0; b < bins; b++) {
      if (cnt[b] === 0) continue;
      const mf = sp[b] / cnt[b];
      const ob = hit[b] / cnt[b];
      ece += (cnt[b] / n) * Math.abs(mf - ob);
      list.push({ lo: b / bins, hi: (b + 1) / bins, n: cnt[b], meanForecast: mf, observed: ob });
    }
    per[k] = { ece: n ? ece : NaN, bins: list, meanForecast: n ? sumP / n : NaN, observed: n ? sumHit / n : NaN };
  }
  return { n, ece: (per.home.ece + per.draw.ece + per.away.ece) / 3, ...per };
}

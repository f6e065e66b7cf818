/**
 * Bookmaker margin removal: decimal 1X2 odds → probabilities that sum to 1.
 * π_i = 1/o_i are the raw implied probabilities; their sum − 1 is the margin (overround).
 */
import type { Odds1x2, Probabilities } from '../../domain/types.ts';

export interface ShinResult {
  probabilities: Probabilities;
  /** Shin's insider share; 0 for a fair book, negative for an underround (arbitrage) book. */
  z: number;
}

export interface PowerResult {
  probabilities: Probabilities;
  /** Exponent with Σ π_i^k = 1; 1 for a fair book, > 1 for an overround book. */
  k: number;
}

const KEYS = ['home', 'draw', 'away'] as const;

/** Raw implied probabilities 1/o, after checking every price is a finite number > 1. */
export function impliedProbabilities(odds: Odds1x2): [number, number, number] {
  for (const k of KEYS) {
    const o = odds[k];
    if (typeof o !== 'number' || !Number.isFinite(o) || !(o > 1)) {
      throw new Error(`decimal odds must be finite numbers > 1; the ${k} price is ${String(o)}`);
    }
  }
  return [1 / odds.home, 1 / odds.draw, 1 / odds.away];
}

/** Σ 1/o − 1: the bookmaker's margin (0.05 = 5 %). */
export function overround(odds: Odds1x2): number {
  const [a, b, c] = impliedProbabilities(odds);
  return a + b + c - 1;
}

function toProbabilities(p: readonly number[]): Probabilities {
  return { home: p[0], draw: p[1], away: p[2] };
}

/** Basic normalisation: p_i = π_i / Σ π. */
export function multiplicative(odds: Odds1x2): Probabilities {
  const pi = impliedProbabilities(odds);
  const s = pi[0] + pi[1] + pi[2];
  return toProbabilities(pi.map((x) => x / s));
}

function shinProbabilities(pi: readonly number[], sum: number, z: number): number[] {
  return pi.map((x) => (Math.sqrt(z * z + (4 * (1 - z) * x * x) / sum) - z) / (2 * (1 - z)));
}

/** Bisection on a decreasing function g over [lo, hi] with g(lo) ≥ 0 ≥ g(hi), to machine precision. */
function bisectDecreasing(g: (x: number) => number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (g(mid) > 0) lo = mid;
    else hi = mid;
  }
  const glo = Math.abs(g(lo));
  const ghi = Math.abs(g(hi));
  return ghi < glo ? hi : lo;
}

/**
 * Shin (1992/93): p_i = (√(z² + 4(1−z)π_i²/Σπ) − z) / (2(1−z)), with z solved by bisection so the
 * p_i sum to 1. Σ p_i(z) decreases in z and equals √Σπ at z = 0, so an overround book has
 * z ∈ (0, 1) and a fair book z = 0. An underround book gets z < 0 (searched down to −1).
 */
export function shin(odds: Odds1x2): ShinResult {
  const pi = impliedProbabilities(odds);
  const sum = pi[0] + pi[1] + pi[2];
  const excess = (z: number): number => {
    const p = shinProbabilities(pi, sum, z);
    return p[0] + p[1] + p[2] - 1;
  };
  let z: number;
  if (sum === 1) z = 0;
  else if (sum > 1) z = bisectDecreasing(excess, 0, 1 - 1e-12);
  else z = bisectDecreasing(excess, -1, 0);
  return { probabilities: toProbabilities(shinProbabilities(pi, sum, z)), z };
}

/**
 * Power method: p_i = π_i^k with Σ π_i^k = 1. g(k) = Σ π_i^k − 1 is convex and decreasing
 * (every π_i < 1), so Newton from k = 1 converges monotonically; it is safeguarded by a
 * bracket and stops when the iterate no longer changes.
 */
export function power(odds: Odds1x2): PowerResult {
  const pi = impliedProbabilities(odds);
  const logs = pi.map(Math.log);
  const g = (k: number): number => Math.exp(k * logs[0]) + Math.exp(k * logs[1]) + Math.exp(k * logs[2]) - 1;
  const dg = (k: number): number =>
    logs[0] * Math.exp(k * logs[0]) + logs[1] * Math.exp(k * logs[1]) + logs[2] * Math.exp(k * logs[2]);
  // Bracket: g(lo) ≥ 0 ≥ g(hi).
  let lo = 1;
  let hi = 1;
  if (g(1) > 0) {
    while (g(hi) > 0) hi *= 2;
  } else {
    while (g(lo) < 0) lo /= 2;
  }
  let k = 1;
  for (let i = 0; i < 100 && g(1) !== 0; i++) {
    const gk = g(k);
    if (gk === 0) break;
    if (gk > 0) lo = k;
    else hi = k;
    let next = k - gk / dg(k);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next === k) break;
    k = next;
  }
  return { probabilities: toProbabilities(pi.map((x) => x ** k)), k };
}

export type DemarginMethod = 'multiplicative' | 'shin' | 'power';

/** Dispatch by method name; returns only the probabilities. */
export function demargin(odds: Odds1x2, method: DemarginMethod = 'multiplicative'): Probabilities {
  switch (method) {
    case 'multiplicative':
      return multiplicative(odds);
    case 'shin':
      return shin(odds).probabilities;
    case 'power':
      return power(odds).probabilities;
    default:
      throw new Error(`unknown margin-removal method "${String(method)}": expected multiplicative, shin or power`);
  }
}

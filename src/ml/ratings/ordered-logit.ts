/**
 * Ordered logistic regression of a 1X2 outcome on one covariate x (e.g. Elo difference / 100):
 *   P(A) = σ(c1 − b·x),  P(A or D) = σ(c2 − b·x),  c1 < c2,
 * so P(H) = 1 − σ(c2 − b·x) and a positive b favours the home side as x grows.
 * Fitted by maximum (weighted) likelihood with the analytic gradient and L-BFGS, in the
 * parametrisation (b, c1, δ) with c2 = c1 + e^δ, which keeps c1 < c2 without constraints.
 */
import type { Outcome, Probabilities } from '../../domain/types.ts';
import { minimizeLbfgs } from '../numeric/lbfgs.ts';

export interface OrderedLogitParams {
  b: number;
  c1: number;
  c2: number;
}

export interface OrderedLogitFit extends OrderedLogitParams {
  /** Mean weighted log-likelihood of the data (pseudo-observations and ridge excluded). */
  logLik: number;
  iterations: number;
  converged: boolean;
  predict(x: number): Probabilities;
}

export interface OrderedLogitOptions {
  /** One non-negative weight per observation; default all 1. */
  weights?: readonly number[];
  /**
   * Weight of one pseudo-observation of each outcome at x = 0 (default 0.5). It keeps c1, c2
   * finite when an outcome never occurs (e.g. no draws in a tiny sample); negligible with
   * hundreds of matches.
   */
  pseudoCount?: number;
  /** L2 penalty ½·ridge·b² on the slope, in log-likelihood units (default 0.01); keeps b finite under perfect separation. */
  ridge?: number;
  /** Starting point (e.g. the previous fit); the optimum does not depend on it beyond the tolerance. */
  start?: OrderedLogitParams;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** ln σ(z), stable for large |z|. */
function logSigmoid(z: number): number {
  return z >= 0 ? -Math.log1p(Math.exp(-z)) : z - Math.log1p(Math.exp(z));
}

/** P(H), P(D), P(A) at x; they sum to 1. */
export function orderedLogitProbabilities(params: OrderedLogitParams, x: number): Probabilities {
  const away = sigmoid(params.c1 - params.b * x);
  const home = sigmoid(-(params.c2 - params.b * x));
  const draw = Math.max(0, 1 - home - away);
  return { home, draw, away };
}

const OUTCOME_CODE: Record<Outcome, number> = { H: 0, D: 1, A: 2 };

/**
 * Log-likelihood of one observation and its derivatives with respect to η1 = c1 − b·x and
 * η2 = c2 − b·x. Returned through `out` as [ll, dη1, dη2].
 */
function obsTerms(code: number, eta1: number, eta2: number, out: Float64Array): void {
  if (code === 2) {
    out[0] = logSigmoid(eta1);
    out[1] = 1 - sigmoid(eta1);
    out[2] = 0;
  } else if (code === 0) {
    out[0] = logSigmoid(-eta2);
    out[1] = 0;
    out[2] = -sigmoid(eta2);
  } else {
    const s1 = sigmoid(eta1);
    const s2 = sigmoid(eta2);
    // σ(η2) − σ(η1), computed from the side that keeps precision.
    const pd = Math.max(eta1 > 0 ? sigmoid(-eta1) - sigmoid(-eta2) : s2 - s1, 1e-300);
    out[0] = Math.log(pd);
    out[1] = (-s1 * (1 - s1)) / pd;
    out[2] = (s2 * (1 - s2)) / pd;
  }
}

export function fitOrderedLogit(xs: readonly number[], outcomes: readonly Outcome[], options: OrderedLogitOptions = {}): OrderedLogitFit {
  const n = xs.length;
  if (outcomes.length !== n) throw new Error(`fitOrderedLogit: ${n} covariates but ${outcomes.length} outcomes`);
  const weights = options.weights;
  if (weights && weights.length !== n) throw new Error(`fitOrderedLogit: ${n} observations but ${weights.length} weights`);
  const pseudo = options.pseudoCount ?? 0.5;
  const ridge = options.ridge ?? 0.01;
  if (!(pseudo >= 0) || !(ridge >= 0)) throw new Error('fitOrderedLogit: pseudoCount and ridge must be ≥ 0');

  const x = Float64Array.from(xs);
  const w = new Float64Array(n);
  const code = new Uint8Array(n);
  const counts = [pseudo, pseudo, pseudo];
  let W = 0;
  for (let i = 0; i < n; i++) {
    const c = OUTCOME_CODE[outcomes[i]];
    if (c === undefined) throw new Error(`fitOrderedLogit: unknown outcome "${String(outcomes[i])}"`);
    const wi = weights ? weights[i] : 1;
    if (!(wi >= 0) || !Number.isFinite(wi) || !Number.isFinite(x[i])) {
      throw new Error(`fitOrderedLogit: observation ${i} has a non-finite covariate or a negative/non-finite weight`);
    }
    code[i] = c;
    w[i] = wi;
    counts[c] += wi;
    W += wi;
  }
  const total = W + 3 * pseudo;
  if (!(total > 0)) throw new Error('fitOrderedLogit: no data (zero total weight and no pseudo-counts)');

  const terms = new Float64Array(3);
  const fg = (theta: Float64Array, grad: Float64Array): number => {
    const b = theta[0];
    const c1 = theta[1];
    const gap = Math.exp(theta[2]);
    const c2 = c1 + gap;
    let ll = 0;
    let gb = 0;
    let gc = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      const bx = b * x[i];
      obsTerms(code[i], c1 - bx, c2 - bx, terms);
      ll += wi * terms[0];
      const d12 = wi * (terms[1] + terms[2]);
      gb -= d12 * x[i];
      gc += d12;
      g2 += wi * terms[2];
    }
    if (pseudo > 0) {
      for (let c = 0; c < 3; c++) {
        obsTerms(c, c1, c2, terms);
        ll += pseudo * terms[0];
        gc += pseudo * (terms[1] + terms[2]);
        g2 += pseudo * terms[2];
      }
    }
    ll -= 0.5 * ridge * b * b;
    gb -= ridge * b;
    grad[0] = -gb / total;
    grad[1] = -gc / total;
    grad[2] = (-g2 * gap) / total;
    return -ll / total;
  };

  // Start at b = 0 with the cut points of the (pseudo-count smoothed) outcome frequencies.
  const logit = (p: number): number => Math.log(p / (1 - p));
  const sum = counts[0] + counts[1] + counts[2];
  const pA = Math.min(Math.max(counts[2] / sum, 1e-6), 1 - 2e-6);
  const pAD = Math.min(Math.max((counts[2] + counts[1]) / sum, pA + 1e-6), 1 - 1e-6);
  const c1Start = logit(pA);
  const st = options.start;
  const theta0 =
    st && Number.isFinite(st.b) && Number.isFinite(st.c1) && st.c2 > st.c1 ? [st.b, st.c1, Math.log(st.c2 - st.c1)] : [0, c1Start, Math.log(logit(pAD) - c1Start)];

  const res = minimizeLbfgs(fg, theta0, { gradientTolerance: 1e-10, maxIterations: 500 });
  const b = res.x[0];
  const c1 = res.x[1];
  const c2 = c1 + Math.exp(res.x[2]);
  const params: OrderedLogitParams = { b, c1, c2 };

  let ll = 0;
  for (let i = 0; i < n; i++) {
    if (w[i] === 0) continue;
    obsTerms(code[i], c1 - b * x[i], c2 - b * x[i], terms);
    ll += w[i] * terms[0];
  }
  return {
    b,
    c1,
    c2,
    logLik: W > 0 ? ll / W : 0,
    iterations: res.iterations,
    converged: res.converged,
    predict: (v: number) => orderedLogitProbabilities(params, v),
  };
}

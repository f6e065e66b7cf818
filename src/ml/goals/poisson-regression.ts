/**
 * Poisson regression with one covariate, log λ = β0 + β1·x, by maximum (weighted) likelihood
 * with the analytic gradient and L-BFGS. Used to turn a rating difference into expected goals.
 */
import { minimizeLbfgs } from '../numeric/lbfgs.ts';

export interface PoissonRegressionParams {
  intercept: number;
  slope: number;
}

export interface PoissonRegressionFit extends PoissonRegressionParams {
  iterations: number;
  converged: boolean;
}

export interface PoissonRegressionOptions {
  weights?: readonly number[];
  /** L2 penalty ½·ridge·slope² in log-likelihood units (default 0.01), so a degenerate sample cannot send the slope to ±∞. */
  ridge?: number;
  /** Starting point (e.g. the previous fit). */
  start?: PoissonRegressionParams;
}

export function poissonMean(params: PoissonRegressionParams, x: number): number {
  return Math.exp(params.intercept + params.slope * x);
}

export function fitPoissonRegression(xs: readonly number[], counts: readonly number[], options: PoissonRegressionOptions = {}): PoissonRegressionFit {
  const n = xs.length;
  if (counts.length !== n) throw new Error(`fitPoissonRegression: ${n} covariates but ${counts.length} counts`);
  const weights = options.weights;
  if (weights && weights.length !== n) throw new Error(`fitPoissonRegression: ${n} observations but ${weights.length} weights`);
  const ridge = options.ridge ?? 0.01;
  const x = Float64Array.from(xs);
  const y = Float64Array.from(counts);
  const w = new Float64Array(n);
  let W = 0;
  let Wy = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights ? weights[i] : 1;
    if (!(wi >= 0) || !Number.isFinite(wi) || !Number.isFinite(x[i]) || !(y[i] >= 0) || !Number.isFinite(y[i])) {
      throw new Error(`fitPoissonRegression: observation ${i} needs a finite covariate, a count ≥ 0 and a weight ≥ 0`);
    }
    w[i] = wi;
    W += wi;
    Wy += wi * y[i];
  }
  if (!(W > 0)) throw new Error('fitPoissonRegression: no data (zero total weight)');

  // Objective: −(Σ w·(y·η − e^η) − ½·ridge·β1²) / W, η = β0 + β1·x (log y! dropped: constant).
  const fg = (beta: Float64Array, grad: Float64Array): number => {
    const b0 = beta[0];
    const b1 = beta[1];
    let ll = 0;
    let g0 = 0;
    let g1 = 0;
    for (let i = 0; i < n; i++) {
      const eta = b0 + b1 * x[i];
      const lam = Math.exp(eta);
      const r = w[i] * (y[i] - lam);
      ll += w[i] * (y[i] * eta - lam);
      g0 += r;
      g1 += r * x[i];
    }
    ll -= 0.5 * ridge * b1 * b1;
    g1 -= ridge * b1;
    grad[0] = -g0 / W;
    grad[1] = -g1 / W;
    return -ll / W;
  };
  // Start at the weighted mean count (floored so an all-zero sample still starts finite).
  const st = options.start;
  const start = st && Number.isFinite(st.intercept) && Number.isFinite(st.slope) ? [st.intercept, st.slope] : [Math.log(Math.max(Wy / W, 1e-3)), 0];
  const res = minimizeLbfgs(fg, start, { gradientTolerance: 1e-10, maxIterations: 500 });
  return { intercept: res.x[0], slope: res.x[1], iterations: res.iterations, converged: res.converged };
}

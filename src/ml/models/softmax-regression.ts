/**
 * Multinomial (softmax) logistic regression for 1X2 outcomes with an L2 penalty, fitted by
 * weighted maximum likelihood with the analytic gradient and L-BFGS (lbfgs.ts).
 *
 * Classes H, D, A with D as the reference: z_H = a_H + x·β_H, z_D = 0, z_A = a_A + x·β_A,
 * p = softmax(z). Features are standardised with the training rows' (weighted) mean and
 * standard deviation, so one L2 strength fits all features; the standardisation is part of the
 * parameters. Objective (minimised):
 *   −Σ_i w_i·ln p_{i,y_i} / Σ_i w_i + ½·l2·(|β_H|² + |β_A|²)
 * (intercepts are not penalised). Pure and deterministic.
 */
import type { Outcome, Probabilities } from '../../domain/types.ts';
import { minimizeLbfgs } from '../numeric/lbfgs.ts';

export interface SoftmaxParams {
  /** Feature names, in column order. */
  names: string[];
  mean: number[];
  scale: number[];
  /** [a_H, a_A]. */
  intercept: [number, number];
  /** β_H and β_A, one coefficient per feature (on the standardised scale). */
  weights: [number[], number[]];
}

export interface SoftmaxFitOptions {
  /** L2 strength (default 0.01). */
  l2?: number;
  /** Row weights (default 1). */
  weights?: ArrayLike<number>;
  /**
   * Per-row offsets added to z_H and z_A (row-major pairs, length 2n), e.g. a bookmaker's
   * log-odds ln(pH/pD), ln(pA/pD): the regression then learns only corrections to it, and the
   * L2 penalty shrinks towards it.
   */
  offset?: ArrayLike<number>;
  /** Penalise the intercepts too (default false); with an offset this shrinks the fit towards the offset alone. */
  penalizeIntercept?: boolean;
  /** Starting point (e.g. the previous fit with the same names); standardisation is recomputed. */
  start?: SoftmaxParams;
  gradientTolerance?: number;
  maxIterations?: number;
}

export interface SoftmaxFit extends SoftmaxParams {
  /** Weighted mean log-likelihood of the rows (penalty excluded). */
  logLik: number;
  iterations: number;
  converged: boolean;
}

export const OUTCOME_INDEX: Record<Outcome, number> = { H: 0, D: 1, A: 2 };

/** Rows as one row-major matrix: n × F. */
export interface DesignMatrix {
  n: number;
  f: number;
  x: Float64Array;
}

export function designMatrix(rows: readonly ArrayLike<number>[], f: number): DesignMatrix {
  const x = new Float64Array(rows.length * f);
  rows.forEach((r, i) => {
    if (r.length !== f) throw new Error(`designMatrix: row ${i} has ${r.length} values, expected ${f}`);
    for (let j = 0; j < f; j++) x[i * f + j] = r[j];
  });
  return { n: rows.length, f, x };
}

function standardise(m: DesignMatrix, w: Float64Array): { mean: number[]; scale: number[] } {
  const { n, f, x } = m;
  const mean = new Array<number>(f).fill(0);
  const scale = new Array<number>(f).fill(1);
  let W = 0;
  for (let i = 0; i < n; i++) W += w[i];
  if (!(W > 0)) return { mean, scale };
  for (let j = 0; j < f; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += w[i] * x[i * f + j];
    const mu = s / W;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i * f + j] - mu;
      v += w[i] * d * d;
    }
    const sd = Math.sqrt(v / W);
    mean[j] = mu;
    scale[j] = sd > 1e-9 ? sd : 1;
  }
  return { mean, scale };
}

/** Probabilities for one raw (unstandardised) feature vector, plus the row's offsets when the fit had them. */
export function softmaxProbabilities(p: SoftmaxParams, x: ArrayLike<number>, offset?: readonly [number, number]): Probabilities {
  const f = p.names.length;
  if (x.length !== f) throw new Error(`softmax: expected ${f} features, got ${x.length}`);
  let zh = p.intercept[0] + (offset ? offset[0] : 0);
  let za = p.intercept[1] + (offset ? offset[1] : 0);
  const bh = p.weights[0];
  const ba = p.weights[1];
  for (let j = 0; j < f; j++) {
    const v = (x[j] - p.mean[j]) / p.scale[j];
    zh += bh[j] * v;
    za += ba[j] * v;
  }
  const m = Math.max(zh, 0, za);
  const eh = Math.exp(zh - m);
  const ed = Math.exp(-m);
  const ea = Math.exp(za - m);
  const s = eh + ed + ea;
  return { home: eh / s, draw: ed / s, away: ea / s };
}

/**
 * Fit on n rows of F raw features with outcomes. Throws on mismatched lengths or non-finite
 * values (a feature builder bug must not be fitted silently).
 */
export function fitSoftmax(names: readonly string[], m: DesignMatrix, outcomes: ArrayLike<number>, options: SoftmaxFitOptions = {}): SoftmaxFit {
  const { n, f } = m;
  if (names.length !== f) throw new Error(`fitSoftmax: ${names.length} names for ${f} features`);
  if (outcomes.length !== n) throw new Error(`fitSoftmax: ${n} rows but ${outcomes.length} outcomes`);
  const l2 = options.l2 ?? 0.01;
  if (!(l2 >= 0)) throw new Error(`fitSoftmax: l2 must be ≥ 0, got ${l2}`);
  const w = new Float64Array(n);
  let W = 0;
  for (let i = 0; i < n; i++) {
    const wi = options.weights ? options.weights[i] : 1;
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new Error(`fitSoftmax: row ${i} has weight ${wi}`);
    const y = outcomes[i];
    if (y !== 0 && y !== 1 && y !== 2) throw new Error(`fitSoftmax: row ${i} has outcome ${y}; expected 0 (H), 1 (D) or 2 (A)`);
    w[i] = wi;
    W += wi;
  }
  for (let k = 0; k < m.x.length; k++) {
    if (!Number.isFinite(m.x[k])) throw new Error(`fitSoftmax: feature ${names[k % f]} of row ${Math.floor(k / f)} is ${m.x[k]}`);
  }
  if (!(W > 0)) throw new Error('fitSoftmax: no rows with positive weight');
  const { mean, scale } = standardise(m, w);
  const z = new Float64Array(n * f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) z[i * f + j] = (m.x[i * f + j] - mean[j]) / scale[j];
  const y = Uint8Array.from(outcomes as ArrayLike<number>);
  const off = options.offset;
  if (off && off.length !== 2 * n) throw new Error(`fitSoftmax: offset needs 2 values per row (${2 * n}), got ${off.length}`);
  if (off) for (let k = 0; k < off.length; k++) if (!Number.isFinite(off[k])) throw new Error(`fitSoftmax: offset ${k} is ${off[k]}`);

  const penInt = options.penalizeIntercept === true;
  // Parameters: [a_H, β_H(0..f-1), a_A, β_A(0..f-1)].
  const np = 2 * (f + 1);
  const gH = new Float64Array(f + 1);
  const gA = new Float64Array(f + 1);
  const fg = (theta: Float64Array, grad: Float64Array): number => {
    gH.fill(0);
    gA.fill(0);
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (wi === 0) continue;
      let zh = theta[0];
      let za = theta[f + 1];
      if (off) {
        zh += off[2 * i];
        za += off[2 * i + 1];
      }
      const o = i * f;
      for (let j = 0; j < f; j++) {
        const v = z[o + j];
        zh += theta[1 + j] * v;
        za += theta[f + 2 + j] * v;
      }
      const mx = zh > za ? (zh > 0 ? zh : 0) : za > 0 ? za : 0;
      const eh = Math.exp(zh - mx);
      const ed = Math.exp(-mx);
      const ea = Math.exp(za - mx);
      const s = eh + ed + ea;
      const lse = mx + Math.log(s);
      const yi = y[i];
      ll += wi * ((yi === 0 ? zh : yi === 2 ? za : 0) - lse);
      const rh = wi * ((yi === 0 ? 1 : 0) - eh / s);
      const ra = wi * ((yi === 2 ? 1 : 0) - ea / s);
      gH[0] += rh;
      gA[0] += ra;
      for (let j = 0; j < f; j++) {
        const v = z[o + j];
        gH[1 + j] += rh * v;
        gA[1 + j] += ra * v;
      }
    }
    let pen = 0;
    for (let j = 0; j < f; j++) {
      pen += theta[1 + j] ** 2 + theta[f + 2 + j] ** 2;
    }
    grad[0] = -gH[0] / W;
    grad[f + 1] = -gA[0] / W;
    if (penInt) {
      pen += theta[0] ** 2 + theta[f + 1] ** 2;
      grad[0] += l2 * theta[0];
      grad[f + 1] += l2 * theta[f + 1];
    }
    for (let j = 0; j < f; j++) {
      grad[1 + j] = -gH[1 + j] / W + l2 * theta[1 + j];
      grad[f + 2 + j] = -gA[1 + j] / W + l2 * theta[f + 2 + j];
    }
    return -ll / W + 0.5 * l2 * pen;
  };

  const theta0 = new Float64Array(np);
  const st = options.start;
  if (st && st.names.length === f && st.names.every((nm, j) => nm === names[j])) {
    // Re-express the previous coefficients on the new standardisation.
    let ah = st.intercept[0];
    let aa = st.intercept[1];
    for (let j = 0; j < f; j++) {
      const bh = st.weights[0][j] / st.scale[j];
      const ba = st.weights[1][j] / st.scale[j];
      theta0[1 + j] = bh * scale[j];
      theta0[f + 2 + j] = ba * scale[j];
      ah += bh * (mean[j] - st.mean[j]);
      aa += ba * (mean[j] - st.mean[j]);
    }
    theta0[0] = ah;
    theta0[f + 1] = aa;
  } else if (!off) {
    // Class frequencies as the starting intercepts.
    const c = [1, 1, 1];
    for (let i = 0; i < n; i++) c[y[i]] += w[i];
    theta0[0] = Math.log(c[0] / c[1]);
    theta0[f + 1] = Math.log(c[2] / c[1]);
  }
  const res = minimizeLbfgs(fg, theta0, {
    gradientTolerance: options.gradientTolerance ?? 1e-7,
    maxIterations: options.maxIterations ?? 2000,
    memory: 10,
  });
  const th = res.x;
  const params: SoftmaxParams = {
    names: [...names],
    mean,
    scale,
    intercept: [th[0], th[f + 1]],
    weights: [Array.from(th.subarray(1, f + 1)), Array.from(th.subarray(f + 2, 2 * f + 2))],
  };
  let pen = 0;
  for (let j = 0; j < f; j++) pen += params.weights[0][j] ** 2 + params.weights[1][j] ** 2;
  if (penInt) pen += params.intercept[0] ** 2 + params.intercept[1] ** 2;
  return { ...params, logLik: -(res.value - 0.5 * l2 * pen), iterations: res.iterations, converged: res.converged };
}

/** Mean weighted log-likelihood (natural log) of rows under fitted parameters. */
export function softmaxLogLik(p: SoftmaxParams, m: DesignMatrix, outcomes: ArrayLike<number>, weights?: ArrayLike<number>, offset?: ArrayLike<number>): number {
  let s = 0;
  let W = 0;
  const row = new Float64Array(m.f);
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.f; j++) row[j] = m.x[i * m.f + j];
    const pr = softmaxProbabilities(p, row, offset ? [offset[2 * i], offset[2 * i + 1]] : undefined);
    const py = outcomes[i] === 0 ? pr.home : outcomes[i] === 1 ? pr.draw : pr.away;
    const wi = weights ? weights[i] : 1;
    s += wi * Math.log(Math.max(py, 1e-15));
    W += wi;
  }
  return W > 0 ? s / W : NaN;
}

/** Check a parsed softmax parameter object. */
export function parseSoftmaxParams(v: unknown, where: string): SoftmaxParams {
  const o = v as Partial<SoftmaxParams>;
  const nums = (a: unknown, len: number, what: string): number[] => {
    if (!Array.isArray(a) || a.length !== len || !a.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new Error(`${where}: ${what} must be ${len} finite numbers`);
    }
    return a as number[];
  };
  if (!o || !Array.isArray(o.names) || !o.names.every((s) => typeof s === 'string')) throw new Error(`${where}: names must be strings`);
  const f = o.names.length;
  const w = o.weights as unknown[] | undefined;
  if (!Array.isArray(w) || w.length !== 2) throw new Error(`${where}: weights must be two arrays`);
  return {
    names: [...o.names],
    mean: nums(o.mean, f, 'mean'),
    scale: nums(o.scale, f, 'scale'),
    intercept: nums(o.intercept, 2, 'intercept') as [number, number],
    weights: [nums(w[0], f, 'weights[0]'), nums(w[1], f, 'weights[1]')],
  };
}

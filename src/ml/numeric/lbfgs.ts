/**
 * Limited-memory BFGS minimiser with a strong-Wolfe line search (Nocedal & Wright 2006,
 * Algorithms 7.4, 3.5 and 3.6). The objective returns its value and writes its gradient in
 * one call, so a model can compute both in one pass over the data. Deterministic: no
 * randomness, a fixed order of floating-point operations.
 */

/** Returns f(x) and writes ∇f(x) into `grad` (same length as x). May return Infinity/NaN outside the domain. */
export type ObjectiveFn = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when max_i |∂f/∂x_i| ≤ this. Default 1e-8. */
  gradientTolerance?: number;
  /** Stop when |f_k − f_{k+1}| ≤ this · max(1, |f_k|). Default 0 (off). */
  functionTolerance?: number;
  /** Maximum number of iterations (line searches). Default 1000. */
  maxIterations?: number;
  /** Number of correction pairs kept. Default 10. */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  /** max_i |∂f/∂x_i| at x. */
  gradientNorm: number;
  iterations: number;
  /** Number of objective (value + gradient) evaluations. */
  evaluations: number;
  /** True when a tolerance was met (not when the iteration limit or a failed line search stopped it). */
  converged: boolean;
  message: string;
}

const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_SEARCH = 40;
/** Relative size of the rounding noise in f below which the Armijo comparison is not trusted. */
const F_NOISE = 1e-13;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

/** Minimiser of the cubic through (a, fa, da) and (b, fb, db); NaN when it does not exist. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

interface Point {
  alpha: number;
  f: number;
  d: number;
}

/**
 * Minimise `fg` from `x0`. Throws when f(x0) or its gradient is not finite.
 */
export function minimizeLbfgs(fg: ObjectiveFn, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const gtol = options.gradientTolerance ?? 1e-8;
  const ftol = options.functionTolerance ?? 0;
  const maxIt = options.maxIterations ?? 1000;
  const m = Math.max(1, options.memory ?? 10);
  const n = x0.length;

  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f) || !Number.isFinite(infNorm(g))) {
    throw new Error(`L-BFGS: the objective or its gradient is not finite at the starting point (f = ${f})`);
  }

  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rhoS = new Float64Array(m);
  const alphaS = new Float64Array(m);
  let stored = 0;
  let newest = -1;

  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);

  let iterations = 0;
  let message = 'maximum iterations reached';
  let converged = false;

  /** Evaluate at x + alpha·d into xt/gt. */
  const evalAt = (alpha: number): Point => {
    for (let i = 0; i < n; i++) xt[i] = x[i] + alpha * d[i];
    const ft = fg(xt, gt);
    evaluations++;
    const dt = Number.isFinite(ft) ? dot(gt, d) : NaN;
    return { alpha, f: Number.isFinite(ft) ? ft : Infinity, d: dt };
  };

  /** Strong-Wolfe line search along d; on success xt/gt hold the accepted point. */
  const lineSearch = (alpha0: number, d0: number): Point | undefined => {
    const f0 = f;
    const armijo = (p: Point): boolean => p.f <= f0 + C1 * p.alpha * d0;
    const curvature = (p: Point): boolean => Math.abs(p.d) <= -C2 * d0;
    // Approximate Wolfe (Hager & Zhang 2005): near the optimum, f changes by less than its own
    // rounding error and the Armijo test becomes noise, so also accept a point whose f is
    // within that noise and whose slope shows the step went far enough but not past the minimum.
    const noise = F_NOISE * Math.max(1, Math.abs(f0));
    const approxWolfe = (p: Point): boolean => p.f <= f0 + noise && p.d >= C2 * d0 && p.d <= (2 * C1 - 1) * d0;

    const zoom = (lo: Point, hi: Point): Point | undefined => {
      for (let j = 0; j < MAX_LINE_SEARCH; j++) {
        const a = Math.min(lo.alpha, hi.alpha);
        const b = Math.max(lo.alpha, hi.alpha);
        const width = b - a;
        if (width <= 1e-16 * Math.max(1, b)) break;
        let alpha = Number.isFinite(hi.f) && Number.isFinite(hi.d) ? cubicMin(lo.alpha, lo.f, lo.d, hi.alpha, hi.f, hi.d) : NaN;
        if (!(alpha >= a + 0.1 * width && alpha <= b - 0.1 * width)) alpha = 0.5 * (a + b);
        const p = evalAt(alpha);
        if (approxWolfe(p)) return p;
        if (!armijo(p) || p.f >= lo.f) {
          hi = p;
        } else {
          if (curvature(p)) return p;
          if (p.d * (hi.alpha - lo.alpha) >= 0) hi = lo;
          lo = p;
        }
      }
      // No point met both Wolfe conditions; accept the best sufficient-decrease point if any.
      if (lo.alpha > 0 && lo.f < f0) {
        const p = evalAt(lo.alpha);
        return p;
      }
      return undefined;
    };

    let prev: Point = { alpha: 0, f: f0, d: d0 };
    let alpha = alpha0;
    for (let i = 0; i < MAX_LINE_SEARCH; i++) {
      const p = evalAt(alpha);
      if (approxWolfe(p)) return p;
      if (!armijo(p) || (i > 0 && p.f >= prev.f)) return zoom(prev, p);
      if (curvature(p)) return p;
      if (p.d >= 0) return zoom(p, prev);
      prev = p;
      alpha *= 2;
    }
    return undefined;
  };

  while (iterations < maxIt) {
    const gnorm = infNorm(g);
    if (gnorm <= gtol) {
      message = 'gradient tolerance reached';
      converged = true;
      break;
    }

    // Two-loop recursion: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = g[i];
    for (let k = 0; k < stored; k++) {
      const idx = (newest - k + m) % m;
      const a = rhoS[idx] * dot(S[idx], d);
      alphaS[idx] = a;
      const y = Y[idx];
      for (let i = 0; i < n; i++) d[i] -= a * y[i];
    }
    let alpha0 = 1;
    if (stored > 0) {
      const gamma = dot(S[newest], Y[newest]) / dot(Y[newest], Y[newest]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    } else {
      alpha0 = Math.min(1, 1 / Math.sqrt(dot(g, g)));
    }
    for (let k = stored - 1; k >= 0; k--) {
      const idx = (newest - k + m) % m;
      const b = rhoS[idx] * dot(Y[idx], d);
      const s = S[idx];
      const a = alphaS[idx];
      for (let i = 0; i < n; i++) d[i] += s[i] * (a - b);
    }
    for (let i = 0; i < n; i++) d[i] = -d[i];

    let d0 = dot(g, d);
    if (!(d0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      d0 = -dot(g, g);
      alpha0 = Math.min(1, 1 / Math.sqrt(-d0));
    }

    let p = lineSearch(alpha0, d0);
    if (!p && stored > 0) {
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      d0 = -dot(g, g);
      p = lineSearch(Math.min(1, 1 / Math.sqrt(-d0)), d0);
    }
    iterations++;
    if (!p) {
      message = 'line search could not decrease the objective';
      break;
    }

    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const si = xt[i] - x[i];
      const yi = gt[i] - g[i];
      sy += si * yi;
      yy += yi * yi;
    }
    // Keep the pair only when it preserves positive definiteness.
    if (sy > 0 && sy > 1e-12 * yy) {
      newest = (newest + 1) % m;
      const s = S[newest];
      const y = Y[newest];
      for (let i = 0; i < n; i++) {
        s[i] = xt[i] - x[i];
        y[i] = gt[i] - g[i];
      }
      rhoS[newest] = 1 / sy;
      stored = Math.min(stored + 1, m);
    }

    const fPrev = f;
    x.set(xt);
    g.set(gt);
    f = p.f;
    if (ftol > 0 && Math.abs(fPrev - f) <= ftol * Math.max(1, Math.abs(fPrev))) {
      message = 'function tolerance reached';
      converged = true;
      break;
    }
  }

  return { x, value: f, gradientNorm: infNorm(g), iterations, evaluations, converged, message };
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import numeric from 'numeric';
import { minimizeLbfgs, type ObjectiveFn } from '../../src/ml/numeric/lbfgs.ts';
import { assertClose, mulberry32 } from './prng.ts';

test('Rosenbrock: reaches the known minimum (1, 1) from (−1.2, 1)', () => {
  const fg: ObjectiveFn = (x, g) => {
    const a = 1 - x[0];
    const b = x[1] - x[0] * x[0];
    g[0] = -2 * a - 400 * x[0] * b;
    g[1] = 200 * b;
    return a * a + 100 * b * b;
  };
  const r = minimizeLbfgs(fg, [-1.2, 1], { gradientTolerance: 1e-10 });
  assert.ok(r.converged, r.message);
  assertClose(r.x[0], 1, 1e-8, 'x0');
  assertClose(r.x[1], 1, 1e-8, 'x1');
  assert.ok(r.iterations < 100, `${r.iterations} iterations`);
});

test('ill-conditioned 40-dimensional quadratic: matches the solution of A·x = b', () => {
  const rand = mulberry32(11);
  const n = 40;
  // A = D + u·uᵀ with eigenvalues spread over 1e-2 … 1e2.
  const A: number[][] = [];
  const u = Array.from({ length: n }, () => rand() - 0.5);
  for (let i = 0; i < n; i++) {
    A.push([]);
    for (let j = 0; j < n; j++) A[i].push((i === j ? 10 ** (-2 + (4 * i) / (n - 1)) : 0) + u[i] * u[j]);
  }
  const b = Array.from({ length: n }, () => rand() - 0.5);
  const fg: ObjectiveFn = (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += A[i][j] * x[j];
      g[i] = ax - b[i];
      f += 0.5 * x[i] * ax - b[i] * x[i];
    }
    return f;
  };
  const r = minimizeLbfgs(fg, new Array(n).fill(0), { gradientTolerance: 1e-11, maxIterations: 5000 });
  assert.ok(r.converged, r.message);
  const exact = numeric.solve(A, b);
  for (let i = 0; i < n; i++) assertClose(r.x[i], exact[i], 1e-8, `x[${i}]`);
});

test('agrees with numeric.uncmin on a smooth convex problem (log-sum-exp plus quadratic)', () => {
  const rand = mulberry32(5);
  const n = 6;
  const m = 30;
  const rows = Array.from({ length: m }, () => Array.from({ length: n }, () => 2 * rand() - 1));
  const f = (x: ArrayLike<number>): number => {
    let mx = -Infinity;
    const z = rows.map((r) => r.reduce((s, v, i) => s + v * x[i], 0));
    for (const v of z) mx = Math.max(mx, v);
    let s = 0;
    for (const v of z) s += Math.exp(v - mx);
    let q = 0;
    for (let i = 0; i < n; i++) q += 0.05 * x[i] * x[i] + 0.1 * (i + 1) * x[i];
    return mx + Math.log(s) + q;
  };
  const fg: ObjectiveFn = (x, g) => {
    const z = rows.map((r) => r.reduce((s, v, i) => s + v * x[i], 0));
    const mx = Math.max(...z);
    const e = z.map((v) => Math.exp(v - mx));
    const s = e.reduce((a, v) => a + v, 0);
    for (let i = 0; i < n; i++) {
      let gi = 0.1 * x[i] + 0.1 * (i + 1);
      for (let k = 0; k < m; k++) gi += (e[k] / s) * rows[k][i];
      g[i] = gi;
    }
    return f(x);
  };
  const r = minimizeLbfgs(fg, new Array(n).fill(0), { gradientTolerance: 1e-10 });
  const u = numeric.uncmin((x: number[]) => f(x), new Array(n).fill(0), 1e-12);
  assert.ok(r.converged, r.message);
  for (let i = 0; i < n; i++) assertClose(r.x[i], u.solution[i], 1e-5, `x[${i}]`);
  assert.ok(r.value <= (u.f as number) + 1e-12);
});

test('steps into a region where f is Infinity are backed off', () => {
  // f(x) = x − ln x on x > 0 (Infinity elsewhere); the minimum is x = 1.
  const fg: ObjectiveFn = (x, g) => {
    if (!(x[0] > 0)) return Infinity;
    g[0] = 1 - 1 / x[0];
    return x[0] - Math.log(x[0]);
  };
  const r = minimizeLbfgs(fg, [20], { gradientTolerance: 1e-12 });
  assert.ok(r.converged, r.message);
  assertClose(r.x[0], 1, 1e-10, 'x');
});

test('a non-finite start throws; identical calls give identical results', () => {
  assert.throws(() => minimizeLbfgs(() => Number.NaN, [0]), /not finite at the starting point/);
  const fg: ObjectiveFn = (x, g) => {
    g[0] = 4 * (x[0] - 3) ** 3 + (x[1] - 1);
    g[1] = 2 * (x[1] - 1) + (x[0] - 3);
    return (x[0] - 3) ** 4 + (x[1] - 1) ** 2 + (x[0] - 3) * (x[1] - 1);
  };
  const a = minimizeLbfgs(fg, [0, 0]);
  const b = minimizeLbfgs(fg, [0, 0]);
  assert.deepEqual([...a.x], [...b.x]);
  assert.equal(a.iterations, b.iterations);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPoissonRegression, poissonMean } from '../../src/ml/goals/poisson-regression.ts';
import { assertClose, mulberry32, normal, poisson } from './prng.ts';

test('recovers known parameters from simulated counts', () => {
  const rand = mulberry32(17);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const x = 1.5 * normal(rand);
    xs.push(x);
    ys.push(poisson(rand, Math.exp(0.3 + 0.15 * x)));
  }
  const fit = fitPoissonRegression(xs, ys);
  assert.ok(fit.converged);
  assertClose(fit.intercept, 0.3, 0.02, 'intercept');
  assertClose(fit.slope, 0.15, 0.02, 'slope');
});

test('with x constant 0 the intercept is the log of the weighted mean (closed form)', () => {
  const ys = [0, 1, 2, 3, 1, 0, 4];
  const w = [1, 2, 1, 0.5, 1, 3, 1];
  const fit = fitPoissonRegression(new Array(ys.length).fill(0), ys, { weights: w });
  const mean = ys.reduce((s, y, i) => s + w[i] * y, 0) / w.reduce((s, v) => s + v, 0);
  assertClose(fit.intercept, Math.log(mean), 1e-9, 'intercept');
  assertClose(fit.slope, 0, 1e-9, 'slope');
  assertClose(poissonMean(fit, 0), mean, 1e-9, 'mean');
});

test('score equations hold at the optimum (ridge 0): Σ(y − λ) = 0 and Σ x(y − λ) = 0', () => {
  const xs = [-2, -1, -0.5, 0, 0.5, 1, 1.5, 2.5];
  const ys = [0, 1, 0, 2, 1, 3, 2, 4];
  const fit = fitPoissonRegression(xs, ys, { ridge: 0 });
  let s0 = 0;
  let s1 = 0;
  xs.forEach((x, i) => {
    const r = ys[i] - poissonMean(fit, x);
    s0 += r;
    s1 += x * r;
  });
  assertClose(s0, 0, 1e-8, 'Σ(y − λ)');
  assertClose(s1, 0, 1e-8, 'Σx(y − λ)');
});

test('input checks', () => {
  assert.throws(() => fitPoissonRegression([], []), /no data/);
  assert.throws(() => fitPoissonRegression([0], [-1]), /count ≥ 0/);
  assert.throws(() => fitPoissonRegression([0, 1], [1]), /2 covariates but 1 counts/);
});

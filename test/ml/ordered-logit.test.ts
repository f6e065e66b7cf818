import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Outcome } from '../../src/domain/types.ts';
import { fitOrderedLogit, orderedLogitProbabilities } from '../../src/ml/ratings/ordered-logit.ts';
import { assertClose, mulberry32, normal } from './prng.ts';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function simulate(seed: number, n: number, b: number, c1: number, c2: number): { xs: number[]; ys: Outcome[] } {
  const rand = mulberry32(seed);
  const xs: number[] = [];
  const ys: Outcome[] = [];
  for (let i = 0; i < n; i++) {
    const x = 1.5 * normal(rand);
    const u = rand();
    xs.push(x);
    ys.push(u < sigmoid(c1 - b * x) ? 'A' : u < sigmoid(c2 - b * x) ? 'D' : 'H');
  }
  return { xs, ys };
}

test('recovers known parameters from simulated data', () => {
  const truth = { b: 0.6, c1: -0.9, c2: 0.3 };
  const { xs, ys } = simulate(42, 20_000, truth.b, truth.c1, truth.c2);
  const fit = fitOrderedLogit(xs, ys);
  assert.ok(fit.converged);
  // Standard errors at n = 20,000 are about 0.01; allow 4 of them.
  assertClose(fit.b, truth.b, 0.04, 'b');
  assertClose(fit.c1, truth.c1, 0.04, 'c1');
  assertClose(fit.c2, truth.c2, 0.04, 'c2');
  assert.ok(fit.c1 < fit.c2);
  const p = fit.predict(1);
  assertClose(p.away, sigmoid(fit.c1 - fit.b), 1e-15, 'P(A)');
  assertClose(p.home, 1 - sigmoid(fit.c2 - fit.b), 1e-15, 'P(H)');
});

test('probabilities sum to 1 and P(H) grows with x when b > 0', () => {
  const params = { b: 0.6, c1: -0.9, c2: 0.3 };
  let prevHome = 0;
  for (let x = -6; x <= 6; x += 0.5) {
    const p = orderedLogitProbabilities(params, x);
    assertClose(p.home + p.draw + p.away, 1, 1e-15, 'sum');
    assert.ok(p.draw >= 0 && p.home > prevHome);
    prevHome = p.home;
  }
});

test('weights: weight 2 equals a duplicated observation', () => {
  const { xs, ys } = simulate(3, 500, 0.5, -0.8, 0.4);
  const weighted = fitOrderedLogit(xs, ys, { weights: xs.map((_, i) => (i < 100 ? 2 : 1)) });
  const dup = fitOrderedLogit([...xs, ...xs.slice(0, 100)], [...ys, ...ys.slice(0, 100)]);
  assertClose(weighted.b, dup.b, 1e-7, 'b');
  assertClose(weighted.c1, dup.c1, 1e-7, 'c1');
  assertClose(weighted.c2, dup.c2, 1e-7, 'c2');
});

test('degenerate samples stay finite: no draws, perfect separation, no data', () => {
  const noDraw = fitOrderedLogit([1, 2, -1, -2, 0.5], ['H', 'H', 'A', 'A', 'A']);
  for (const v of [noDraw.b, noDraw.c1, noDraw.c2]) assert.ok(Number.isFinite(v));
  const sep = fitOrderedLogit([1, 2, 3, -1, -2, -3], ['H', 'H', 'H', 'A', 'A', 'A']);
  assert.ok(Number.isFinite(sep.b) && sep.b > 0);
  const none = fitOrderedLogit([], []);
  const p = none.predict(0);
  assertClose(p.home, 1 / 3, 1e-6, 'prior-only home');
  assertClose(p.draw, 1 / 3, 1e-6, 'prior-only draw');
});

test('deterministic and validated', () => {
  const { xs, ys } = simulate(9, 300, 0.5, -0.8, 0.4);
  assert.deepEqual(
    JSON.stringify(fitOrderedLogit(xs, ys)),
    JSON.stringify(fitOrderedLogit(xs, ys)),
  );
  assert.throws(() => fitOrderedLogit([1], []), /1 covariates but 0 outcomes/);
  assert.throws(() => fitOrderedLogit([1], ['X' as Outcome]), /unknown outcome "X"/);
  assert.throws(() => fitOrderedLogit([1], ['H'], { weights: [-1] }), /negative/);
});

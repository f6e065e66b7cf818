import { test } from 'node:test';
import assert from 'node:assert/strict';
import { designMatrix, fitSoftmax, softmaxLogLik, softmaxProbabilities } from '../../src/ml/models/softmax-regression.ts';
import { assertClose, mulberry32 } from './prng.ts';

test('no features: the fit is the class frequencies (closed form)', () => {
  const y = [0, 0, 0, 1, 1, 2, 0, 2, 1, 0]; // 5 H, 3 D, 2 A
  const m = designMatrix(y.map(() => []), 0);
  const f = fitSoftmax([], m, y, { l2: 0, gradientTolerance: 1e-12 });
  assertClose(f.intercept[0], Math.log(5 / 3), 1e-9, 'a_H = ln(nH/nD)');
  assertClose(f.intercept[1], Math.log(2 / 3), 1e-9, 'a_A = ln(nA/nD)');
  const p = softmaxProbabilities(f, []);
  assertClose(p.home, 0.5, 1e-9, 'pH');
  assertClose(p.draw, 0.3, 1e-9, 'pD');
  assertClose(p.away, 0.2, 1e-9, 'pA');
  assertClose(f.logLik, 0.5 * Math.log(0.5) + 0.3 * Math.log(0.3) + 0.2 * Math.log(0.2), 1e-9, 'mean log-likelihood');
});

test('one binary feature, no penalty: the saturated fit reproduces each group’s frequencies', () => {
  // x = 0: 6 H, 3 D, 1 A;  x = 1: 2 H, 3 D, 5 A.
  const rows: number[][] = [];
  const y: number[] = [];
  const add = (x: number, n: number, c: number) => {
    for (let i = 0; i < n; i++) {
      rows.push([x]);
      y.push(c);
    }
  };
  add(0, 6, 0);
  add(0, 3, 1);
  add(0, 1, 2);
  add(1, 2, 0);
  add(1, 3, 1);
  add(1, 5, 2);
  const f = fitSoftmax(['x'], designMatrix(rows, 1), y, { l2: 0, gradientTolerance: 1e-12 });
  const p0 = softmaxProbabilities(f, [0]);
  const p1 = softmaxProbabilities(f, [1]);
  assertClose(p0.home, 0.6, 1e-8, 'P(H | x=0)');
  assertClose(p0.away, 0.1, 1e-8, 'P(A | x=0)');
  assertClose(p1.home, 0.2, 1e-8, 'P(H | x=1)');
  assertClose(p1.away, 0.5, 1e-8, 'P(A | x=1)');
});

test('L2 shrinks the slopes towards 0; with an offset and penalised intercepts, towards the offset', () => {
  const rand = mulberry32(3);
  const n = 400;
  const rows: number[][] = [];
  const y: number[] = [];
  const off = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const x = rand() * 2 - 1;
    rows.push([x]);
    const u = rand();
    y.push(u < 0.45 + 0.2 * x ? 0 : u < 0.72 ? 1 : 2);
    off[2 * i] = 0.3 * x;
    off[2 * i + 1] = -0.2;
  }
  const m = designMatrix(rows, 1);
  const weak = fitSoftmax(['x'], m, y, { l2: 1e-4 });
  const strong = fitSoftmax(['x'], m, y, { l2: 100 });
  assert.ok(Math.abs(strong.weights[0][0]) < 0.01 * Math.abs(weak.weights[0][0]), 'the slope shrinks');
  const toOffset = fitSoftmax(['x'], m, y, { l2: 1e4, offset: off, penalizeIntercept: true });
  const p = softmaxProbabilities(toOffset, [0.5], [0.15, -0.2]);
  const z = [0.15, 0, -0.2].map(Math.exp);
  const s = z[0]! + z[1]! + z[2]!;
  assertClose(p.home, z[0]! / s, 1e-4, 'pH = softmax of the offset');
  assertClose(p.away, z[2]! / s, 1e-4, 'pA = softmax of the offset');
  // The log-likelihood helper agrees with the fit's.
  assertClose(softmaxLogLik(weak, m, y), weak.logLik, 1e-9, 'log-likelihood');
});

test('a warm start reaches the same optimum', () => {
  const rand = mulberry32(8);
  const rows = Array.from({ length: 300 }, () => [rand(), rand() * 3, rand() - 0.5]);
  const y = rows.map((r) => (r[0]! + 0.2 * r[1]! > 0.9 ? 0 : rand() < 0.4 ? 1 : 2));
  const m = designMatrix(rows, 3);
  const cold = fitSoftmax(['a', 'b', 'c'], m, y, { l2: 0.01, gradientTolerance: 1e-10 });
  const warm = fitSoftmax(['a', 'b', 'c'], m, y, { l2: 0.01, gradientTolerance: 1e-10, start: { ...cold, intercept: [cold.intercept[0] + 0.3, cold.intercept[1]], weights: [cold.weights[0].map((w) => w * 0.5), cold.weights[1]] } });
  for (let j = 0; j < 3; j++) assertClose(warm.weights[0][j]!, cold.weights[0][j]!, 1e-6, `β_H[${j}]`);
  assert.throws(() => fitSoftmax(['a'], designMatrix([[NaN]], 1), [0]), /feature a of row 0 is NaN/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_GOALS, marketsFromGrid, scoreGrid, tau } from '../../src/ml/goals/score-grid.ts';
import { assertClose } from './prng.ts';

const pois = (k: number, r: number): number => {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return (Math.exp(-r) * r ** k) / f;
};

test('τ takes the Dixon-Coles values on the four low scores and 1 elsewhere', () => {
  const [l, m, r] = [1.5, 1.1, -0.1];
  assertClose(tau(0, 0, l, m, r), 1 - l * m * r, 1e-15, '0-0');
  assertClose(tau(0, 1, l, m, r), 1 + l * r, 1e-15, '0-1');
  assertClose(tau(1, 0, l, m, r), 1 + m * r, 1e-15, '1-0');
  assertClose(tau(1, 1, l, m, r), 1 - r, 1e-15, '1-1');
  assert.equal(tau(2, 0, l, m, r), 1);
  assert.equal(tau(3, 3, l, m, r), 1);
});

test('grid is 11 × 11, sums to 1, and with ρ = 0 is the normalised product of Poissons', () => {
  const g = scoreGrid(1.6, 1.2);
  assert.equal(g.length, MAX_GOALS + 1);
  assert.ok(g.every((row) => row.length === MAX_GOALS + 1));
  let total = 0;
  let raw = 0;
  for (let i = 0; i <= MAX_GOALS; i++) for (let j = 0; j <= MAX_GOALS; j++) raw += pois(i, 1.6) * pois(j, 1.2);
  for (let i = 0; i <= MAX_GOALS; i++) {
    for (let j = 0; j <= MAX_GOALS; j++) {
      total += g[i][j];
      assertClose(g[i][j], (pois(i, 1.6) * pois(j, 1.2)) / raw, 1e-15, `cell ${i}-${j}`);
    }
  }
  assertClose(total, 1, 1e-14, 'total');
});

test('ρ < 0 raises 0-0 and 1-1 and lowers 0-1 and 1-0 relative to ρ = 0', () => {
  const a = scoreGrid(1.4, 1.1, 0);
  const b = scoreGrid(1.4, 1.1, -0.12);
  assert.ok(b[0][0] > a[0][0] && b[1][1] > a[1][1]);
  assert.ok(b[0][1] < a[0][1] && b[1][0] < a[1][0]);
});

test('markets: 1X2 and over/under 2.5 by hand on a small grid', () => {
  const grid = [
    [0.1, 0.2, 0.05],
    [0.15, 0.1, 0.05],
    [0.2, 0.1, 0.05],
  ];
  const mk = marketsFromGrid(grid);
  assertClose(mk.probabilities.home, 0.15 + 0.2 + 0.1, 1e-15, 'home');
  assertClose(mk.probabilities.draw, 0.1 + 0.1 + 0.05, 1e-15, 'draw');
  assertClose(mk.probabilities.away, 0.2 + 0.05 + 0.05, 1e-15, 'away');
  assertClose(mk.under25, 0.1 + 0.2 + 0.05 + 0.15 + 0.1 + 0.2, 1e-15, 'under');
  assertClose(mk.over25, 0.05 + 0.1 + 0.05, 1e-15, 'over');
  assertClose(mk.meanGoals.home, 1 * 0.3 + 2 * 0.35, 1e-15, 'mean home');
});

test('markets of a real grid: everything sums to 1; means are close to the rates', () => {
  const mk = marketsFromGrid(scoreGrid(2.1, 0.9, -0.08));
  assertClose(mk.probabilities.home + mk.probabilities.draw + mk.probabilities.away, 1, 1e-14, '1X2');
  assertClose(mk.over25 + mk.under25, 1, 1e-14, 'O/U');
  assertClose(mk.meanGoals.home, 2.1, 0.02, 'mean home');
  assertClose(mk.meanGoals.away, 0.9, 0.02, 'mean away');
});

test('extreme rates: a negative τ is clamped to 0, bad rates throw', () => {
  const g = scoreGrid(6, 6, 0.19); // 1 − λμρ < 0
  assert.equal(g[0][0], 0);
  assert.throws(() => scoreGrid(0, 1), /finite rates > 0/);
  assert.throws(() => scoreGrid(1, Number.NaN), /finite rates > 0/);
});

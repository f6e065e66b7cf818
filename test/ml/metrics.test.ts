import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, argmaxOutcome, brier, logLoss, rps, scoreAll } from '../../src/ml/evaluation/metrics.ts';
import { assertClose } from './prng.ts';

const uniform = { home: 1 / 3, draw: 1 / 3, away: 1 / 3 };

test('RPS: uniform forecast scores 0.2778 on H and A, 0.1111 on D', () => {
  assertClose(rps(uniform, 'H'), 5 / 18, 1e-12, 'H');
  assertClose(rps(uniform, 'A'), 5 / 18, 1e-12, 'A');
  assertClose(rps(uniform, 'D'), 1 / 9, 1e-12, 'D');
  assert.equal(rps(uniform, 'H').toFixed(4), '0.2778');
  assert.equal(rps(uniform, 'D').toFixed(4), '0.1111');
});

test('RPS: penaltyblog example (0.6, 0.3, 0.1) with a draw = 0.185', () => {
  // ½[(0.6 − 0)² + (0.9 − 1)²] = ½[0.36 + 0.01]
  assertClose(rps({ home: 0.6, draw: 0.3, away: 0.1 }, 'D'), 0.185, 1e-12);
});

test('RPS: perfect forecasts score 0, the worst one scores 1', () => {
  assert.equal(rps({ home: 1, draw: 0, away: 0 }, 'H'), 0);
  assert.equal(rps({ home: 0, draw: 0, away: 1 }, 'A'), 0);
  assert.equal(rps({ home: 1, draw: 0, away: 0 }, 'A'), 1);
});

test('log loss: uniform = ln 3; clamped at 1e-15', () => {
  assertClose(logLoss(uniform, 'D'), Math.log(3), 1e-12);
  assertClose(logLoss({ home: 0.5, draw: 0.25, away: 0.25 }, 'H'), Math.log(2), 1e-12);
  assertClose(logLoss({ home: 1, draw: 0, away: 0 }, 'A'), -Math.log(1e-15), 1e-9);
  assert.ok(Number.isFinite(logLoss({ home: 1, draw: 0, away: 0 }, 'D')));
});

test('Brier (sum over 3 classes, range 0..2): uniform = 0.6667', () => {
  assertClose(brier(uniform, 'H'), 2 / 3, 1e-12);
  assert.equal(brier(uniform, 'A').toFixed(4), '0.6667');
  assert.equal(brier({ home: 1, draw: 0, away: 0 }, 'A'), 2);
  assertClose(brier({ home: 0.6, draw: 0.3, away: 0.1 }, 'D'), 0.36 + 0.49 + 0.01, 1e-12);
});

test('accuracy: argmax, ties broken H, then D, then A', () => {
  assert.equal(accuracy({ home: 0.5, draw: 0.3, away: 0.2 }, 'H'), 1);
  assert.equal(accuracy({ home: 0.2, draw: 0.3, away: 0.5 }, 'H'), 0);
  assert.equal(argmaxOutcome(uniform), 'H');
  assert.equal(argmaxOutcome({ home: 0.2, draw: 0.4, away: 0.4 }), 'D');
  assert.equal(argmaxOutcome({ home: 0.2, draw: 0.3, away: 0.5 }), 'A');
});

test('scoreAll averages every metric', () => {
  const preds = [uniform, { home: 0.6, draw: 0.3, away: 0.1 }, { home: 0.2, draw: 0.3, away: 0.5 }];
  const s = scoreAll(preds, ['H', 'D', 'A']);
  assert.equal(s.n, 3);
  assertClose(s.rps, (5 / 18 + 0.185 + rps(preds[2], 'A')) / 3, 1e-12, 'rps');
  assertClose(s.logloss, (Math.log(3) - Math.log(0.3) - Math.log(0.5)) / 3, 1e-12, 'logloss');
  assertClose(s.brier, (2 / 3 + 0.86 + (0.04 + 0.09 + 0.25)) / 3, 1e-12, 'brier');
  assertClose(s.accuracy, 2 / 3, 1e-12, 'accuracy');
});

test('scoreAll: mismatched lengths throw, no data gives NaN means', () => {
  assert.throws(() => scoreAll([uniform], []), /1 forecasts but 0 outcomes/);
  const s = scoreAll([], []);
  assert.equal(s.n, 0);
  assert.ok(Number.isNaN(s.rps));
});

test('an unknown outcome is rejected', () => {
  assert.throws(() => rps(uniform, 'X' as never), /unknown outcome "X"/);
  assert.throws(() => accuracy(uniform, 'X' as never), /unknown outcome/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demargin, impliedProbabilities, multiplicative, overround, power, shin } from '../../src/ml/market/demargin.ts';
import type { Odds1x2, Probabilities } from '../../src/domain/types.ts';
import { assertClose } from './prng.ts';

const sum = (p: Probabilities): number => p.home + p.draw + p.away;

function assertProbs(p: Probabilities, q: [number, number, number], tol: number, what: string): void {
  assertClose(p.home, q[0], tol, `${what} home`);
  assertClose(p.draw, q[1], tol, `${what} draw`);
  assertClose(p.away, q[2], tol, `${what} away`);
}

// Fair probabilities (0.5, 0.3, 0.2) with every implied probability scaled by 1.05: a 5 % book.
const book5: Odds1x2 = { home: 1 / (1.05 * 0.5), draw: 1 / (1.05 * 0.3), away: 1 / (1.05 * 0.2) };

test('a fair book returns itself under every method', () => {
  const fair: Odds1x2 = { home: 2, draw: 4, away: 4 };
  assert.equal(overround(fair), 0);
  for (const r of [multiplicative(fair), shin(fair).probabilities, power(fair).probabilities]) {
    assertProbs(r, [0.5, 0.25, 0.25], 1e-15, 'fair');
  }
  assert.equal(shin(fair).z, 0);
  assert.equal(power(fair).k, 1);
  // A fair book whose 1/o do not add up to exactly 1 in floating point.
  const fair2: Odds1x2 = { home: 1 / 0.45, draw: 1 / 0.3, away: 1 / 0.25 };
  for (const r of [multiplicative(fair2), shin(fair2).probabilities, power(fair2).probabilities]) {
    assertProbs(r, [0.45, 0.3, 0.25], 1e-12, 'fair2');
  }
});

test('5 % book: multiplicative removes the scaling exactly', () => {
  assertClose(overround(book5), 0.05, 1e-12, 'overround');
  assertProbs(multiplicative(book5), [0.5, 0.3, 0.2], 1e-12, 'multiplicative');
});

test('5 % book: Shin and power match independent values (scipy brentq)', () => {
  // Computed with scipy.optimize.brentq on the same formulas (REFERENCE.md 1.1).
  const s = shin(book5);
  assertClose(s.z, 0.025107574546535512, 1e-12, 'z');
  assertProbs(s.probabilities, [0.50618580292572546, 0.29873097370063156, 0.19508322337364295], 1e-12, 'shin');
  const p = power(book5);
  assertClose(p.k, 1.0499104671450654, 1e-12, 'k');
  assertProbs(p.probabilities, [0.50838452635959175, 0.29735209259756595, 0.19426338104284216], 1e-12, 'power');
});

test('Shin and power probabilities sum to 1 within 1e-12 on assorted books', () => {
  const books: Odds1x2[] = [
    book5,
    { home: 1.14, draw: 10, away: 19 },
    { home: 12, draw: 6.5, away: 1.22 },
    { home: 2.6, draw: 3.1, away: 2.9 },
    { home: 1.01, draw: 30, away: 80 },
    { home: 2.1, draw: 3.6, away: 4.1 }, // underround (Σ 1/o < 1)
  ];
  for (const b of books) {
    assertClose(sum(shin(b).probabilities), 1, 1e-12, `shin ${JSON.stringify(b)}`);
    assertClose(sum(power(b).probabilities), 1, 1e-12, `power ${JSON.stringify(b)}`);
    assertClose(sum(multiplicative(b)), 1, 1e-12, `multiplicative ${JSON.stringify(b)}`);
  }
  assert.ok(shin({ home: 2.1, draw: 3.6, away: 4.1 }).z < 0, 'underround book gives z < 0');
  assert.ok(power({ home: 2.1, draw: 3.6, away: 4.1 }).k < 1, 'underround book gives k < 1');
});

test('favourite-longshot: Shin and power move probability from the longshot to the favourite', () => {
  for (const b of [book5, { home: 1.3, draw: 5.5, away: 10 }, { home: 9, draw: 5, away: 1.35 }]) {
    const m = multiplicative(b);
    const fav = m.home > m.away ? 'home' : 'away';
    const dog = fav === 'home' ? 'away' : 'home';
    for (const [name, r] of [
      ['shin', shin(b).probabilities],
      ['power', power(b).probabilities],
    ] as const) {
      assert.ok(r[dog] < m[dog], `${name}: longshot ${r[dog]} should be below multiplicative ${m[dog]}`);
      assert.ok(r[fav] > m[fav], `${name}: favourite ${r[fav]} should be above multiplicative ${m[fav]}`);
    }
  }
});

test('prices must be > 1; the error names the bad price', () => {
  assert.throws(() => multiplicative({ home: 1, draw: 3, away: 4 }), /home price is 1/);
  assert.throws(() => shin({ home: 2, draw: 0.5, away: 4 }), /draw price is 0.5/);
  assert.throws(() => power({ home: 2, draw: 3, away: Number.NaN }), /away price is NaN/);
  assert.throws(() => impliedProbabilities({ home: 2, draw: Infinity, away: 3 }), /draw price is Infinity/);
});

test('demargin dispatches by name', () => {
  assert.deepEqual(demargin(book5), multiplicative(book5));
  assert.deepEqual(demargin(book5, 'shin'), shin(book5).probabilities);
  assert.deepEqual(demargin(book5, 'power'), power(book5).probabilities);
  assert.throws(() => demargin(book5, 'bogus' as never), /unknown margin-removal method "bogus"/);
});

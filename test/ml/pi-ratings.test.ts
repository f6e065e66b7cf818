import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PiRatings, piExpectedGoals, piSpec, piWeakestPrior, runPi, PI_DEFAULTS, type PiModel } from '../../src/ml/ratings/pi-ratings.ts';
import type { TrainingMatch } from '../../src/ml/models/model.ts';
import { simulateLeague } from './league.ts';
import { assertClose } from './prng.ts';

const m = (day: number, home: string, away: string, homeGoals: number, awayGoals: number): TrainingMatch => ({ day, home, away, homeGoals, awayGoals });

test('expected goal difference of a rating: sign(R)·(10^{|R|/3} − 1)', () => {
  assert.equal(piExpectedGoals(0), 0);
  assertClose(piExpectedGoals(3), 9, 1e-12, 'ĝ(3)');
  assertClose(piExpectedGoals(-3), -9, 1e-12, 'ĝ(−3)');
  assertClose(piExpectedGoals(0.3), 10 ** 0.1 - 1, 1e-15, 'ĝ(0.3)');
});

test('pi-rating updates by hand (λ = 0.1, γ = 0.5): two matches, exact numbers', () => {
  // Match 1: A 2-0 B, all ratings 0: expected 0, e = 2, ψ = 3·log10(3) = 1.4313637641589874.
  //   A.home += 0.1ψ, A.away += 0.5·that; B.away −= 0.1ψ, B.home −= 0.5·that.
  // Match 2: B 1-1 A: expected ĝ(B.home) − ĝ(A.away) = −0.11293461709907593; observed 0 is
  //   better for B, so B.home rises and A.away falls. (Values checked in Python.)
  const r = new PiRatings(0.1, 0.5);
  r.update('A', 'B', 2, 0);
  assertClose(r.get('A').home, 0.14313637641589874, 1e-15, 'A.home after 1');
  assertClose(r.get('A').away, 0.07156818820794937, 1e-15, 'A.away after 1');
  assertClose(r.get('B').home, -0.07156818820794937, 1e-15, 'B.home after 1');
  assertClose(r.get('B').away, -0.14313637641589874, 1e-15, 'B.away after 1');
  assertClose(r.expectedGoalDifference('B', 'A'), -0.11293461709907593, 1e-15, 'expected GD of match 2');
  r.update('B', 'A', 1, 1);
  assertClose(r.get('A').home, 0.13616592875587524, 1e-15, 'A.home');
  assertClose(r.get('A').away, 0.05762729288790239, 1e-15, 'A.away');
  assertClose(r.get('B').home, -0.05762729288790239, 1e-15, 'B.home');
  assertClose(r.get('B').away, -0.13616592875587524, 1e-15, 'B.away');
});

test('new teams enter at the weakest-3 average; runPi records the pre-match expected difference', () => {
  const run = runPi([m(1, 'A', 'B', 3, 0), m(2, 'C', 'D', 1, 0), m(3, 'E', 'A', 0, 0)], 4, { ...PI_DEFAULTS, lambda: 0.1, gamma: 0.5 });
  assert.equal(run.records.length, 3);
  assert.equal(run.records[0]!.gd, 0);
  // E enters at the mean of the 3 weakest (by home + away) of A, B, C, D as they stood before day 3.
  const before = new PiRatings(0.1, 0.5);
  before.update('A', 'B', 3, 0);
  before.update('C', 'D', 1, 0);
  const prior = piWeakestPrior(before.ratings);
  assertClose(run.records[2]!.gd, piExpectedGoals(prior.home) - piExpectedGoals(before.get('A').away), 1e-15, 'E v A expected GD');
});

test('the pi spec fits a simulated league, restores from JSON, and continues a run bit-identically', () => {
  const league = simulateLeague(3, 20, 3);
  const spec = piSpec();
  const asOf = league.lastDay + 1;
  const full = spec.fit(league.matches, asOf) as PiModel;
  const p = full.predict('Team 00', 'Team 05');
  assertClose(p.probabilities.home + p.probabilities.draw + p.probabilities.away, 1, 1e-12, 'sum');
  assert.deepEqual(spec.fromJSON(JSON.parse(JSON.stringify(full.toJSON()))).predict('Team 00', 'Team 05'), p);
  // A fit continued from an earlier fit has exactly the ratings of a full replay.
  const early = spec.fit(league.matches, asOf - 200);
  const continued = spec.fit(league.matches, asOf, early) as PiModel;
  for (const t of full.teams()) assert.deepEqual(continued.rating(t), full.rating(t), t);
  const a = full.predict('Team 01', 'Team 02').probabilities;
  const b = continued.predict('Team 01', 'Team 02').probabilities;
  assertClose(a.home, b.home, 1e-8, 'warm-started map');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ELO_DEFAULTS, EloModel, eloSpec, expectedScore, goalDifferenceMultiplier, promotedPrior, runElo } from '../../src/ml/ratings/elo.ts';
import type { TrainingMatch } from '../../src/ml/models/model.ts';
import { simulateLeague } from './league.ts';
import { assertClose, mulberry32, shuffled } from './prng.ts';

const m = (day: number, home: string, away: string, homeGoals: number, awayGoals: number): TrainingMatch => ({ day, home, away, homeGoals, awayGoals });

test('goal-difference multiplier and expected score', () => {
  assert.deepEqual([0, 1, -1, 2, 3, -3, 4, 7].map(goalDifferenceMultiplier), [1, 1, 1, 1.5, 1.75, 1.75, 1.875, 2.25]);
  assert.equal(expectedScore(0), 0.5);
  assertClose(expectedScore(400), 10 / 11, 1e-15, 'We(400)');
  assertClose(expectedScore(60) + expectedScore(-60), 1, 1e-15, 'symmetry');
});

test('Elo updates by hand: two matches, exact numbers', () => {
  // Match 1: A 2-0 B. Both new → 1500. dr = 60, We = 1/(10^−0.15 + 1) = 0.585498…,
  // Δ = 20 · 1.5 · (1 − We) = 12.435039639845716.
  // Match 2: C (new: mean of the known A, B = 1500) 1-1 A. dr = 1500 − 1512.435… + 60,
  // Δ = 20 · 1 · (0.5 − We(47.564960…)) = −1.36054027076153. (Values checked in Python.)
  const run = runElo([m(2, 'C', 'A', 1, 1), m(1, 'A', 'B', 2, 0)], 3);
  assert.equal(run.records.length, 2);
  assert.equal(run.records[0].dr, 60);
  assertClose(run.records[1].dr, 47.56496036015437, 1e-9, 'dr match 2');
  assertClose(run.ratings.get('A')!, 1513.795579910607103, 1e-9, 'A');
  assertClose(run.ratings.get('B')!, 1487.564960360154373, 1e-9, 'B');
  assertClose(run.ratings.get('C')!, 1498.639459729238524, 1e-9, 'C');
  assert.deepEqual([...run.ratings.keys()], ['A', 'B', 'C']);
  assert.deepEqual(
    run.records.map((r) => r.outcome),
    ['H', 'D'],
  );
});

test('promoted-team prior: a new team enters at the mean of the 3 lowest ratings', () => {
  // A 3-0 B, then C 1-0 D (both new: mean of A and B = 1500), then E (new) v A.
  const run = runElo([m(1, 'A', 'B', 3, 0), m(2, 'C', 'D', 1, 0), m(3, 'E', 'A', 0, 0)], 4);
  const beforeE = { A: 1514.507546246486754, B: 1485.492453753513246, C: 1508.290026426563827, D: 1491.709973573436173 };
  const eEntry = (beforeE.B + beforeE.D + beforeE.C) / 3; // 1495.164151251171
  assertClose(eEntry, 1495.164151251171234, 1e-9, 'hand prior');
  assertClose(run.records[2].dr, eEntry - beforeE.A + 60, 1e-9, 'E entry via dr');
  assert.equal(promotedPrior([], 1500), 1500);
  assert.equal(promotedPrior([1400, 1600], 1500), 1500);
  assert.equal(promotedPrior([1700, 1400, 1500, 1450, 1600], 1500), 1450);
  // The fitted model gives unseen teams the prior of the final ratings.
  const model = eloSpec().fit([m(1, 'A', 'B', 3, 0), m(2, 'C', 'D', 1, 0), m(3, 'E', 'A', 0, 0)], 4) as EloModel;
  const finals = model.teams().map((t) => model.rating(t));
  assert.equal(model.rating('Nowhere FC'), promotedPrior(finals, 1500));
  assert.equal(model.ratingDifference('Nowhere FC', 'A'), model.priorRating - model.rating('A') + 60);
});

test('fit on a simulated league: probabilities sum to 1, the map is sensible', () => {
  const league = simulateLeague(1, 20, 3);
  const spec = eloSpec();
  assert.equal(spec.name, 'elo');
  assert.deepEqual(spec.hyper, ELO_DEFAULTS);
  const model = spec.fit(league.matches, league.lastDay + 1);
  const json = model.toJSON() as { nMatches: number; nFitted: number; outcome: { b: number; c1: number; c2: number } };
  assert.equal(json.nMatches, 1140);
  assert.equal(json.nFitted, 1140 - 380);
  assert.ok(json.outcome.b > 0 && json.outcome.c1 < json.outcome.c2);
  for (const h of [...model.teams(), 'Promoted FC']) {
    for (const a of model.teams()) {
      if (h === a) continue;
      const p = model.predict(h, a);
      assertClose(p.probabilities.home + p.probabilities.draw + p.probabilities.away, 1, 1e-12, `${h} v ${a}`);
      assert.ok(p.expectedGoals.home > 0 && p.expectedGoals.away > 0);
    }
  }
  // The best team by true strength beats the worst more often at home than away.
  const ranked = model.teams().filter((t) => league.truth.has(t));
  const strength = (t: string): number => league.truth.get(t)!.attack - league.truth.get(t)!.defence;
  ranked.sort((x, y) => strength(y) - strength(x));
  const best = ranked[0];
  const worst = ranked[ranked.length - 1];
  assert.ok(model.predict(best, worst).probabilities.home > model.predict(worst, best).probabilities.away);
  assert.ok(model.predict(best, worst).expectedGoals.home > model.predict(worst, best).expectedGoals.home);
});

test('burn-in: all of a short history, the latest 380 of a medium one, all but 380 of a long one', () => {
  const league = simulateLeague(2, 20, 3);
  const sorted = [...league.matches].sort((a, b) => a.day - b.day);
  const nFitted = (n: number): number => (eloSpec().fit(sorted.slice(0, n), 1e9).toJSON() as { nFitted: number }).nFitted;
  assert.equal(nFitted(200), 200);
  assert.equal(nFitted(500), 380);
  assert.equal(nFitted(1000), 620);
});

test('JSON roundtrip predicts identically', () => {
  const league = simulateLeague(3, 20, 2);
  const spec = eloSpec({ k: 25, hfa: 70 });
  const model = spec.fit(league.matches, league.lastDay + 1);
  const restored = spec.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.equal(JSON.stringify(restored.toJSON()), JSON.stringify(model.toJSON()));
  assert.deepEqual(restored.teams(), model.teams());
  for (const [h, a] of [
    [model.teams()[0], model.teams()[1]],
    [model.teams()[5], 'Unknown United'],
    ['Unknown United', 'Other Newcomers'],
  ]) {
    assert.deepEqual(restored.predict(h, a), model.predict(h, a));
  }
  assert.throws(() => spec.fromJSON({ ...model.toJSON(), kind: 'dixon-coles' }), /expected kind "elo"/);
  assert.throws(() => spec.fromJSON({ ...model.toJSON(), priorRating: 'x' }), /priorRating must be a finite number/);
});

test('determinism: shuffled input gives byte-identical JSON; later matches are ignored', () => {
  const league = simulateLeague(4, 20, 2);
  const asOf = league.lastDay - 30;
  const a = JSON.stringify(eloSpec().fit(league.matches, asOf).toJSON());
  const b = JSON.stringify(eloSpec().fit(shuffled(league.matches, mulberry32(99)), asOf).toJSON());
  assert.equal(a, b);
  const onlyPast = league.matches.filter((x) => x.day < asOf);
  assert.equal(JSON.stringify(eloSpec().fit(onlyPast, asOf).toJSON()), a);
});

test('bad input and hyper-parameters are rejected', () => {
  assert.throws(() => eloSpec({ k: -1 }), /need k > 0/);
  assert.throws(() => eloSpec({ bogus: 1 } as never), /unknown hyper-parameter "bogus"/);
  assert.throws(() => eloSpec().fit([], 100), /no matches before day 100/);
  assert.throws(() => eloSpec().fit([m(1, 'A', 'A', 1, 0)], 100), /two different non-empty team names/);
  assert.throws(() => eloSpec().fit([m(1, 'A', 'B', -1, 0)], 100), /non-negative integer goals/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poissonSpec } from '../../src/ml/goals/poisson.ts';
import { dixonColesSpec, type DixonColesModel } from '../../src/ml/goals/dixon-coles.ts';
import type { TrainingMatch } from '../../src/ml/models/model.ts';
import { simulateLeague } from './league.ts';
import { assertClose } from './prng.ts';

test('independent Poisson, two teams: the closed-form maximum-likelihood rates', () => {
  // With att_B = −att_A: μ(B v A) = x, λ(A v B) = H·x, μ(A v B) = y, λ(B v A) = H·y (H = e^home).
  // Scores A 2-1 B and B 3-1 A (each twice). Score equations: 2 + 1 = x(H + 1),
  // 3 + 1 = y(H + 1), 2 + 3 = H(x + y) ⇒ H = 5/2, x = 6/7, y = 8/7.
  const m = (day: number, home: string, away: string, hg: number, ag: number): TrainingMatch => ({ day, home, away, homeGoals: hg, awayGoals: ag });
  const data = [m(1, 'A', 'B', 2, 1), m(2, 'B', 'A', 3, 1), m(3, 'A', 'B', 2, 1), m(4, 'B', 'A', 3, 1)];
  const model = poissonSpec({ xi: 0, ridge: 0, windowDays: 100, gradientTolerance: 1e-12 }).fit(data, 5) as DixonColesModel;
  assert.equal(model.kind, 'poisson');
  assert.equal(model.rho, 0);
  assertClose(model.rates('A', 'B').lambda, 15 / 7, 1e-6, 'λ(A v B)');
  assertClose(model.rates('A', 'B').mu, 8 / 7, 1e-6, 'μ(A v B)');
  assertClose(model.rates('B', 'A').lambda, 20 / 7, 1e-6, 'λ(B v A)');
  assertClose(model.rates('B', 'A').mu, 6 / 7, 1e-6, 'μ(B v A)');
  assertClose(Math.exp(model.home), 2.5, 1e-6, 'home effect');
});

test('poisson is dixon-coles with ρ = 0, restores under its own kind, and warm-starts from either', () => {
  const league = simulateLeague(4, 12, 2);
  const asOf = league.lastDay + 1;
  const p = poissonSpec({ gradientTolerance: 1e-10 });
  const a = p.fit(league.matches, asOf) as DixonColesModel;
  const b = dixonColesSpec({ fitRho: 0, gradientTolerance: 1e-10 }).fit(league.matches, asOf) as DixonColesModel;
  assertClose(a.rates('Team 00', 'Team 01').lambda, b.rates('Team 00', 'Team 01').lambda, 1e-8, 'same λ');
  const restored = p.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  assert.equal(restored.kind, 'poisson');
  assert.deepEqual(restored.predict('Team 00', 'Team 01'), a.predict('Team 00', 'Team 01'));
  assert.throws(() => dixonColesSpec().fromJSON(a.toJSON()), /expected kind "dixon-coles"/);
  const warm = p.fit(league.matches, asOf, b) as DixonColesModel;
  assertClose(warm.rates('Team 02', 'Team 03').mu, a.rates('Team 02', 'Team 03').mu, 1e-7, 'warm start from a dixon-coles fit');
});

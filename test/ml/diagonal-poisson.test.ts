import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDcData } from '../../src/ml/goals/dixon-coles-likelihood.ts';
import {
  DIAGONAL_MAX,
  DiagonalPoissonModel,
  diagonalGrid,
  diagonalObjective,
  diagonalParameterCount,
  diagonalPoissonSpec,
  packDiagonal,
  unpackDiagonal,
} from '../../src/ml/goals/diagonal-poisson.ts';
import type { TrainingMatch } from '../../src/ml/models/model.ts';
import { simulateLeague } from './league.ts';
import { assertClose, mulberry32, poisson } from './prng.ts';

const pois = (k: number, r: number) => (Math.exp(-r) * r ** k) / [1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800][k]!;

test('the score grid is (1 − π)·Pois·Pois plus π·D on the diagonal (brute force), normalised', () => {
  const D = [0.5, 0.3, 0.15, 0.05];
  const g = diagonalGrid(1.4, 1.1, 0.08, D);
  let total = 0;
  for (let i = 0; i <= 10; i++) for (let j = 0; j <= 10; j++) total += (1 - 0.08) * pois(i, 1.4) * pois(j, 1.1) + (i === j && i <= DIAGONAL_MAX ? 0.08 * D[i]! : 0);
  for (const [i, j] of [[0, 0], [1, 1], [2, 1], [0, 3], [3, 3], [4, 4]] as const) {
    const raw = (1 - 0.08) * pois(i, 1.4) * pois(j, 1.1) + (i === j && i <= DIAGONAL_MAX ? 0.08 * D[i]! : 0);
    assertClose(g[i]![j]!, raw / total, 1e-15, `P(${i}-${j})`);
  }
});

test('the analytic gradient matches central finite differences', () => {
  const league = simulateLeague(5, 10, 2);
  const teams = [...new Set(league.matches.flatMap((m) => [m.home, m.away]))].sort();
  const data = buildDcData(league.matches.map((m) => ({ ...m, weight: 0.5 + (m.day % 7) / 10 })), teams);
  const f = diagonalObjective(data, 0.01);
  const rand = mulberry32(1);
  const x = new Float64Array(diagonalParameterCount(teams.length)).map(() => (rand() - 0.5) * 0.4);
  const g = new Float64Array(x.length);
  f(x, g);
  const tmp = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const h = 1e-6;
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[k]! += h;
    xm[k]! -= h;
    const fd = (f(xp, tmp) - f(xm, tmp)) / (2 * h);
    assert.ok(Math.abs(fd - g[k]!) <= 1e-6 * Math.max(1, Math.abs(fd)), `parameter ${k}: analytic ${g[k]} vs numeric ${fd}`);
  }
  // pack/unpack round trip
  const p = unpackDiagonal(x, teams.length);
  const back = unpackDiagonal(packDiagonal(p), teams.length);
  assertClose(back.inflation, p.inflation, 1e-12, 'π');
  assertClose(back.diagonal[2]!, p.diagonal[2]!, 1e-12, 'D(2)');
});

test('fits a league with extra draws: recovers the inflation, and its draw probability matches the draw rate', () => {
  // 10 equal teams, home effect 0.2, π = 0.12 of matches forced to 0-0 or 1-1 (60/40).
  const rand = mulberry32(77);
  const teams = Array.from({ length: 10 }, (_, i) => `T${i}`);
  const matches: TrainingMatch[] = [];
  let day = 20_000;
  for (let s = 0; s < 8; s++) {
    for (const h of teams) for (const a of teams) {
      if (h === a) continue;
      let hg: number;
      let ag: number;
      if (rand() < 0.12) hg = ag = rand() < 0.6 ? 0 : 1;
      else {
        hg = poisson(rand, 1.5);
        ag = poisson(rand, 1.2);
      }
      matches.push({ day: day++, home: h, away: a, homeGoals: hg, awayGoals: ag });
    }
  }
  const spec = diagonalPoissonSpec({ xi: 0, windowDays: 10_000, ridge: 0 });
  const model = spec.fit(matches, day) as DiagonalPoissonModel;
  assertClose(model.inflation, 0.12, 0.03, 'π');
  assertClose(model.diagonal[0]! / (model.diagonal[0]! + model.diagonal[1]!), 0.6, 0.12, 'share of 0-0 among the inflated draws');
  const p = model.predict('T0', 'T1').probabilities;
  const draws = matches.filter((m) => m.homeGoals === m.awayGoals).length / matches.length;
  assertClose(p.draw, draws, 0.03, 'draw probability near the observed draw rate');
  assert.deepEqual(spec.fromJSON(JSON.parse(JSON.stringify(model.toJSON()))).predict('T0', 'T1'), model.predict('T0', 'T1'));
});

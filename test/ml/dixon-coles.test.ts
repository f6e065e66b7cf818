import { test } from 'node:test';
import assert from 'node:assert/strict';
import numeric from 'numeric';
import type { TrainingMatch } from '../../src/ml/models/model.ts';
import {
  DIXON_COLES_DEFAULTS,
  DixonColesModel,
  dixonColesData,
  dixonColesSpec,
  weakestTeamsPrior,
  type DixonColesHyper,
} from '../../src/ml/goals/dixon-coles.ts';
import { RHO_BOUND, dixonColesObjective, packParams, parameterCount, unpackParams } from '../../src/ml/goals/dixon-coles-likelihood.ts';
import { simulateLeague } from './league.ts';
import { assertClose, mulberry32, normal, shuffled } from './prng.ts';

// 4 teams, 3 double round robins (36 matches), scores drawn once with numpy (seed 7) and frozen.
const SMALL_RAW: [number, string, string, number, number][] = [
  [0, 'Ashford', 'Bexley', 3, 0], [1, 'Ashford', 'Croydon', 1, 2], [2, 'Ashford', 'Dover', 1, 0], [3, 'Bexley', 'Ashford', 1, 3],
  [4, 'Bexley', 'Croydon', 1, 0], [5, 'Bexley', 'Dover', 1, 0], [6, 'Croydon', 'Ashford', 1, 3], [7, 'Croydon', 'Bexley', 0, 0],
  [8, 'Croydon', 'Dover', 0, 1], [9, 'Dover', 'Ashford', 0, 0], [10, 'Dover', 'Bexley', 1, 0], [11, 'Dover', 'Croydon', 3, 1],
  [12, 'Ashford', 'Bexley', 3, 1], [13, 'Ashford', 'Croydon', 1, 0], [14, 'Ashford', 'Dover', 4, 1], [15, 'Bexley', 'Ashford', 0, 1],
  [16, 'Bexley', 'Croydon', 1, 1], [17, 'Bexley', 'Dover', 2, 1], [18, 'Croydon', 'Ashford', 4, 0], [19, 'Croydon', 'Bexley', 2, 3],
  [20, 'Croydon', 'Dover', 1, 0], [21, 'Dover', 'Ashford', 1, 1], [22, 'Dover', 'Bexley', 1, 1], [23, 'Dover', 'Croydon', 0, 2],
  [24, 'Ashford', 'Bexley', 2, 2], [25, 'Ashford', 'Croydon', 3, 1], [26, 'Ashford', 'Dover', 2, 0], [27, 'Bexley', 'Ashford', 1, 2],
  [28, 'Bexley', 'Croydon', 1, 0], [29, 'Bexley', 'Dover', 1, 0], [30, 'Croydon', 'Ashford', 2, 2], [31, 'Croydon', 'Bexley', 2, 3],
  [32, 'Croydon', 'Dover', 3, 0], [33, 'Dover', 'Ashford', 2, 5], [34, 'Dover', 'Bexley', 0, 0], [35, 'Dover', 'Croydon', 0, 0],
];
const SMALL: TrainingMatch[] = SMALL_RAW.map(([day, home, away, homeGoals, awayGoals]) => ({ day, home, away, homeGoals, awayGoals }));
const SMALL_TEAMS = ['Ashford', 'Bexley', 'Croydon', 'Dover'];
/** Equal weights, no ridge: the plain maximum-likelihood estimate. */
const MLE: Partial<DixonColesHyper> = { xi: 0, ridge: 0, windowDays: 1000, gradientTolerance: 1e-12 };

function strengths(model: DixonColesModel): { attack: number[]; defence: number[] } {
  return { attack: SMALL_TEAMS.map((t) => model.strength(t).attack), defence: SMALL_TEAMS.map((t) => model.strength(t).defence) };
}

test('gradient matches central finite differences (1e-5 relative) on a real-size random case', () => {
  const league = simulateLeague(21, 20, 3); // 1,140 matches, 26 teams with promotions
  const data = dixonColesData(league.matches, league.lastDay + 1, DIXON_COLES_DEFAULTS);
  const n = data.teams.length;
  assert.equal(data.homeIdx.length, 1140);
  const rand = mulberry32(8);
  for (const theta of [0.6, -0.9]) {
    const fg = dixonColesObjective(data, 0.01, true);
    const x = new Float64Array(parameterCount(n));
    for (let i = 0; i < 2 * n - 1; i++) x[i] = 0.25 * normal(rand) + (i >= n - 1 ? 0.15 : 0);
    x[2 * n - 1] = 0.25;
    x[2 * n] = theta;
    const g = new Float64Array(x.length);
    fg(x, g);
    const scratch = new Float64Array(x.length);
    let worst = 0;
    for (let i = 0; i < x.length; i++) {
      const h = 1e-5;
      const xp = Float64Array.from(x);
      const xm = Float64Array.from(x);
      xp[i] += h;
      xm[i] -= h;
      const fd = (fg(xp, scratch) - fg(xm, scratch)) / (2 * h);
      const rel = Math.abs(fd - g[i]) / Math.max(Math.abs(g[i]), Math.abs(fd), 1e-8);
      worst = Math.max(worst, rel);
      assert.ok(rel < 1e-5, `component ${i}: analytic ${g[i]} vs finite difference ${fd} (relative ${rel})`);
    }
    assert.ok(worst < 1e-5);
    // With fitRho false the ρ component is zero.
    const g0 = new Float64Array(x.length);
    dixonColesObjective(data, 0.01, false)(x, g0);
    assert.equal(g0[2 * n], 0);
  }
});

test('pack/unpack: attacks sum to 0, λ and μ are preserved, ρ stays inside the bound', () => {
  const p = { attack: Float64Array.from([0.5, 0.1, -0.2]), defence: Float64Array.from([0.1, 0, -0.3]), home: 0.3, rho: -0.1 };
  const q = unpackParams(packParams(p), 3);
  assertClose(q.attack[0] + q.attack[1] + q.attack[2], 0, 1e-15, 'Σ att');
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assertClose(q.attack[i] + q.defence[j], p.attack[i] + p.defence[j], 1e-15, 'att + def');
  assertClose(q.rho, -0.1, 1e-15, 'rho');
  assert.ok(Math.abs(unpackParams(packParams({ ...p, rho: 5 }), 3).rho) < RHO_BOUND);
});

test('small data set: reproduces an independent MLE (scipy BFGS with complex-step derivatives)', () => {
  // scipy.optimize.minimize(method='BFGS', jac='cs') on the same likelihood, attacks summing to 0.
  const free = dixonColesSpec(MLE).fit(SMALL, 36) as DixonColesModel;
  const s = strengths(free);
  const expected = {
    attack: [0.634720354506, -0.0887325081814, 0.0957150331359, -0.641702879461],
    defence: [0.0474494426485, -0.133272580715, -0.0473082353156, -0.118788233551],
    home: 0.332020181141,
    rho: 0.124465373858,
  };
  for (let i = 0; i < 4; i++) {
    assertClose(s.attack[i], expected.attack[i], 2e-6, `attack ${SMALL_TEAMS[i]}`);
    assertClose(s.defence[i], expected.defence[i], 2e-6, `defence ${SMALL_TEAMS[i]}`);
  }
  assertClose(free.home, expected.home, 2e-6, 'home');
  assertClose(free.rho, expected.rho, 2e-6, 'rho');
  assert.ok(free.fitInfo.converged);

  const poisson = dixonColesSpec({ ...MLE, fitRho: 0 }).fit(SMALL, 36) as DixonColesModel;
  const sp = strengths(poisson);
  const expP = {
    attack: [0.635859821025, -0.0914846652227, 0.0859997249305, -0.630374880733],
    defence: [0.0380039354012, -0.141144638905, -0.044893180292, -0.11612796671],
    home: 0.340325809957,
  };
  for (let i = 0; i < 4; i++) {
    assertClose(sp.attack[i], expP.attack[i], 2e-6, `poisson attack ${SMALL_TEAMS[i]}`);
    assertClose(sp.defence[i], expP.defence[i], 2e-6, `poisson defence ${SMALL_TEAMS[i]}`);
  }
  assertClose(poisson.home, expP.home, 2e-6, 'poisson home');
  assert.equal(poisson.rho, 0);
});

test('ρ = 0, equal weights, no ridge: the Poisson-GLM score equations hold', () => {
  // At the MLE of a log-link Poisson GLM the fitted totals match the observed totals for every
  // factor: Σλ = home goals, and per team expected scored = scored, expected conceded = conceded.
  const model = dixonColesSpec({ ...MLE, fitRho: 0 }).fit(SMALL, 36) as DixonColesModel;
  let sumLambda = 0;
  let homeGoals = 0;
  const scored = new Map<string, [number, number]>();
  const conceded = new Map<string, [number, number]>();
  const add = (map: Map<string, [number, number]>, t: string, obs: number, exp: number): void => {
    const v = map.get(t) ?? [0, 0];
    map.set(t, [v[0] + obs, v[1] + exp]);
  };
  for (const m of SMALL) {
    const { lambda, mu } = model.rates(m.home, m.away);
    sumLambda += lambda;
    homeGoals += m.homeGoals;
    add(scored, m.home, m.homeGoals, lambda);
    add(scored, m.away, m.awayGoals, mu);
    add(conceded, m.home, m.awayGoals, mu);
    add(conceded, m.away, m.homeGoals, lambda);
  }
  assertClose(sumLambda, homeGoals, 1e-8, 'Σλ');
  for (const t of SMALL_TEAMS) {
    assertClose(scored.get(t)![1], scored.get(t)![0], 1e-8, `${t} scored`);
    assertClose(conceded.get(t)![1], conceded.get(t)![0], 1e-8, `${t} conceded`);
  }
});

test('with time decay and ridge: agrees with numeric.uncmin (finite differences) on a naive likelihood', () => {
  const xi = 0.02;
  const ridge = 0.05;
  const asOf = 40;
  const idx = new Map(SMALL_TEAMS.map((t, i) => [t, i]));
  // Written independently: params [att0..att2, def0..def3, home, rho], att3 = −Σ, ρ used directly.
  const negLogLik = (x: number[]): number => {
    const att = [x[0], x[1], x[2], -(x[0] + x[1] + x[2])];
    const def = [x[3], x[4], x[5], x[6]];
    const [home, rho] = [x[7], x[8]];
    let s = 0;
    for (const m of SMALL) {
      const i = idx.get(m.home)!;
      const j = idx.get(m.away)!;
      const lam = Math.exp(home + att[i] + def[j]);
      const mu = Math.exp(att[j] + def[i]);
      const [a, b] = [m.homeGoals, m.awayGoals];
      const t = a === 0 && b === 0 ? 1 - lam * mu * rho : a === 0 && b === 1 ? 1 + lam * rho : a === 1 && b === 0 ? 1 + mu * rho : a === 1 && b === 1 ? 1 - rho : 1;
      if (!(t > 0)) return Infinity;
      s += Math.exp(-xi * (asOf - m.day)) * (a * Math.log(lam) - lam + b * Math.log(mu) - mu + Math.log(t));
    }
    let pen = 0;
    for (let k = 0; k < 4; k++) pen += att[k] ** 2 + def[k] ** 2;
    return -s + ridge * pen;
  };
  const ref = numeric.uncmin(negLogLik, new Array(9).fill(0), 1e-12, undefined, 5000);
  const model = dixonColesSpec({ xi, ridge, windowDays: 1000, gradientTolerance: 1e-12 }).fit(SMALL, asOf) as DixonColesModel;
  const s = strengths(model);
  const att = [...ref.solution.slice(0, 3), -(ref.solution[0] + ref.solution[1] + ref.solution[2])];
  for (let i = 0; i < 4; i++) {
    assertClose(s.attack[i], att[i], 1e-4, `attack ${SMALL_TEAMS[i]}`);
    assertClose(s.defence[i], ref.solution[3 + i], 1e-4, `defence ${SMALL_TEAMS[i]}`);
  }
  assertClose(model.home, ref.solution[7], 1e-4, 'home');
  assertClose(model.rho, ref.solution[8], 1e-4, 'rho');
});

test('recovers the simulating home effect and ρ = 0 on simulated leagues', () => {
  // Five 8-season leagues (3,040 matches each); the home estimate's standard error is ~0.02 per
  // league, ~0.009 for the mean of five.
  let home = 0;
  let rho = 0;
  const seeds = [100, 101, 102, 103, 104];
  for (const seed of seeds) {
    const league = simulateLeague(seed, 20, 8);
    const model = dixonColesSpec({ xi: 0, windowDays: 1e5 }).fit(league.matches, league.lastDay + 1) as DixonColesModel;
    assert.equal(model.fitInfo.nMatches, 3040);
    home += model.home / seeds.length;
    rho += model.rho / seeds.length;
    // Attack minus defence tracks the truth for the teams with at least two seasons of matches.
    const played = new Map<string, number>();
    for (const m of league.matches) for (const t of [m.home, m.away]) played.set(t, (played.get(t) ?? 0) + 1);
    const teams = model.teams().filter((t) => played.get(t)! >= 76);
    const est = teams.map((t) => model.strength(t).attack - model.strength(t).defence);
    const tru = teams.map((t) => league.truth.get(t)!.attack - league.truth.get(t)!.defence);
    const m1 = est.reduce((a, b) => a + b, 0) / est.length;
    const m2 = tru.reduce((a, b) => a + b, 0) / tru.length;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < est.length; i++) {
      sxy += (est[i] - m1) * (tru[i] - m2);
      sxx += (est[i] - m1) ** 2;
      syy += (tru[i] - m2) ** 2;
    }
    assert.ok(sxy / Math.sqrt(sxx * syy) > 0.9, `seed ${seed}: correlation ${sxy / Math.sqrt(sxx * syy)}`);
  }
  assertClose(home, 0.25, 0.03, 'mean home');
  assertClose(rho, 0, 0.04, 'mean rho');
});

test('predictions: probabilities and grids sum to 1; expected goals are λ and μ', () => {
  const league = simulateLeague(6, 20, 2);
  const model = dixonColesSpec().fit(league.matches, league.lastDay + 1) as DixonColesModel;
  const teams = [...model.teams(), 'Newly Promoted'];
  for (const h of teams) {
    for (const a of teams) {
      if (h === a) continue;
      const p = model.predict(h, a);
      assertClose(p.probabilities.home + p.probabilities.draw + p.probabilities.away, 1, 1e-12, `${h} v ${a}`);
      const { lambda, mu } = model.rates(h, a);
      assert.equal(p.expectedGoals.home, lambda);
      assert.equal(p.expectedGoals.away, mu);
    }
  }
  const [h, a] = model.teams();
  const grid = model.scoreGrid(h, a);
  assert.equal(grid.length, 11);
  assertClose(grid.flat().reduce((x, y) => x + y, 0), 1, 1e-12, 'grid');
  const mk = model.markets(h, a);
  assertClose(mk.over25 + mk.under25, 1, 1e-12, 'O/U');
  assert.deepEqual(mk.probabilities, model.predict(h, a).probabilities);
});

test('unknown teams get the mean attack/defence of the 3 weakest teams', () => {
  const league = simulateLeague(7, 20, 2);
  const model = dixonColesSpec().fit(league.matches, league.lastDay + 1) as DixonColesModel;
  const all = model.teams().map((t) => model.strength(t));
  const weakest = [...all].sort((x, y) => x.attack - x.defence - (y.attack - y.defence)).slice(0, 3);
  const u = model.strength('Newly Promoted');
  assertClose(u.attack, (weakest[0].attack + weakest[1].attack + weakest[2].attack) / 3, 1e-15, 'attack');
  assertClose(u.defence, (weakest[0].defence + weakest[1].defence + weakest[2].defence) / 3, 1e-15, 'defence');
  assert.deepEqual(weakestTeamsPrior(all), { attack: u.attack, defence: u.defence });
  const sumAtt = all.reduce((s, t) => s + t.attack, 0);
  assertClose(sumAtt, 0, 1e-12, 'Σ attack');
});

test('JSON roundtrip predicts identically', () => {
  const league = simulateLeague(8, 20, 2);
  const spec = dixonColesSpec({ xi: 0.003 });
  const model = spec.fit(league.matches, league.lastDay + 1);
  const restored = spec.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.equal(JSON.stringify(restored.toJSON()), JSON.stringify(model.toJSON()));
  assert.deepEqual(restored.teams(), model.teams());
  const [a, b, c] = model.teams();
  for (const [h, w] of [
    [a, b],
    [c, a],
    [a, 'Somewhere Town'],
  ]) {
    assert.deepEqual(restored.predict(h, w), model.predict(h, w));
    assert.deepEqual((restored as DixonColesModel).scoreGrid(h, w), (model as DixonColesModel).scoreGrid(h, w));
  }
  assert.throws(() => spec.fromJSON({ ...model.toJSON(), kind: 'elo' }), /expected kind "dixon-coles"/);
  assert.throws(() => spec.fromJSON({ ...model.toJSON(), teams: [{ team: 'X', attack: 'a', defence: 0 }] }), /teams\[0\]\.attack/);
});

test('determinism: shuffled input gives byte-identical JSON; only the window before asOfDay counts', () => {
  const league = simulateLeague(9, 20, 3);
  const asOf = league.lastDay - 20;
  const spec = dixonColesSpec({ windowDays: 400 });
  const a = JSON.stringify(spec.fit(league.matches, asOf).toJSON());
  const b = JSON.stringify(spec.fit(shuffled(league.matches, mulberry32(1)), asOf).toJSON());
  assert.equal(a, b);
  const inWindow = league.matches.filter((m) => m.day < asOf && m.day >= asOf - 400);
  assert.ok(inWindow.length < league.matches.length);
  assert.equal(JSON.stringify(spec.fit(inWindow, asOf).toJSON()), a);
});

test('warm start: same optimum as a cold start; new teams start at the prior', () => {
  const league = simulateLeague(10, 20, 3);
  const spec = dixonColesSpec();
  const asOf = league.lastDay + 1;
  const cold = spec.fit(league.matches, asOf) as DixonColesModel;
  // The previous fit is from before the last season: it lacks the latest promoted teams.
  const earlier = spec.fit(league.matches, asOf - 300) as DixonColesModel;
  assert.ok(cold.teams().some((t) => !earlier.teams().includes(t)));
  const warm = spec.fit(league.matches, asOf, earlier) as DixonColesModel;
  assert.ok(warm.fitInfo.warmStart && !cold.fitInfo.warmStart);
  for (const h of cold.teams()) {
    for (const a of cold.teams()) {
      if (h === a) continue;
      const p = cold.predict(h, a).probabilities;
      const q = warm.predict(h, a).probabilities;
      assertClose(q.home, p.home, 1e-6, 'home');
      assertClose(q.away, p.away, 1e-6, 'away');
    }
  }
  const again = spec.fit(league.matches, asOf, cold) as DixonColesModel;
  assert.ok(again.fitInfo.iterations <= 2, `${again.fitInfo.iterations} iterations from the optimum`);
  // Another kind of model as `previous` is ignored.
  const fake = { kind: 'elo', predict: () => { throw new Error('unused'); }, teams: () => [], toJSON: () => ({}) };
  assert.equal(JSON.stringify(spec.fit(league.matches, asOf, fake).toJSON()), JSON.stringify(cold.toJSON()));
});

test('bad input and hyper-parameters are rejected', () => {
  assert.throws(() => dixonColesSpec({ xi: -1 }), /need xi ≥ 0/);
  assert.throws(() => dixonColesSpec({ fitRho: 2 }), /fitRho 0 or 1/);
  assert.throws(() => dixonColesSpec({ nope: 1 } as never), /unknown hyper-parameter "nope"/);
  assert.throws(() => dixonColesSpec().fit(SMALL, -5), /no matches/);
  assert.throws(() => dixonColesSpec().fit(SMALL, Number.NaN), /asOfDay must be a finite day number/);
});

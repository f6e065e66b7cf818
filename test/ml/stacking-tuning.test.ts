import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stackedSpec, stackRow, StackedModel } from '../../src/ml/models/stacking.ts';
import { eloSpec, dixonColesSpec } from '../../src/ml/index.ts';
import { tuneAt, historySignature } from '../../src/ml/models/tuning.ts';
import { seasonCutoff } from '../../src/ml/evaluation/seasons.ts';
import { walkForward } from '../../src/ml/evaluation/walk-forward.ts';
import type { TrainingMatch } from '../../src/ml/models/model.ts';
import { simulateLeague } from './league.ts';
import { assertClose } from './prng.ts';

test('stack rows: the inputs’ log-odds, then the price’s (margin removed) and a missing flag', () => {
  const p = { probabilities: { home: 0.5, draw: 0.25, away: 0.25 }, expectedGoals: { home: 1, away: 1 } };
  const r = stackRow([p], { home: 2, draw: 4, away: 4 }, true);
  assertClose(r[0]!, Math.log(2), 1e-12, 'ln pH/pD');
  assertClose(r[1]!, 0, 1e-12, 'ln pA/pD');
  assertClose(r[2]!, Math.log(2), 1e-12, 'market ln pH/pD');
  assert.equal(r[4], 0);
  const missing = stackRow([p], null, true);
  assert.equal(missing[4], 1);
  assertClose(missing[2]!, Math.log(2), 1e-12, 'no price: the inputs stand in');
  assert.throws(() => stackedSpec({ name: 'x', inputs: [eloSpec()], market: true }), /ends in \+market/);
});

test('a market-aware stack with nothing to learn stays at the price (offset, L2 towards it)', () => {
  const league = simulateLeague(9, 12, 6);
  // Prices that are exactly the home/draw/away frequencies of the league: no model can add to them.
  const priced: TrainingMatch[] = league.matches.map((m) => ({ ...m, preOdds: { home: 1 / 0.45, draw: 1 / 0.27, away: 1 / 0.28 } }));
  const spec = stackedSpec({ name: 'elo+market', inputs: [eloSpec()], market: true, hyper: { l2: 1e4 } });
  const last = priced[priced.length - 1]!.day;
  const targets = priced.filter((m) => m.day > last - 200).map((m, i) => ({ id: i, day: m.day, home: m.home, away: m.away, preOdds: m.preOdds }));
  const wf = walkForward(priced, targets, [spec], 7);
  for (const t of targets.slice(0, 20)) {
    const p = wf.predictions['elo+market']!.get(t.id)!.probabilities;
    assertClose(p.home, 0.45, 0.01, 'pH');
    assertClose(p.draw, 0.27, 0.01, 'pD');
  }
  const fit = spec.fit(priced, last + 1) as StackedModel; // the training path walks its input itself
  const restored = spec.fromJSON(JSON.parse(JSON.stringify(fit.toJSON())));
  assert.deepEqual(restored.predict('Team 00', 'Team 01', { preOdds: priced[0]!.preOdds }), fit.predict('Team 00', 'Team 01', { preOdds: priced[0]!.preOdds }));
});

test('tuning reads only the matches before the season cut-off and picks the best walk-forward RPS', () => {
  const league = simulateLeague(21, 12, 9);
  const asOf = league.lastDay - 30;
  const grid = [{ xi: 0.0001 }, { xi: 0.0019 }, { xi: 0.02 }];
  const r = tuneAt(dixonColesSpec, grid, league.matches, asOf, { validationDays: 365, refitDays: 56, minHistoryDays: 300 });
  assert.equal(r.cutoff, seasonCutoff(asOf));
  assert.equal(r.scores.length, 3);
  const best = [...r.scores].sort((a, b) => a.rps - b.rps)[0]!;
  assert.deepEqual(r.chosen, best.hyper);
  // Changing every match on or after the cut-off changes nothing.
  const changed = league.matches.map((m) => (m.day >= r.cutoff ? { ...m, homeGoals: 0, awayGoals: 4 } : m));
  const r2 = tuneAt(dixonColesSpec, grid, changed, asOf, { validationDays: 365, refitDays: 56, minHistoryDays: 300 });
  assert.deepEqual(r2.scores, r.scores);
  assert.equal(historySignature(changed, r.cutoff), historySignature(league.matches, r.cutoff));
  assert.notEqual(historySignature(changed, r.cutoff + 400), historySignature(league.matches, r.cutoff + 400));
  // Too little history before the validation window: the defaults.
  assert.deepEqual(tuneAt(dixonColesSpec, grid, league.matches, league.matches[0]!.day + 400).chosen, {});
});

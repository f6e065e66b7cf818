import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_DEFAULTS, FeatureState, buildFeatureTable, featureNames, leagueTier, type Fixture } from '../../src/ml/features/index.ts';
import { expectedScore } from '../../src/ml/ratings/elo.ts';
import { PiRatings } from '../../src/ml/ratings/pi-ratings.ts';
import type { TrainingMatch } from '../../src/ml/models/model.ts';
import { assertClose } from './prng.ts';

const st = (shots: number, sot: number) => ({ shots, shotsOnTarget: sot });
const E0: TrainingMatch[] = [
  { day: 10, home: 'A', away: 'B', homeGoals: 2, awayGoals: 1, league: 'E0', stats: { home: st(10, 5), away: st(8, 3) } },
  { day: 10, home: 'C', away: 'D', homeGoals: 0, awayGoals: 0, league: 'E0', stats: { home: st(6, 1), away: st(7, 2) } },
];
const E1: TrainingMatch[] = [
  { day: 5, home: 'P', away: 'Q', homeGoals: 3, awayGoals: 0, league: 'E1' },
  { day: 5, home: 'R', away: 'S', homeGoals: 1, awayGoals: 1, league: 'E1' },
];

function vec(v: Float64Array): Record<string, number> {
  const names = featureNames();
  return Object.fromEntries(names.map((n, i) => [n, v[i]!]));
}

test('a hand-checked vector: Elo, pi, form, rest, league averages, newcomers and the pre-match price', () => {
  const fx: Fixture = { day: 14, home: 'A', away: 'C', preOdds: { home: 2, draw: 3.5, away: 4 } };
  const { table } = buildFeatureTable({ matches: E0, fixtures: [fx], league: 'E0' });
  const v = vec(table.get(14, 'A', 'C')!);
  const dA = 20 * 1 * (1 - expectedScore(60)); // A 2-1 B at 1500 v 1500
  const dC = 20 * 1 * (0.5 - expectedScore(60)); // C 0-0 D
  assertClose(v.elo_diff!, (1500 + dA - (1500 + dC)) / 100, 1e-12, 'elo_diff');
  // Newcomers of a day all enter at the prior of the state before that day (here 0, 0).
  const pi = new PiRatings(0.035, 0.7);
  for (const t of ['A', 'B', 'C', 'D']) pi.enter(t, { home: 0, away: 0 });
  pi.update('A', 'B', 2, 1);
  pi.update('C', 'D', 0, 0);
  assertClose(v.pi_gd!, pi.expectedGoalDifference('A', 'C'), 1e-15, 'pi_gd');
  assert.equal(v.form_home_pts_3, 3);
  assert.equal(v.form_home_gf_3, 2);
  assert.equal(v.form_home_ga_3, 1);
  assert.equal(v.form_home_sf_12, 10);
  assert.equal(v.form_home_sa_12, 8);
  assert.equal(v.form_home_sotf_6, 5);
  assert.equal(v.form_home_sota_6, 3);
  assert.equal(v.form_away_pts_3, 1);
  assert.equal(v.form_away_sotf_3, 1);
  assert.equal(v.rest_home, 4);
  assert.equal(v.rest_away, 4);
  // League EWMA (α = 1/200) from 0.35 / 0.26, A-B (+1, not a draw) then C-D (0, a draw).
  const ha = 0.35 + (1 - 0.35) / 200;
  assertClose(v.league_home_adv!, ha + (0 - ha) / 200, 1e-15, 'league_home_adv');
  const dr = 0.26 + (0 - 0.26) / 200;
  assertClose(v.league_draw_rate!, dr + (1 - dr) / 200, 1e-15, 'league_draw_rate');
  assertClose(v.new_home!, 0.9, 1e-15, 'newcomer: one match in the last 400 days');
  // Pre-match price 2 / 3.5 / 4, margin removed proportionally: ln(pH/pD) = ln(0.5/(1/3.5)).
  assertClose(v.mkt_ln_h_d!, Math.log(1.75), 1e-12, 'mkt_ln_h_d');
  assertClose(v.mkt_ln_a_d!, Math.log(0.875), 1e-12, 'mkt_ln_a_d');
  assert.equal(v.mkt_missing, 0);
  // Too few matches for the Dixon-Coles component: neutral values from the league averages.
  assert.equal(v.dc_att_h, 0);
  // Matches of the same day never see each other: A v B on day 10 knows nothing.
  const same = vec(table.get(10, 'A', 'B')!);
  assert.equal(same.elo_diff, 0);
  assert.equal(same.new_home, 1);
  assert.equal(same.mkt_missing, 1);
});

test('promoted-team prior from the previous league: weakest-3 here + ½·(rating there − top-3 there)', () => {
  assert.equal(leagueTier('E0'), 1);
  assert.equal(leagueTier('E1'), 2);
  assert.equal(leagueTier('D1'), 1);
  assert.equal(leagueTier('SP2'), 2);
  const { table } = buildFeatureTable({ matches: E0, fixtures: [{ day: 14, home: 'P', away: 'A' }], otherLeagues: E1, league: 'E0' });
  const v = vec(table.get(14, 'P', 'A')!);
  const e1 = { P: 1500 + 20 * 1.75 * (1 - expectedScore(60)), Q: 0, R: 1500 + 20 * (0.5 - expectedScore(60)), S: 0 };
  e1.Q = 3000 - e1.P;
  e1.S = 3000 - e1.R;
  const top3 = [e1.P, e1.Q, e1.R, e1.S].sort((a, b) => b - a).slice(0, 3);
  const dA = 20 * (1 - expectedScore(60));
  const dC = 20 * (0.5 - expectedScore(60));
  const e0 = [1500 + dA, 1500 - dA, 1500 + dC, 1500 - dC].sort((a, b) => a - b).slice(0, 3);
  const prior = e0.reduce((s, x) => s + x, 0) / 3 + 0.5 * (e1.P - top3.reduce((s, x) => s + x, 0) / 3);
  assertClose(v.elo_diff!, (prior - (1500 + dA)) / 100, 1e-12, 'P enters at the promoted-team prior');
  // Without the other league, the weakest-3 average.
  const plain = vec(buildFeatureTable({ matches: E0, fixtures: [{ day: 14, home: 'P', away: 'A' }], league: 'E0' }).table.get(14, 'P', 'A')!);
  assertClose(plain.elo_diff!, (e0.reduce((s, x) => s + x, 0) / 3 - (1500 + dA)) / 100, 1e-12, 'weakest-3 prior');
});

test('the state round-trips through JSON (read-only) and refuses to look at its own day', () => {
  const s = new FeatureState(FEATURE_DEFAULTS, 'E0');
  s.updateDay(E0);
  const fx = { day: 20, home: 'B', away: 'D', preOdds: null };
  const a = s.vector(fx);
  const restored = FeatureState.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
  assert.deepEqual(Array.from(restored.vector(fx)), Array.from(a));
  assert.throws(() => restored.updateDay([{ ...E0[0]!, day: 30 }]), /read-only/);
  assert.throws(() => s.vector({ day: 10, home: 'A', away: 'C' }), /not after the last result/);
  assert.throws(() => s.updateDay([{ ...E0[0]!, day: 9 }]), /not after the last day/);
});

/** The snapshot's point-in-time feature table: hand-checked values, no look-ahead, deterministic bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFeatures, featureParams, FEATURE_DEFAULTS } from '../../src/lake/snapshot/features.ts';
import { toParquet, type Row } from '../../src/lake/snapshot/parquet.ts';
import { expectedScore } from '../../src/ml/ratings/elo.ts';

let nextId = 1;
function match(date: string, home: string, away: string, hg: number | null, ag: number | null, league = 'L1'): Row {
  return { id: nextId++, league, season: '2020-2021', kickoff_date: date, home_team: home, away_team: away, home_goals: hg, away_goals: ag };
}

const base = (): Row[] => {
  nextId = 1;
  return [
    match('2020-09-01', 'A', 'B', 2, 0),
    match('2020-09-01', 'C', 'D', 1, 1),
    match('2020-09-08', 'A', 'C', 0, 1),
    match('2020-09-08', 'B', 'D', 3, 3),
    match('2020-09-15', 'D', 'A', null, null),
    match('2020-09-01', 'X', 'Y', 1, 0, 'L2'),
  ];
};

const byId = (rows: Row[], id: number) => rows.find((r) => r.match_id === id)!;

test('features: Elo before kick-off, form over past matches only, rest days, label', () => {
  const f = buildFeatures(base()).rows;
  // Day 1: nobody has played.
  for (const id of [1, 2]) {
    const r = byId(f, id);
    assert.equal(r.home_elo, 1500);
    assert.equal(r.away_elo, 1500);
    assert.equal(r.home_played, 0);
    assert.equal(r.home_form_points, null);
    assert.equal(r.home_rest_days, null);
  }
  assert.equal(byId(f, 1).result, 'H');
  assert.equal(byId(f, 2).result, 'D');
  // Day 2: A won 2-0 at home (G = 1.5), C drew at home.
  const dA = 20 * 1.5 * (1 - expectedScore(60));
  const dC = 20 * 1 * (0.5 - expectedScore(60));
  const r3 = byId(f, 3);
  assert.ok(Math.abs((r3.home_elo as number) - (1500 + dA)) < 1e-9);
  assert.ok(Math.abs((r3.away_elo as number) - (1500 + dC)) < 1e-9);
  assert.equal(r3.home_form_points, 3);
  assert.equal(r3.home_form_goals_for, 2);
  assert.equal(r3.away_form_points, 1);
  assert.equal(r3.home_played, 1);
  assert.equal(r3.home_rest_days, 7);
  // A fixture not played yet still gets features, and no label.
  const r5 = byId(f, 5);
  assert.equal(r5.result, null);
  assert.equal(r5.home_played, 2);
  assert.equal(r5.away_form_points, 1.5); // A: win then loss
  assert.equal(r5.home_form_goals_for, 2); // D: 1 then 3
  // Leagues are rated separately.
  assert.equal(byId(f, 6).home_elo, 1500);
  assert.equal(f.length, 6);
});

test('features: no look-ahead — later or same-day results never change a match’s features', () => {
  const f = buildFeatures(base()).rows;
  const changed = base();
  changed[2] = { ...changed[2]!, home_goals: 5, away_goals: 0 }; // day 2, A-C
  const g = buildFeatures(changed).rows;
  for (const id of [1, 2, 3, 4]) assert.deepEqual(byId(g, id), { ...byId(f, id), result: byId(g, id).result }, `match ${id}`);
  assert.notDeepEqual(byId(g, 5), byId(f, 5), 'the later fixture does see it');
});

test('features: the window and Elo constants come from params; bytes are deterministic', () => {
  const p = featureParams({ form_window: 1, elo_k: 40 });
  assert.deepEqual(p, { ...FEATURE_DEFAULTS, formWindow: 1, eloK: 40 });
  const f = buildFeatures(base(), p).rows;
  assert.equal(byId(f, 5).away_form_points, 0, 'only the last match (a loss) with form_window 1');
  assert.throws(() => featureParams({ window: 3 }), /unknown/);
  assert.throws(() => featureParams({ form_window: 0 }), /whole number/);
  const a = toParquet(buildFeatures(base()));
  const b = toParquet(buildFeatures([...base()].reverse()));
  assert.deepEqual(a, b, 'input order does not matter');
});

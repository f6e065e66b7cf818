/**
 * No leakage, as properties: perturbing matches at or after a kick-off day t (results,
 * statistics, prices, other leagues' results) never changes a feature vector or a prediction
 * for a match before t; and prices never reach a results-only model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFeatureTable, modelSpecs, type TrainingMatch } from '../../src/ml/index.ts';
import { walkForward } from '../../src/ml/evaluation/walk-forward.ts';
import { MONDAY_ANCHOR } from '../../src/ml/evaluation/seasons.ts';
import type { BacktestMatch } from '../../src/ml/evaluation/backtest.ts';
import { mulberry32 } from '../ml/prng.ts';
import { bundledMatches, syntheticLeague } from './helpers.ts';

/** A copy of `m` with a random result, statistics and pre-match price. */
function perturb(m: BacktestMatch, rand: () => number): BacktestMatch {
  const g = () => Math.floor(rand() * 6);
  const o = () => 1.2 + rand() * 8;
  return {
    ...m,
    homeGoals: g(),
    awayGoals: g(),
    stats: { home: { shots: g() * 4, shotsOnTarget: g(), corners: null, xg: null }, away: { shots: g() * 4, shotsOnTarget: g(), corners: null, xg: null } },
    preOdds: { home: o(), draw: o(), away: o() },
  };
}

const sameBits = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

test('features: perturbing every match on or after day t (and other leagues after t) never changes a vector before t', () => {
  const e0 = bundledMatches('E0', ['2020-2021', '2021-2022']);
  const e1 = bundledMatches('E1', ['2020-2021', '2021-2022'], 100_000);
  const rand = mulberry32(20240601);
  const base = buildFeatureTable({ matches: e0, otherLeagues: e1, league: 'E0' }).table;
  const days = [...new Set(e0.map((m) => m.day))].sort((a, b) => a - b);
  for (let trial = 0; trial < 6; trial++) {
    const t = days[20 + Math.floor(rand() * (days.length - 40))]!;
    const changed = e0.map((m) => (m.day >= t ? perturb(m, rand) : m));
    const changedOther = e1.map((m) => (m.day >= t ? perturb(m, rand) : m));
    const after = buildFeatureTable({ matches: changed, otherLeagues: changedOther, league: 'E0' }).table;
    let before = 0;
    let laterDiffer = 0;
    for (const m of e0) {
      const a = base.get(m.day, m.home, m.away)!;
      const b = after.get(m.day, m.home, m.away)!;
      if (m.day < t) {
        before++;
        assert.ok(sameBits(a, b), `trial ${trial}: the vector of ${m.home} v ${m.away} on day ${m.day} < t = ${t} changed`);
      } else if (!sameBits(a, b)) laterDiffer++;
    }
    assert.ok(before > 0 && laterDiffer > 0, `trial ${trial}: the property must be exercised (${before} before t, ${laterDiffer} later vectors changed)`);
  }
});

test('predictions: every model (both variants) is unchanged before t when matches on or after t change', { timeout: 600_000 }, () => {
  // Eight simulated seasons, so the in-training tuning (elo K, pi, ξ) and the L2 choices run too.
  const league = syntheticLeague(7, 12, 8);
  const specs = modelSpecs({}, { market: true });
  const seasons = [...new Set(league.map((m) => m.season))].sort();
  const test = league.filter((m) => m.season === seasons[seasons.length - 1]);
  const walked = league.filter((m) => m.season !== seasons[0]);
  const targets = (list: BacktestMatch[]) => list.filter((m) => walked.some((w) => w.id === m.id)).map((m) => ({ id: m.id, day: m.day, home: m.home, away: m.away, preOdds: m.preOdds }));
  const run = (list: BacktestMatch[]) => walkForward(list, targets(list), specs, 7, { anchorDay: MONDAY_ANCHOR, league: 'X1' });
  const base = run(league);
  const rand = mulberry32(99);
  const t = test[Math.floor(test.length / 2)]!.day;
  const changed = league.map((m) => (m.day >= t ? perturb(m, rand) : m));
  const after = run(changed);
  for (const s of specs) {
    let later = 0;
    for (const m of walked) {
      const a = base.predictions[s.name]!.get(m.id)!;
      const b = after.predictions[s.name]!.get(m.id)!;
      if (m.day < t) assert.deepEqual(b, a, `${s.name}: the prediction for ${m.home} v ${m.away} on day ${m.day} < t = ${t} changed`);
      else if (JSON.stringify(a) !== JSON.stringify(b)) later++;
    }
    assert.ok(later > 0, `${s.name}: some prediction on or after t should change (else the test proves nothing)`);
  }
});

test('market isolation: changing every price changes no results-only prediction; market-aware ones do change', { timeout: 600_000 }, () => {
  const league = syntheticLeague(11, 10, 3);
  const specs = modelSpecs({}, { market: true });
  const seasons = [...new Set(league.map((m) => m.season))].sort();
  const walked = league.filter((m) => m.season !== seasons[0]);
  const rand = mulberry32(5);
  const reprice = league.map((m) => ({ ...m, preOdds: { home: 1.1 + rand() * 9, draw: 2 + rand() * 3, away: 1.1 + rand() * 9 } }));
  const run = (list: readonly TrainingMatch[], priced: readonly BacktestMatch[]) =>
    walkForward(list, walked.map((m) => ({ id: m.id, day: m.day, home: m.home, away: m.away, preOdds: priced.find((p) => p.id === m.id)!.preOdds })), specs, 7, { anchorDay: MONDAY_ANCHOR });
  const a = run(league, league);
  const b = run(reprice, reprice);
  for (const s of specs) {
    const differ = walked.filter((m) => JSON.stringify(a.predictions[s.name]!.get(m.id)) !== JSON.stringify(b.predictions[s.name]!.get(m.id))).length;
    if (s.marketAware) assert.ok(differ > 0, `${s.name} should react to the prices`);
    else assert.equal(differ, 0, `${s.name} is results-only but ${differ} of its predictions changed with the prices`);
  }
});

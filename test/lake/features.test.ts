/**
 * The features stage writes THE feature table (src/ml/features/, the one models train on):
 * every row is the vector buildFeatureTable computes for that match, the bytes are
 * deterministic, the params select the configuration, and a later result never changes an
 * earlier row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachEngine } from '../helpers/warehouses.ts';
import { bundled } from '../helpers/football-data.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { buildFeatureTable, FEATURE_DEFAULTS, featureNames } from '../../src/ml/features/index.ts';
import { isoToDay } from '../../src/domain/types.ts';
import { toParquet } from '../../src/lake/snapshot/parquet.ts';
import { matchesByLeague, otherLeaguesOf } from '../../src/stages/backtest.ts';
import { buildFeatureTableOf, featureConfigFromParams } from '../../src/stages/features.ts';

forEachEngine(
  'features stage: the models\' feature vectors, one row per finished match, deterministic, point in time',
  async (wh) => {
    for (const f of ['E0/2021-2022.csv', 'E1/2021-2022.csv']) await loadFootballDataFile(wh, bundled(f));
    const t = await buildFeatureTableOf(wh, FEATURE_DEFAULTS);
    const names = featureNames(FEATURE_DEFAULTS);
    assert.deepEqual(t.columns.map((c) => c.name), ['match_id', 'league', 'season', 'kickoff_date', 'home_team', 'away_team', ...names, 'result']);
    const all = await matchesByLeague(wh);
    assert.equal(t.rows.length, [...all.values()].reduce((s, l) => s + l.length, 0));

    // Each row is exactly the vector the models are fitted on (buildFeatureTable with the other leagues).
    for (const league of ['E0', 'E1']) {
      const { table } = buildFeatureTable({ matches: all.get(league)!, otherLeagues: otherLeaguesOf(all, league), league }, FEATURE_DEFAULTS);
      for (const m of all.get(league)!.filter((_, i) => i % 37 === 0)) {
        const row = t.rows.find((r) => r.match_id === m.id)!;
        assert.equal(row.league, league);
        assert.equal(isoToDay(row.kickoff_date as string), m.day);
        const v = table.get(m.day, m.home, m.away)!;
        names.forEach((n, k) => assert.equal(row[n], Number.isFinite(v[k]!) ? v[k] : null, `${league} ${m.home} v ${m.away}: ${n}`));
        assert.equal(row.result, m.homeGoals > m.awayGoals ? 'H' : m.homeGoals === m.awayGoals ? 'D' : 'A');
      }
    }
    const first = t.rows.find((r) => r.league === 'E0')!;
    assert.equal(first.elo_diff, 0, 'nobody has played before the first day');

    // Deterministic bytes.
    assert.deepEqual(toParquet(await buildFeatureTableOf(wh, FEATURE_DEFAULTS)), toParquet(t));

    // Point in time: changing the last day's results leaves every earlier row as it was.
    const lastDay = Math.max(...all.get('E0')!.map((m) => m.day));
    const iso = t.rows.filter((r) => r.league === 'E0').map((r) => r.kickoff_date as string).sort().at(-1)!;
    assert.equal(isoToDay(iso), lastDay);
    await wh.db.updateTable('matches').set({ home_goals: 9, away_goals: 0 }).where('kickoff_date', '=', iso as never).execute();
    const after = await buildFeatureTableOf(wh, FEATURE_DEFAULTS);
    const earlier = (rows: typeof t.rows) => rows.filter((r) => (r.kickoff_date as string) < iso);
    assert.deepEqual(earlier(after.rows), earlier(t.rows));
    assert.notDeepEqual(after.rows, t.rows, 'the changed results are in their own rows\' labels');

    // Params select the configuration: another Elo K gives other Elo columns, the same rest.
    const k40 = await buildFeatureTableOf(wh, featureConfigFromParams({ elo: { k: 40 } }));
    const day2 = k40.rows.find((r) => r.league === 'E0' && (r.kickoff_date as string) > (first.kickoff_date as string) && r.elo_diff !== 0);
    assert.ok(day2, 'Elo moves after the first day');
    assert.notEqual(day2!.elo_diff, after.rows.find((r) => r.match_id === day2!.match_id)!.elo_diff);
  },
  { timeout: 240_000 },
);

test('features params: any part of the feature configuration over its defaults; unknown or ill-typed values refused', () => {
  assert.deepEqual(featureConfigFromParams({}), FEATURE_DEFAULTS);
  const p = featureConfigFromParams({ elo: { k: 40 }, formWindows: [5] });
  assert.deepEqual(p, { ...FEATURE_DEFAULTS, elo: { ...FEATURE_DEFAULTS.elo, k: 40 }, formWindows: [5] });
  assert.equal(FEATURE_DEFAULTS.elo.k, 20, 'the defaults are not changed');
  assert.throws(() => featureConfigFromParams({ form_window: 3 }), /features\.form_window is unknown; known: elo, pi/);
  assert.throws(() => featureConfigFromParams({ elo: { k: 'x' } }), /features\.elo\.k: expected a number, got "x"/);
  assert.throws(() => featureConfigFromParams({ formWindows: [0] }), /features\.formWindows: expected a non-empty list/);
  assert.throws(() => featureConfigFromParams({ elo: 3 }), /features\.elo: expected a mapping/);
  assert.throws(() => featureConfigFromParams(JSON.parse('{"__proto__": {"k": 1}}') as Record<string, unknown>), /features\.__proto__ is unknown/);
});

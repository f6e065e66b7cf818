/**
 * One feature function, offline and online: the vector a match gets in the offline feature
 * table (training, backtests) is bit-identical to the one the serving path computes for the
 * same fixture — through a model fitted, serialised and restored as an artifact, and through
 * the Predictor of the API on a warehouse-trained champion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildFeatureTable, MARKET_FEATURES, featureNames, softmaxSpec, type SoftmaxModel, type TrainingMatch } from '../../src/ml/index.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { trainAll } from '../../src/stages/train.ts';
import { trainingContext, trainingMatchesByLeague } from '../../src/stages/backtest.ts';
import { teamDirectory } from '../../src/warehouse/queries.ts';
import { Predictor } from '../../src/serve/predictor.ts';
import { bundledMatches } from './helpers.ts';

const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

test('offline table = restored artifact: the same vector (and prediction) for the same match', () => {
  const e0 = bundledMatches('E0', ['2020-2021', '2021-2022', '2022-2023']);
  const e1 = bundledMatches('E1', ['2020-2021', '2021-2022'], 100_000);
  const offline = buildFeatureTable({ matches: e0, otherLeagues: e1, league: 'E0' }).table;
  const names = featureNames();
  const resultsOnly = names.map((n, i) => (MARKET_FEATURES.includes(n) ? -1 : i)).filter((i) => i >= 0);
  // Results-only training data, as the training path reads it (statistics, no prices).
  const plain = (list: typeof e0): TrainingMatch[] => list.map((m) => ({ day: m.day, home: m.home, away: m.away, homeGoals: m.homeGoals, awayGoals: m.awayGoals, league: m.league, stats: m.stats }));
  const picks = [400, 611, 760, 905, 1100].map((i) => e0[i]!);
  for (const market of [false, true]) {
    const spec = softmaxSpec({ market });
    for (const m of picks) {
      const history = market ? e0 : plain(e0);
      const fit = spec.fit(history.filter((x) => x.day < m.day), m.day, undefined, { league: 'E0', otherLeagues: e1 });
      const restored = spec.fromJSON(JSON.parse(JSON.stringify(fit.toJSON()))) as SoftmaxModel;
      const online = restored.features(m.home, m.away, { day: m.day, preOdds: m.preOdds });
      const row = offline.get(m.day, m.home, m.away)!;
      if (market) assert.ok(sameBits(online, row), `${spec.name}: ${m.home} v ${m.away} on day ${m.day}: online and offline vectors differ`);
      else assert.ok(sameBits(resultsOnly.map((i) => online[i]!), resultsOnly.map((i) => row[i]!)), `${spec.name}: ${m.home} v ${m.away}: results-only features differ`);
      // The same model fitted on the offline table predicts the same.
      const viaTable = spec.fit(history.filter((x) => x.day < m.day), m.day, undefined, { features: offline, league: 'E0', otherLeagues: e1 });
      const p1 = restored.predict(m.home, m.away, { day: m.day, preOdds: m.preOdds });
      const p2 = viaTable.predict(m.home, m.away, { day: m.day, preOdds: m.preOdds, features: market ? row : Float64Array.from(online) });
      assert.deepEqual(p1, p2, `${spec.name}: predictions of the table fit and the served fit differ`);
    }
  }
});

test('offline table = the API Predictor on a warehouse-trained softmax champion', { timeout: 300_000 }, async () => {
  const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
  try {
    for (const f of ['E0/2021-2022.csv', 'E0/2022-2023.csv', 'E1/2021-2022.csv']) await loadFootballDataFile(wh, path.join('data/football-data', f));
    const spec = softmaxSpec();
    const [artifact] = await trainAll(wh, [spec], {});
    const { aliases } = await teamDirectory(wh.db);
    const predictor = new Predictor(JSON.parse(JSON.stringify(artifact)), 1, [spec], aliases);
    const byLeague = await trainingMatchesByLeague(wh);
    const e0 = byLeague.get('E0')!;
    const asOfDay = artifact!.leagues.E0!.asOfDay;
    const fixtures = [
      { day: asOfDay, home: 'Arsenal', away: 'Chelsea' },
      { day: asOfDay + 4, home: 'Fulham', away: 'Burnley' }, // Burnley last played E0 in 2021-22
      { day: asOfDay + 10, home: 'Brighton', away: 'Liverpool' },
    ];
    const offline = buildFeatureTable({ matches: e0, fixtures, ...trainingContext(byLeague, 'E0') }).table;
    for (const fx of fixtures) {
      const online = predictor.features({ league: 'E0', ...fx })!;
      assert.ok(online, 'the softmax champion exposes its features');
      assert.ok(sameBits(online, offline.get(fx.day, fx.home, fx.away)!), `${fx.home} v ${fx.away} on day ${fx.day}: the served vector differs from the offline one`);
      const p = predictor.predict({ league: 'E0', ...fx }).prediction.probabilities;
      assert.ok(Math.abs(p.home + p.draw + p.away - 1) < 1e-12);
    }
  } finally {
    await wh.close();
  }
});

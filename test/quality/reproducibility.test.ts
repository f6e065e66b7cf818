/**
 * Reproducibility: the same data, configuration and seed give byte-identical model artifacts
 * and metrics (the models use no clock and no unseeded randomness; every input is ordered).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { modelSpecs, softmaxSpec, eloSpec } from '../../src/ml/index.ts';
import { runLeagueBacktest } from '../../src/ml/evaluation/backtest.ts';
import { qualityReport } from '../../src/ml/evaluation/quality.ts';
import { serialiseArtifact } from '../../src/registry/artifact.ts';
import { stableJson as stableStringify } from '../../src/domain/stable-json.ts';
import { openWarehouse } from '../../src/warehouse/db.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { trainAll } from '../../src/stages/train.ts';
import { syntheticLeague } from './helpers.ts';

test('same seed and configuration: byte-identical fits of every model and identical backtest metrics', { timeout: 600_000 }, () => {
  const run = () => {
    const league = syntheticLeague(42, 10, 7); // regenerated from the seed each time
    const specs = modelSpecs({}, { market: true }); // fresh specs: no shared caches
    const asOf = league[league.length - 1]!.day + 1;
    const artifacts = specs.map((s) => stableStringify(s.fit(league, asOf, undefined, { league: 'X1' }).toJSON()));
    const seasons = [...new Set(league.map((m) => m.season))].sort();
    const r = runLeagueBacktest({ league: 'X1', matches: league, testSeasons: seasons.slice(-2), specs, refitDays: 7 });
    return { artifacts, metrics: stableStringify(qualityReport(r.records, specs.map((s) => s.name))) };
  };
  const a = run();
  const b = run();
  assert.equal(a.artifacts.length, 14);
  a.artifacts.forEach((x, i) => assert.equal(b.artifacts[i], x, `artifact ${i} differs between two identical runs`));
  assert.equal(b.metrics, a.metrics);
});

test('same warehouse data: byte-identical artifacts from two separate loads and trainings', { timeout: 300_000 }, async () => {
  const train = async () => {
    const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
    try {
      for (const f of ['E0/2021-2022.csv', 'E0/2022-2023.csv']) await loadFootballDataFile(wh, path.join('data/football-data', f));
      return (await trainAll(wh, [eloSpec(), softmaxSpec()], {})).map((x) => serialiseArtifact(x));
    } finally {
      await wh.close();
    }
  };
  const a = await train();
  const b = await train();
  assert.deepEqual(b.map((x) => x.sha256), a.map((x) => x.sha256));
});

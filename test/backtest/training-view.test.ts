import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWarehouse } from '../../src/warehouse/db.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { matchesByLeague, trainingMatchesByLeague, trainingView } from '../../src/stages/backtest.ts';
import { trainAll } from '../../src/stages/train.ts';
import { serialiseArtifact } from '../../src/registry/artifact.ts';
import { selectModelSpecs } from '../../src/ml/index.ts';
import { bundled } from '../helpers/football-data.ts';

test('training on the matches evaluation read gives the same artifact as reading them again, and sees no prices', async () => {
  const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
  try {
    for (const f of ['E0/2021-2022.csv', 'E0/2022-2023.csv', 'D1/2022-2023.csv']) await loadFootballDataFile(wh, bundled(f));
    const view = trainingView(await matchesByLeague(wh));
    assert.deepEqual(view, await trainingMatchesByLeague(wh));
    for (const list of view.values()) for (const m of list) assert.ok(!('prices' in m) && !('preOdds' in m), 'a training match carries no market data');
    const specs = selectModelSpecs(['elo', 'dixon-coles'], {}, { tune: false });
    const reread = (await trainAll(wh, specs, {})).map((a) => serialiseArtifact(a).sha256);
    const reused = (await trainAll(wh, specs, {}, { matches: view })).map((a) => serialiseArtifact(a).sha256);
    assert.deepEqual(reused, reread);
  } finally {
    await wh.close();
  }
});

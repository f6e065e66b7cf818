import assert from 'node:assert/strict';
import { forEachEngine } from '../helpers/warehouses.ts';
import { bundled } from '../helpers/football-data.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { modelMatches, oddsFor } from '../../src/warehouse/queries.ts';
import { MARKET_PRICE_KEYS, marketForecast, pinnaclePreMatch, preMatchPrice } from '../../src/ml/market/market.ts';

forEachEngine('model matches carry exactly the prices the market forecast reads', async (wh) => {
  await loadFootballDataFile(wh, bundled('E0/2022-2023.csv'));
  const rows = await modelMatches(wh.db, 'E0');
  assert.equal(rows.length, 380);
  const all = await oddsFor(wh.db, rows.map((r) => r.id));
  const wanted = new Set(MARKET_PRICE_KEYS.map((k) => `${k.bookmaker}|${k.kind}`));
  for (const r of rows) {
    const stored = all.filter((o) => o.matchId === r.id);
    // Every stored price of a market key, and nothing else, with its values intact.
    assert.deepEqual(
      r.prices.map((p) => `${p.bookmaker}|${p.kind}|${p.home}|${p.draw}|${p.away}`).sort(),
      stored.filter((o) => wanted.has(`${o.bookmaker}|${o.kind}`)).map((p) => `${p.bookmaker}|${p.kind}|${p.home}|${p.draw}|${p.away}`).sort(),
    );
    assert.ok(stored.length > r.prices.length, 'other bookmakers are stored but not read');
    assert.deepEqual(marketForecast(r.prices), marketForecast(stored));
    assert.deepEqual(preMatchPrice(r.prices), preMatchPrice(stored));
    assert.deepEqual(pinnaclePreMatch(r.prices), pinnaclePreMatch(stored));
  }
  assert.deepEqual(await modelMatches(wh.db, 'E0', { prices: false }).then((x) => x.every((r) => r.prices.length === 0)), true);
});

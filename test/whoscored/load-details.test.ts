import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture } from './helpers/server.ts';
import { engines, openTestWarehouse } from './helpers/warehouse.ts';
import { parseMatchCentre } from '../../src/ingest/whoscored/parse-match.ts';
import { loadMatchDetails } from '../../src/ingest/whoscored/load-details.ts';
import { wsDb } from '../../src/ingest/whoscored/schema.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';

for (const engine of engines()) {
  test(`a re-parsed match centre replaces its team statistics and lineups [${engine}]`, async () => {
    const tw = await openTestWarehouse('details', engine);
    try {
      await loadFootballDataFile(tw.wh, 'data/football-data/E0/2020-2021.csv');
      const { id } = await tw.wh.db.selectFrom('matches').select('id').orderBy('id').executeTakeFirstOrThrow();
      const m = parseMatchCentre(fixture('1485184_burnley-man-utd_epl-2020-21_matchCentreData.json').toString('utf8'), { matchId: 1485184 });
      const db = wsDb(tw.wh.db);
      await db.transaction().execute((trx) => loadMatchDetails(trx, id, m));
      const player = m.players[0]!;
      const changed = {
        ...m,
        stats: { ...m.stats, home: { ...m.stats.home, shots: m.stats.home.shots + 5, xgProxy: 9.5 } },
        players: m.players.map((p) => (p.playerId === player.playerId ? { ...p, shirtNo: 99, starter: !p.starter } : p)),
      };
      await db.transaction().execute((trx) => loadMatchDetails(trx, id, changed));
      const home = await db.selectFrom('whoscored_team_stats').selectAll().where('match_id', '=', id).where('side', '=', 'home').executeTakeFirstOrThrow();
      assert.equal(home.shots, m.stats.home.shots + 5);
      assert.equal(Number(home.xg_proxy), 9.5);
      assert.equal(home.passes, m.stats.home.passes, 'the other columns keep their values');
      const row = await db.selectFrom('whoscored_lineups').selectAll().where('match_id', '=', id).where('player_id', '=', player.playerId).executeTakeFirstOrThrow();
      assert.equal(row.shirt_no, 99);
      assert.equal(row.starter, !player.starter);
      const n = await db.selectFrom('whoscored_lineups').select((eb) => eb.fn.countAll<number>().as('n')).where('match_id', '=', id).executeTakeFirstOrThrow();
      assert.equal(Number(n.n), new Set(m.players.map((p) => p.playerId)).size);
    } finally {
      await tw.cleanup();
    }
  });
}

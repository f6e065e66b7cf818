/**
 * Hostile CSV cells: each is refused with a message naming file, line and column, through the
 * real loader on every engine, and the warehouse is left as it was.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { errorText } from '../../src/ingest/football-data/error-text.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { editRow, readBundled, tempDir, writeFile } from '../helpers/football-data.ts';
import { forEachEngine } from '../helpers/warehouses.ts';

const tmp = tempDir();
const REL = 'E0/2022-2023.csv';
const real = readBundled(REL);

/** Counts and the stored Pinnacle prices: what must not change when a load is refused. */
async function snapshot(wh: Warehouse) {
  const { rows } = await sql<Record<string, unknown>>`select
    (select count(*) from matches)::int as matches,
    (select count(*) from match_stats)::int as stats,
    (select count(*) from odds)::int as odds,
    (select count(*) from odds_totals)::int as totals,
    (select string_agg(home::text || '/' || draw::text || '/' || away::text, ',' order by match_id, bookmaker, kind)
       from odds) as prices,
    (select string_agg(home_goals::text || '-' || away_goals::text, ',' order by id) from matches) as scores`.execute(wh.db);
  return rows[0];
}

/** Load the real file, then a copy edited on line 2; the copy must be refused with `message`. */
async function refused(wh: Warehouse, name: string, edited: string, message: string) {
  const good = writeFile(tmp, `good-${name}/${REL}`, real);
  await loadFootballDataFile(wh, good, { label: REL });
  const before = await snapshot(wh);
  const bad = writeFile(tmp, `bad-${name}/${REL}`, edited);
  await assert.rejects(loadFootballDataFile(wh, bad, { label: REL }), (e: Error) => {
    assert.equal(e.message, message);
    return true;
  });
  assert.deepEqual(await snapshot(wh), before);
}

forEachEngine('a NUL byte in a cell names file, line and column', async (wh) => {
  await refused(wh, 'nul', editRow(real, 2, { Referee: 'A Tay\u0000lor' }), `${REL}: line 2, column Referee: expected text without NUL bytes, found "A Tay\\u0000lor"`);
});

forEachEngine('goals above 30 are refused naming file, line and column', async (wh) => {
  await refused(wh, 'goals', editRow(real, 2, { FTHG: '31', FTR: 'H' }), `${REL}: line 2, column FTHG: expected a whole number of goals (at most 30), found "31"`);
});

forEachEngine('an integer beyond int4 is refused naming file, line and column', async (wh) => {
  await refused(wh, 'int4', editRow(real, 2, { HS: '99999999999' }), `${REL}: line 2, column HS: expected a whole number or blank (at most 2147483647), found "99999999999"`);
  await refused(wh, 'goals-huge', editRow(real, 2, { FTAG: '99999999999', FTR: 'A' }), `${REL}: line 2, column FTAG: expected a whole number of goals (at most 30), found "99999999999"`);
});

forEachEngine('a negative price is refused instead of deleting the stored price', async (wh) => {
  await refused(wh, 'negative', editRow(real, 2, { PSH: '-2.5' }), `${REL}: line 2, column PSH: expected a decimal price (above 1; 0 to 1 or blank for none), not a negative number, found "-2.5"`);
});

forEachEngine('a zero price where a real one is stored is refused instead of deleting it', async (wh) => {
  await refused(wh, 'zero', editRow(real, 2, { PSH: '0' }), `${REL}: line 2, column PSH: expected a decimal price above 1: this match has a stored pinnacle pre price, which "no price" (0 to 1) would delete, found "0"`);
});

forEachEngine('a zero price on a first load is the archive\'s "no price": the row loads without that price', async (wh) => {
  const file = writeFile(tmp, `zero-first/${REL}`, editRow(real, 2, { PSH: '0' }));
  const r = await loadFootballDataFile(wh, file, { label: REL });
  assert.equal(r.status, 'loaded');
  const { rows } = await sql<{ matches: number; pinnacle: number }>`select (select count(*) from matches)::int as matches,
    (select count(*) from odds where bookmaker = 'pinnacle' and kind = 'pre')::int as pinnacle`.execute(wh.db);
  assert.equal(rows[0]!.matches, 380);
  assert.equal(rows[0]!.pinnacle, 379, 'every match but the edited one has its Pinnacle pre-match price');
});

test('errorText never gives [object Object]', () => {
  assert.equal(errorText(new Error('boom')), 'boom');
  assert.equal(errorText('plain'), 'plain');
  assert.equal(errorText({ message: 'from pg' }), 'from pg');
  assert.equal(errorText({ code: 'XX000' }), '{"code":"XX000"}');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(errorText(cyclic), 'a thrown Object without a message');
  assert.equal(errorText({}), 'a thrown Object without a message');
  for (const v of [{}, cyclic, { a: 1 }, Object.create(null), 42, null, undefined]) assert.doesNotMatch(errorText(v), /\[object Object\]/);
});

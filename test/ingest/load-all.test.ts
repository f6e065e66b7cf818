/**
 * Every bundled CSV into a fresh warehouse: the whole-dataset check, and the load time
 * (printed as a test diagnostic; on an idle 2-core box about 13 s on in-memory PGlite, 8 s on
 * PostgreSQL; several times that when the machine is busy).
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadFootballDataFolder } from '../../src/ingest/football-data/load.ts';
import { FOOTBALL_DATA_DIR } from '../helpers/football-data.ts';
import { forEachEngine } from '../helpers/warehouses.ts';

forEachEngine('loads every bundled CSV; a second pass skips them all', async (wh, engine, t) => {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const first = await loadFootballDataFolder(wh, FOOTBALL_DATA_DIR);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // wall time depends on what else the machine runs; this process's CPU time (which for PGlite
  // includes the database's work) does much less
  t.diagnostic(
    `${engine}: ${first.length} files, ${first.reduce((n, r) => n + r.rows, 0)} matches loaded in ${(ms / 1000).toFixed(1)} s ` +
      `(this process: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU)`,
  );
  assert.equal(first.length, 69);
  assert.ok(first.every((r) => r.status === 'loaded' && r.updated === 0 && r.unchanged === 0 && r.inserted === r.rows));
  const { rows } = await sql<Record<string, number>>`select
    (select count(*) from competitions)::int as competitions,
    (select count(*) from seasons)::int as seasons,
    (select count(*) from teams)::int as teams,
    (select count(*) from matches)::int as matches,
    (select count(*) from match_stats)::int as stats,
    (select count(*) from odds)::int as odds,
    (select count(*) from odds_totals)::int as totals,
    (select count(*) from odds where bookmaker = 'pinnacle' and kind = 'closing')::int as pinnacle_closing,
    (select count(*) from ingestion_runs where status = 'success')::int as runs`.execute(wh.db);
  assert.deepEqual(rows[0], {
    competitions: 6,
    seasons: 69,
    teams: 184,
    matches: 26557,
    stats: 53108,
    odds: 342442,
    totals: 130003,
    pinnacle_closing: 22753,
    runs: 69,
  });
  const second = await loadFootballDataFolder(wh, FOOTBALL_DATA_DIR);
  assert.ok(second.every((r) => r.status === 'unchanged'));
  assert.equal(second.reduce((n, r) => n + r.rows, 0), 26557);
}, { timeout: 300_000 });

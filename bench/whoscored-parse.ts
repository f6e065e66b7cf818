/**
 * WhoScored benchmark: median parse time of the saved match-centre page (target ≤ 30 ms) and
 * records per second loaded into the warehouse (PGlite in memory, or DATABASE_URL if set).
 *   node --import tsx bench/whoscored-parse.ts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { openWarehouse } from '../src/warehouse/db.ts';
import { parseFixtures } from '../src/ingest/whoscored/parse-listings.ts';
import { parseMatchCentre } from '../src/ingest/whoscored/parse-match.ts';
import { loadFixtures, loadMatchCentre } from '../src/ingest/whoscored/load.ts';
import { wsDb } from '../src/ingest/whoscored/schema.ts';

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/whoscored');
const read = (f: string) => readFileSync(path.join(FIX, f));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeIt(runs: number, fn: () => void): number[] {
  for (let i = 0; i < 5; i++) fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const page = gunzipSync(read('1650630_barcelona-rayo-vallecano_laliga-2022-23_live.html.gz')).toString('utf8');
const json = read('1485184_burnley-man-utd_epl-2020-21_matchCentreData.json').toString('utf8');
const RUNS = 40;
const tPage = timeIt(RUNS, () => parseMatchCentre(page));
const tJson = timeIt(RUNS, () => parseMatchCentre(json, { matchId: 1485184 }));
console.log(`whoscored parse: saved match-centre page (${(page.length / 1e6).toFixed(2)} MB, JS literal + ${parseMatchCentre(page).eventCount} events → records): median ${median(tPage).toFixed(1)} ms over ${RUNS} runs (target ≤ 30 ms) ${median(tPage) <= 30 ? 'OK' : 'SLOW'}`);
console.log(`whoscored parse: matchCentreData JSON (${(json.length / 1e6).toFixed(2)} MB): median ${median(tJson).toFixed(1)} ms`);

const target = process.env.DATABASE_URL ? ({ engine: 'postgres', url: process.env.DATABASE_URL } as const) : ({ engine: 'pglite', dir: 'memory' } as const);
const wh = await openWarehouse(target);
try {
  const db = wsDb(wh.db);
  const months = ['2020-09', '2020-10', '2020-11', '2020-12', '2021-01', '2021-02', '2021-03', '2021-04', '2021-05'];
  const lists = months.map((m) => parseFixtures(read(`ENG-Premier_League_2020-21_stage18685_${m}.json`).toString('utf8')));
  let t0 = performance.now();
  let n = 0;
  for (const l of lists) n += (await loadFixtures(db, l)).inserted;
  const insertS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  for (const l of lists) await loadFixtures(db, l);
  const reloadS = (performance.now() - t0) / 1000;
  const m = parseMatchCentre(json, { matchId: 1485184 });
  const perMatch = 1 + 2 * 2 + m.players.length + m.formations.length; // match, 2+2 stats rows, lineups, formations
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await loadMatchCentre(db, m);
    times.push(performance.now() - t);
  }
  console.log(`whoscored load (${wh.engine}): ${n} fixtures inserted in ${insertS.toFixed(2)} s = ${Math.round(n / insertS)} records/s; reloaded (idempotent, unchanged) at ${Math.round(n / reloadS)} records/s`);
  console.log(`whoscored load (${wh.engine}): match centre = ${perMatch} rows, median ${median(times).toFixed(0)} ms = ${Math.round(perMatch / (median(times) / 1000))} records/s`);
} finally {
  await wh.close();
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import {
  decodeCsv,
  expectationFromPath,
  loadFootballDataFile,
  loadFootballDataFolder,
} from '../../src/ingest/football-data/load.ts';
import { CsvFormatError, parseFootballDataCsv } from '../../src/ingest/football-data/parse.ts';
import { resolveTeams, seedAliases } from '../../src/ingest/teams.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { bundled, editRow, lastRowLine, readBundled, tempDir, writeFile } from '../helpers/football-data.ts';
import { forEachEngine } from '../helpers/warehouses.ts';

const tmp = tempDir();
const E0_2223 = bundled('E0/2022-2023.csv');
const realText = readBundled('E0/2022-2023.csv');
const parsedReal = parseFootballDataCsv(realText, 'E0/2022-2023.csv');

async function counts(wh: Warehouse) {
  const { rows } = await sql<Record<string, number>>`select
    (select count(*) from competitions)::int as competitions,
    (select count(*) from seasons)::int as seasons,
    (select count(*) from teams)::int as teams,
    (select count(*) from team_aliases)::int as aliases,
    (select count(*) from matches)::int as matches,
    (select count(*) from match_stats)::int as stats,
    (select count(*) from odds)::int as odds,
    (select count(*) from odds_totals)::int as totals`.execute(wh.db);
  return rows[0];
}

/** updated_at of every match, by id, as epoch ms. */
async function updatedAt(wh: Warehouse): Promise<Map<number, number>> {
  const rows = await wh.db.selectFrom('matches').select(['id', 'updated_at']).execute();
  return new Map(rows.map((r) => [r.id, new Date(r.updated_at).getTime()]));
}

async function matchByNames(wh: Warehouse, home: string, away: string, season = '2022-2023') {
  const ids = await resolveTeams(wh.db, [home, away], 'test');
  return wh.db
    .selectFrom('matches')
    .innerJoin('seasons', 'seasons.id', 'matches.season_id')
    .selectAll('matches')
    .where('seasons.name', '=', season)
    .where('home_team_id', '=', ids.get(home)!)
    .where('away_team_id', '=', ids.get(away)!)
    .executeTakeFirstOrThrow();
}

async function oddsOf(wh: Warehouse, matchId: number) {
  return wh.db.selectFrom('odds').selectAll().where('match_id', '=', matchId).orderBy(['bookmaker', 'kind']).execute();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('expectationFromPath', () => {
  assert.deepEqual(expectationFromPath('/x/data/football-data/E0/2022-2023.csv'), { league: 'E0', season: '2022-2023' });
  assert.deepEqual(expectationFromPath('SP1/2015-2016.csv'), { league: 'SP1', season: '2015-2016' });
  assert.equal(expectationFromPath('/x/E0_2223.csv'), undefined);
  assert.equal(expectationFromPath('/x/DATA/2022-2023.csv'), undefined);
  assert.equal(expectationFromPath('/x/E0/2022-2024.csv'), undefined);
});

forEachEngine('loads a real file: competition, season, teams, matches, stats, odds, totals', async (wh) => {
  const r = await loadFootballDataFile(wh, E0_2223);
  assert.equal(r.status, 'loaded');
  assert.deepEqual([r.league, r.season, r.rows, r.inserted, r.updated, r.unchanged], ['E0', '2022-2023', 380, 380, 0, 0]);
  assert.match(r.checksum, /^8442792d3b614c94[0-9a-f]{48}$/); // PROVENANCE.md sha256 prefix
  const c = await counts(wh);
  assert.deepEqual(c, {
    competitions: 1,
    seasons: 1,
    teams: 20,
    aliases: 20,
    matches: 380,
    stats: 760,
    odds: parsedReal.matches.reduce((n, m) => n + m.odds.length, 0),
    totals: parsedReal.matches.reduce((n, m) => n + m.totals.length, 0),
  });
  const comp = await wh.db.selectFrom('competitions').selectAll().executeTakeFirstOrThrow();
  assert.deepEqual([comp.code, comp.name, comp.country], ['E0', 'Premier League', 'England']);

  const m = await matchByNames(wh, 'Man United', 'Liverpool');
  assert.deepEqual(
    [m.kickoff_date, m.kickoff_time, m.home_goals, m.away_goals, m.home_goals_ht, m.away_goals_ht, m.referee, m.status],
    ['2022-08-22', '20:00', 2, 1, 1, 0, 'M Oliver', 'finished'],
  );
  assert.deepEqual(m.source_ids, { 'football-data': 'E0/2022-2023/2022-08-22/Man United/Liverpool' });
  assert.equal(m.ingestion_run_id, r.runId);
  const pin = (await oddsOf(wh, m.id)).find((o) => o.bookmaker === 'pinnacle' && o.kind === 'closing');
  assert.deepEqual(pin && [pin.home, pin.draw, pin.away], [4.65, 4.5, 1.7]);
  const ou = await wh.db.selectFrom('odds_totals').selectAll().where('match_id', '=', m.id).where('bookmaker', '=', 'pinnacle').orderBy('kind').execute();
  assert.deepEqual(ou.map((o) => [o.kind, o.line, o.over, o.under]), [['closing', 2.5, 1.54, 2.61], ['pre', 2.5, 1.52, 2.65]]);
  const st = await wh.db.selectFrom('match_stats').selectAll().where('match_id', '=', m.id).orderBy('side', 'desc').execute();
  assert.deepEqual(st.map((s) => [s.side, s.shots, s.shots_on_target, s.corners, s.fouls, s.yellow_cards, s.red_cards]), [
    ['home', 12, 4, 6, 11, 3, 0],
    ['away', 17, 5, 8, 7, 1, 0],
  ]);
  const run = await wh.db.selectFrom('ingestion_runs').selectAll().where('id', '=', r.runId).executeTakeFirstOrThrow();
  assert.deepEqual([run.source, run.status, run.rows_read, run.inserted, run.updated, run.unchanged, run.checksum], [
    'football-data', 'success', 380, 380, 0, 0, r.checksum,
  ]);
  assert.ok(run.finished_at);
});

forEachEngine('loading the same file twice changes nothing', async (wh) => {
  const first = await loadFootballDataFile(wh, E0_2223);
  const before = await counts(wh);
  const stamps = await updatedAt(wh);
  await sleep(20);
  const second = await loadFootballDataFile(wh, E0_2223);
  assert.equal(second.status, 'unchanged');
  assert.deepEqual([second.inserted, second.updated, second.unchanged, second.rows], [0, 0, 380, 380]);
  assert.equal(second.runId, first.runId);
  assert.equal(second.checksum, first.checksum);
  assert.deepEqual(await counts(wh), before);
  assert.deepEqual(await updatedAt(wh), stamps);
  const runs = await wh.db.selectFrom('ingestion_runs').select('status').execute();
  assert.deepEqual(runs.map((r) => r.status), ['success']);
});

forEachEngine('same content, different bytes (LF copy of a CRLF file): compared row by row, all unchanged', async (wh) => {
  await loadFootballDataFile(wh, E0_2223);
  const stamps = await updatedAt(wh);
  const before = await counts(wh);
  await sleep(20);
  const lf = writeFile(tmp, 'lf/E0/2022-2023.csv', realText.replace(/\r\n/g, '\n'));
  const r = await loadFootballDataFile(wh, lf);
  assert.equal(r.status, 'loaded');
  assert.deepEqual([r.inserted, r.updated, r.unchanged], [0, 0, 380]);
  assert.deepEqual(await updatedAt(wh), stamps);
  assert.deepEqual(await counts(wh), before);
});

forEachEngine('a corrected file (one score and one price changed) updates exactly that row', async (wh) => {
  await loadFootballDataFile(wh, E0_2223);
  const stamps = await updatedAt(wh);
  const target = await matchByNames(wh, 'Man United', 'Liverpool');
  await sleep(20);
  // line 31: Man United 2-1 Liverpool → 3-1, Pinnacle closing home 4.65 → 4.75
  const corrected = writeFile(tmp, 'corrected/E0/2022-2023.csv', editRow(realText, 31, { FTHG: '3', PSCH: '4.75' }));
  const r = await loadFootballDataFile(wh, corrected);
  assert.deepEqual([r.status, r.inserted, r.updated, r.unchanged], ['loaded', 0, 1, 379]);
  const after = await updatedAt(wh);
  const changed = [...after].filter(([id, t]) => stamps.get(id) !== t).map(([id]) => id);
  assert.deepEqual(changed, [target.id]);
  const m = await matchByNames(wh, 'Man United', 'Liverpool');
  assert.deepEqual([m.id, m.home_goals, m.away_goals], [target.id, 3, 1]);
  assert.equal(m.ingestion_run_id, r.runId);
  const pin = (await oddsOf(wh, m.id)).find((o) => o.bookmaker === 'pinnacle' && o.kind === 'closing')!;
  assert.deepEqual([pin.home, pin.draw, pin.away], [4.75, 4.5, 1.7]);
  assert.equal((await counts(wh)).matches, 380);
});

forEachEngine('a corrected file that removes a price removes it from the warehouse', async (wh) => {
  await loadFootballDataFile(wh, E0_2223);
  const before = await counts(wh);
  const removed = writeFile(tmp, 'removed/E0/2022-2023.csv', editRow(realText, 31, { PSCH: '', 'B365C>2.5': '' }));
  const r = await loadFootballDataFile(wh, removed);
  assert.deepEqual([r.inserted, r.updated, r.unchanged], [0, 1, 379]);
  const m = await matchByNames(wh, 'Man United', 'Liverpool');
  const odds = await oddsOf(wh, m.id);
  assert.ok(!odds.some((o) => o.bookmaker === 'pinnacle' && o.kind === 'closing'));
  assert.ok(odds.some((o) => o.bookmaker === 'pinnacle' && o.kind === 'pre'));
  const after = await counts(wh);
  assert.equal(after.odds, before.odds - 1);
  assert.equal(after.totals, before.totals - 1);
  // and the original file puts them back
  const back = await loadFootballDataFile(wh, E0_2223, { force: true });
  assert.deepEqual([back.inserted, back.updated, back.unchanged], [0, 1, 379]);
  assert.deepEqual(await counts(wh), before);
});

forEachEngine('a malformed file (error in the LAST row) writes nothing and names file, line and column', async (wh) => {
  const last = lastRowLine(realText);
  const broken = writeFile(tmp, 'broken/E0/2022-2023.csv', editRow(realText, last, { FTAG: 'two' }));
  await assert.rejects(loadFootballDataFile(wh, broken), (e: unknown) => {
    assert.ok(e instanceof CsvFormatError);
    assert.equal(e.line, 381);
    assert.equal(e.column, 'FTAG');
    assert.ok(e.message.includes(broken), e.message);
    assert.match(e.message, /line 381, column FTAG: expected a whole number of goals, found "two"/);
    return true;
  });
  assert.deepEqual(await counts(wh), { competitions: 0, seasons: 0, teams: 0, aliases: 0, matches: 0, stats: 0, odds: 0, totals: 0 });
  // the failure is recorded (outside the data transaction) and does not block a later good load
  const runs = await wh.db.selectFrom('ingestion_runs').selectAll().execute();
  assert.equal(runs.length, 1);
  assert.equal(runs[0].status, 'failed');
  assert.match(runs[0].error ?? '', /line 381, column FTAG/);
  const ok = await loadFootballDataFile(wh, E0_2223);
  assert.equal(ok.inserted, 380);
});

forEachEngine('an error found inside the transaction rolls back everything written before it', async (wh) => {
  // Last row rewritten as "Manchester United v Liverpool": a different spelling, so the parser
  // accepts it, but after team resolution it is the same fixture as line 31. Competition, season,
  // teams and the run row were already written in the transaction when this is detected.
  const last = lastRowLine(realText);
  const text = editRow(realText, last, { HomeTeam: 'Manchester United', AwayTeam: 'Liverpool' });
  const file = writeFile(tmp, 'twin/E0/2022-2023.csv', text);
  await assert.rejects(loadFootballDataFile(wh, file, { recordFailures: false }), (e: unknown) => {
    assert.ok(e instanceof CsvFormatError);
    assert.equal(e.line, last);
    assert.equal(e.column, 'HomeTeam');
    assert.match(e.message, /same fixture as Man United v Liverpool on line 31/);
    return true;
  });
  assert.deepEqual(await counts(wh), { competitions: 0, seasons: 0, teams: 0, aliases: 0, matches: 0, stats: 0, odds: 0, totals: 0 });
  assert.equal((await wh.db.selectFrom('ingestion_runs').selectAll().execute()).length, 0);
});

forEachEngine('a file whose Div or season contradicts its path is refused', async (wh) => {
  const mislabelled = writeFile(tmp, 'mislabelled/E1/2022-2023.csv', realText);
  await assert.rejects(loadFootballDataFile(wh, mislabelled), /line 2, column Div: expected division "E1" \(from the file's path\), found "E0"/);
  const wrongSeason = writeFile(tmp, 'mislabelled/E0/2021-2022.csv', realText);
  await assert.rejects(loadFootballDataFile(wh, wrongSeason), /column Date: expected season 2021-2022/);
  // the check can be switched off
  const r = await loadFootballDataFile(wh, mislabelled, { expect: false });
  assert.equal(r.league, 'E0');
  assert.equal((await counts(wh)).matches, 380);
});

forEachEngine('one team across seasons and leagues gets one id; aliases resolve to it', async (wh) => {
  // Leeds, Leicester and Southampton: E0 2021-22 and 2022-23, then E1 2023-24
  const results = [];
  for (const f of ['E0/2021-2022.csv', 'E0/2022-2023.csv', 'E1/2023-2024.csv']) results.push(await loadFootballDataFile(wh, bundled(f)));
  assert.deepEqual(results.map((r) => r.inserted), [380, 380, 552]);
  const names = new Set<string>();
  for (const f of ['E0/2021-2022.csv', 'E0/2022-2023.csv', 'E1/2023-2024.csv']) {
    for (const m of parseFootballDataCsv(readBundled(f), f).matches) names.add(m.home);
  }
  const c = await counts(wh);
  assert.equal(c.teams, names.size);
  assert.equal(c.competitions, 2);
  assert.equal(c.seasons, 3);
  const { rows } = await sql<{ name: string; competitions: number; seasons: number }>`
    select t.name, count(distinct m.competition_id)::int as competitions, count(distinct m.season_id)::int as seasons
    from teams t join matches m on m.home_team_id = t.id
    where t.name in ('Leeds', 'Leicester', 'Southampton') group by t.name order by t.name`.execute(wh.db);
  assert.deepEqual(rows, [
    { name: 'Leeds', competitions: 2, seasons: 3 },
    { name: 'Leicester', competitions: 2, seasons: 3 },
    { name: 'Southampton', competitions: 2, seasons: 3 },
  ]);
  const ids = await resolveTeams(wh.db, ['Leicester City', 'Leicester', 'Leeds United FC', 'Leeds'], 'test');
  assert.equal(ids.get('Leicester City'), ids.get('Leicester'));
  assert.equal(ids.get('Leeds United FC'), ids.get('Leeds'));
  assert.equal((await counts(wh)).teams, names.size); // no team created by the aliases
});

forEachEngine('seeded aliases first: the file\'s spellings resolve to the seeded clubs', async (wh) => {
  await seedAliases(wh.db);
  const teamsBefore = (await counts(wh)).teams;
  const ids = await resolveTeams(wh.db, ['Manchester United', 'Manchester City'], 'test');
  await loadFootballDataFile(wh, E0_2223);
  assert.equal((await counts(wh)).teams, teamsBefore); // every EPL club was already seeded
  const m = await matchByNames(wh, 'Man United', 'Man City');
  assert.equal(m.home_team_id, ids.get('Manchester United'));
  assert.equal(m.away_team_id, ids.get('Manchester City'));
});

forEachEngine('loads a folder recursively in path order, with progress; a second pass is all unchanged', async (wh) => {
  const dir = path.join(tmp, 'folder');
  writeFile(dir, 'b/deeper/E0/2022-2023.csv', realText);
  writeFile(dir, 'a/I1/2015-2016.csv', readBundled('I1/2015-2016.csv'));
  writeFile(dir, 'a/notes.txt', 'not a csv');
  writeFile(dir, 'loose-D1-2024.CSV', readFileSync(bundled('D1/2024-2025.csv'), 'utf8'));
  const progress: [number, number, string][] = [];
  const results = await loadFootballDataFolder(wh, dir, { onProgress: (d, t, f) => progress.push([d, t, path.relative(dir, f)]) });
  assert.deepEqual(progress, [
    [1, 3, 'a/I1/2015-2016.csv'],
    [2, 3, 'b/deeper/E0/2022-2023.csv'],
    [3, 3, 'loose-D1-2024.CSV'],
  ]);
  assert.deepEqual(results.map((r) => [r.status, r.league, r.season, r.inserted]), [
    ['loaded', 'I1', '2015-2016', 380],
    ['loaded', 'E0', '2022-2023', 380],
    ['loaded', 'D1', '2024-2025', 306],
  ]);
  const again = await loadFootballDataFolder(wh, dir);
  assert.deepEqual(again.map((r) => [r.status, r.inserted, r.updated, r.rows]), [
    ['unchanged', 0, 0, 380],
    ['unchanged', 0, 0, 380],
    ['unchanged', 0, 0, 306],
  ]);
  assert.equal((await counts(wh)).matches, 1066);
});

test('decodeCsv: UTF-8 (BOM kept for the parser) or, failing that, Windows-1252', () => {
  assert.equal(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x44])), '\uFEFFD');
  assert.equal(decodeCsv(Buffer.from('Köln', 'utf8')), 'Köln');
  assert.equal(decodeCsv(new Uint8Array([0x4b, 0xf6, 0x6c, 0x6e])), 'Köln'); // 0xF6 = ö in Windows-1252
});

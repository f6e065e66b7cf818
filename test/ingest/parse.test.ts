import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  CsvFormatError,
  parseFootballDataCsv,
  parseFootballDataDate,
  seasonOfDate,
  type ParsedMatch,
} from '../../src/ingest/football-data/parse.ts';
import { listCsvFiles } from '../../src/ingest/football-data/load.ts';
import { bundled, editRow, FOOTBALL_DATA_DIR, lastRowLine, readBundled, replaceLine } from '../helpers/football-data.ts';

const parseBundled = (rel: string) => parseFootballDataCsv(readBundled(rel), rel);
const find = (ms: ParsedMatch[], home: string, away: string) => {
  const m = ms.find((x) => x.home === home && x.away === away);
  assert.ok(m, `${home} v ${away} not found`);
  return m;
};
const odds = (m: ParsedMatch, bookmaker: string, kind: 'pre' | 'closing') =>
  m.odds.find((o) => o.bookmaker === bookmaker && o.kind === kind);
const totals = (m: ParsedMatch, bookmaker: string, kind: 'pre' | 'closing') =>
  m.totals.find((o) => o.bookmaker === bookmaker && o.kind === kind);

/** Assert `fn` throws a CsvFormatError naming file, line and column. */
function assertCsvError(fn: () => unknown, file: string, line: number, column: string | RegExp, expected?: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CsvFormatError, `expected CsvFormatError, got ${e}`);
    assert.equal(e.file, file);
    assert.equal(e.line, line, e.message);
    if (typeof column === 'string') assert.equal(e.column, column, e.message);
    else assert.match(e.column ?? '', column, e.message);
    assert.ok(e.message.includes(file), e.message);
    assert.ok(e.message.includes(`line ${line}`), e.message);
    if (e.column !== null) assert.ok(e.message.includes(`column ${e.column}`), e.message);
    if (expected) assert.match(e.message, expected);
    return true;
  });
}

test('every bundled file parses, with the Div and season its path says', async () => {
  const files = await listCsvFiles(FOOTBALL_DATA_DIR);
  assert.equal(files.length, 69);
  let total = 0;
  for (const f of files) {
    const rel = f.slice(FOOTBALL_DATA_DIR.length + 1);
    const p = parseFootballDataCsv(readFileSync(f, 'utf8'), rel);
    const [div, name] = rel.split('/');
    assert.equal(p.league, div, rel);
    assert.equal(`${p.season}.csv`, name, rel);
    for (const m of p.matches) {
      // within the season (COVID-resumed 2019-20 seasons ran into late July / August 2020)
      const start = Number(p.season.slice(0, 4));
      assert.ok(m.date >= `${start}-07-01` && m.date <= `${start + 1}-08-31`, `${rel}:${m.line} ${m.date}`);
      for (const o of m.odds) assert.ok(o.home > 1 && o.draw > 1 && o.away > 1, `${rel}:${m.line}`);
    }
    total += p.matches.length;
  }
  assert.equal(total, 26557); // PROVENANCE.md row counts
});

test('a real match: score, stats, referee, kick-off and Pinnacle odds (E0 2022-23, CRLF, dd/mm/yyyy)', () => {
  const p = parseBundled('E0/2022-2023.csv');
  assert.equal(p.league, 'E0');
  assert.equal(p.season, '2022-2023');
  assert.equal(p.matches.length, 380);
  const m = find(p.matches, 'Man United', 'Liverpool');
  assert.equal(m.line, 31);
  assert.equal(m.date, '2022-08-22');
  assert.equal(m.time, '20:00');
  assert.deepEqual([m.fthg, m.ftag, m.hthg, m.htag], [2, 1, 1, 0]);
  assert.equal(m.referee, 'M Oliver');
  assert.deepEqual(m.stats.home, { shots: 12, shotsOnTarget: 4, corners: 6, fouls: 11, yellow: 3, red: 0 });
  assert.deepEqual(m.stats.away, { shots: 17, shotsOnTarget: 5, corners: 8, fouls: 7, yellow: 1, red: 0 });
  assert.deepEqual(odds(m, 'pinnacle', 'pre'), { bookmaker: 'pinnacle', kind: 'pre', home: 5.39, draw: 4.35, away: 1.64 });
  assert.deepEqual(odds(m, 'pinnacle', 'closing'), { bookmaker: 'pinnacle', kind: 'closing', home: 4.65, draw: 4.5, away: 1.7 });
  assert.deepEqual(totals(m, 'pinnacle', 'pre'), { bookmaker: 'pinnacle', kind: 'pre', line: 2.5, over: 1.52, under: 2.65 });
  assert.deepEqual(totals(m, 'pinnacle', 'closing'), { bookmaker: 'pinnacle', kind: 'closing', line: 2.5, over: 1.54, under: 2.61 });
  // 2019-20 onwards: 8 pre-match and 8 closing 1X2 triples, 4 + 4 over/under pairs
  assert.deepEqual(
    m.odds.map((o) => `${o.bookmaker}/${o.kind}`).sort(),
    ['bet365', 'betwin', 'interwetten', 'market-avg', 'market-max', 'pinnacle', 'vcbet', 'williamhill']
      .flatMap((b) => [`${b}/closing`, `${b}/pre`])
      .sort(),
  );
  assert.equal(m.totals.length, 8);
});

test('UTF-8 BOM (2024-25 files): stripped, Div read, new bookmakers 1XB / BF / BFE mapped', () => {
  const bytes = readFileSync(bundled('D1/2024-2025.csv'));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const p = parseBundled('D1/2024-2025.csv');
  assert.equal(p.columns[0], 'Div');
  assert.equal(p.league, 'D1');
  assert.equal(p.season, '2024-2025');
  assert.equal(p.matches.length, 306);
  const m = p.matches[0];
  assert.deepEqual([m.line, m.date, m.time, m.home, m.away, m.fthg, m.ftag], [2, '2024-08-23', '19:30', "M'gladbach", 'Leverkusen', 2, 3]);
  assert.deepEqual(odds(m, 'pinnacle', 'closing'), { bookmaker: 'pinnacle', kind: 'closing', home: 4.94, draw: 4.38, away: 1.67 });
  assert.deepEqual(odds(m, '1xbet', 'pre'), { bookmaker: '1xbet', kind: 'pre', home: 5.39, draw: 4.78, away: 1.61 });
  assert.deepEqual(odds(m, 'betfair', 'pre'), { bookmaker: 'betfair', kind: 'pre', home: 5, draw: 4.5, away: 1.6 });
  assert.deepEqual(odds(m, 'betfair-exchange', 'pre'), { bookmaker: 'betfair-exchange', kind: 'pre', home: 5.7, draw: 4.7, away: 1.63 });
  assert.deepEqual(totals(m, 'betfair-exchange', 'pre'), { bookmaker: 'betfair-exchange', kind: 'pre', line: 2.5, over: 1.53, under: 2.86 });
  assert.equal(odds(m, 'interwetten', 'pre'), undefined); // IW dropped in 2024-25
  assert.equal(m.referee, null); // no Referee column outside England
  // With or without the BOM: same records.
  assert.deepEqual(parseFootballDataCsv(readBundled('D1/2024-2025.csv').replace(/^\uFEFF/, ''), 'D1/2024-2025.csv'), p);
});

test('CRLF and LF files both parse, and CRLF → LF changes nothing', () => {
  const crlf = readBundled('E0/2015-2016.csv');
  const lf = readBundled('E0/2021-2022.csv');
  assert.ok(crlf.includes('\r\n'));
  assert.ok(!lf.includes('\r'));
  for (const [rel, text] of [['E0/2015-2016.csv', crlf], ['E0/2021-2022.csv', lf]] as const) {
    const p = parseFootballDataCsv(text, rel);
    assert.equal(p.matches.length, 380);
    assert.ok(!p.columns.some((c) => c.includes('\r')));
    for (const m of p.matches) assert.ok(![m.home, m.away, m.referee ?? ''].some((s) => s.includes('\r')));
    assert.deepEqual(parseFootballDataCsv(text.replace(/\r\n/g, '\n'), rel), parseFootballDataCsv(text, rel));
    assert.deepEqual(parseFootballDataCsv(text.replace(/\r?\n/g, '\r\n'), rel), parseFootballDataCsv(text, rel));
  }
  // last column of a CRLF file (no \r glued to it): PSCA of the last row
  const last = parseFootballDataCsv(crlf, 'E0/2015-2016.csv').matches.at(-1)!;
  assert.ok(odds(last, 'pinnacle', 'closing'));
});

test('dd/mm/yy (E0 2016-17) and dd/mm/yyyy (E0 2017-18) dates', () => {
  const yy = parseBundled('E0/2016-2017.csv');
  assert.equal(yy.season, '2016-2017');
  const first = yy.matches[0];
  assert.deepEqual([first.date, first.home, first.away, first.fthg, first.ftag], ['2016-08-13', 'Burnley', 'Swansea', 0, 1]);
  const lastM = yy.matches.at(-1)!;
  assert.deepEqual([lastM.date, lastM.home, lastM.away], ['2017-05-21', 'Watford', 'Man City']);
  const yyyy = parseBundled('E0/2017-2018.csv');
  const m = yyyy.matches[0];
  assert.deepEqual([m.date, m.home, m.away, m.fthg, m.ftag], ['2017-08-11', 'Arsenal', 'Leicester', 4, 3]);
  assert.deepEqual(odds(m, 'pinnacle', 'closing'), { bookmaker: 'pinnacle', kind: 'closing', home: 1.49, draw: 4.73, away: 7.25 });
  // day first, always
  assert.equal(parseFootballDataDate('03/04/2024'), '2024-04-03');
  assert.equal(parseFootballDataDate('03/04/24'), '2024-04-03');
  assert.equal(parseFootballDataDate('31/12/99'), '1999-12-31');
  assert.equal(parseFootballDataDate('31/02/2020'), null);
  assert.equal(parseFootballDataDate('2020-02-01'), null);
  assert.equal(seasonOfDate('2019-08-09'), '2019-2020');
  assert.equal(seasonOfDate('2020-06-01'), '2020-2021');
  assert.equal(seasonOfDate('2021-05-31'), '2020-2021');
});

test('trailing all-comma row is skipped (I1 and F1 2015-16)', () => {
  for (const [rel, home, away, score, close] of [
    ['I1/2015-2016.csv', 'Udinese', 'Carpi', [1, 2], [2.08, 3.79, 3.61]],
    ['F1/2015-2016.csv', 'Troyes', 'Marseille', [1, 1], [4.85, 4.45, 1.7]],
  ] as const) {
    const text = readBundled(rel);
    assert.match(text, /\n,{20,}\r?\n?$/);
    const p = parseFootballDataCsv(text, rel);
    assert.equal(p.matches.length, 380);
    const m = p.matches.at(-1)!;
    assert.deepEqual([m.home, m.away, m.fthg, m.ftag, m.date], [home, away, ...score, rel.startsWith('I1') ? '2016-05-15' : '2016-05-14']);
    const c = odds(m, 'pinnacle', 'closing')!;
    assert.deepEqual([c.home, c.draw, c.away], close);
  }
});

test('columns change between seasons: read by name (E0 2005-06 vs 2012-13 vs 2019-20)', () => {
  const old = parseBundled('E0/2005-2006.csv');
  assert.ok(!old.columns.includes('Time') && old.columns.includes('BbMxH') && !old.columns.includes('PSH'));
  const m = old.matches[0];
  assert.deepEqual([m.date, m.home, m.away, m.fthg, m.ftag, m.time, m.referee], ['2005-08-13', 'Aston Villa', 'Bolton', 2, 2, null, 'M Riley']);
  assert.deepEqual(odds(m, 'market-max', 'pre'), { bookmaker: 'market-max', kind: 'pre', home: 2.4, draw: 3.3, away: 3.4 });
  assert.deepEqual(odds(m, 'gamebookers', 'pre')?.home, 2.25);
  assert.deepEqual(totals(m, 'market-max', 'pre'), { bookmaker: 'market-max', kind: 'pre', line: 2.5, over: 2.2, under: 1.87 });
  assert.deepEqual(totals(m, 'market-avg', 'pre'), { bookmaker: 'market-avg', kind: 'pre', line: 2.5, over: 2.01, under: 1.7 });
  assert.equal(odds(m, 'pinnacle', 'pre'), undefined);
  assert.ok(old.matches.every((x) => !x.odds.some((o) => o.kind === 'closing')));

  const noRef = parseBundled('E0/2012-2013.csv');
  assert.ok(!noRef.columns.includes('Referee'));
  assert.ok(noRef.matches.every((x) => x.referee === null));
  assert.ok(noRef.matches.every((x) => odds(x, 'pinnacle', 'pre') && !odds(x, 'pinnacle', 'closing')));

  const modern = parseBundled('E0/2019-2020.csv');
  assert.ok(modern.columns.includes('Time') && modern.columns.includes('MaxH') && !modern.columns.includes('BbMxH'));
  assert.ok(modern.matches.every((x) => /^\d\d:\d\d$/.test(x.time ?? '')));
  assert.ok(modern.matches.every((x) => odds(x, 'market-max', 'pre') && odds(x, 'market-max', 'closing')));
  assert.equal(modern.matches.at(-1)!.date, '2020-07-26'); // resumed after the COVID break
});

test('blank and zero prices: the bookmaker triple is left out, the others kept', () => {
  // E0 2014-15 line 45: QPR v Stoke, PSH/PSD/PSA blank
  const p = parseBundled('E0/2014-2015.csv');
  const m = find(p.matches, 'QPR', 'Stoke');
  assert.equal(m.line, 45);
  assert.deepEqual([m.date, m.fthg, m.ftag], ['2014-09-20', 2, 2]);
  assert.equal(odds(m, 'pinnacle', 'pre'), undefined);
  assert.equal(odds(m, 'bet365', 'pre')?.home, 2.8);
  assert.equal(p.matches.filter((x) => odds(x, 'pinnacle', 'pre')).length, 379);
  // E1 2020-21: PSC* blank in 2 rows
  const e1 = parseBundled('E1/2020-2021.csv');
  assert.equal(e1.matches.filter((x) => odds(x, 'pinnacle', 'closing')).length, 550);
  assert.equal(odds(find(e1.matches, 'Watford', 'Wycombe'), 'pinnacle', 'closing'), undefined);
  assert.equal(odds(find(e1.matches, 'Watford', 'Wycombe'), 'pinnacle', 'pre')?.home, 1.37);
  // E1 2018-19 line 348: B365H is 0 (not a price)
  const z = find(parseBundled('E1/2018-2019.csv').matches, 'Brentford', 'Blackburn');
  assert.equal(z.line, 348);
  assert.equal(odds(z, 'bet365', 'pre'), undefined);
  assert.ok(odds(z, 'pinnacle', 'pre'));
});

// ---- malformed files: small broken copies of a real file ----

const REL = 'E0/2022-2023.csv';
const real = readBundled(REL);

test('a row with fewer fields than the header names the first missing column', () => {
  const text = replaceLine(real, 31, real.split('\n')[30].replace(/\r$/, '').split(',').slice(0, 40).join(','));
  const header = real.split('\n')[0].replace(/\r$/, '').split(',');
  assertCsvError(() => parseFootballDataCsv(text, REL), REL, 31, header[40], /fields as in the header/);
});

test('a row with more fields than the header', () => {
  const text = replaceLine(real, 10, real.split('\n')[9].replace(/\r$/, '') + ',1.5');
  assertCsvError(() => parseFootballDataCsv(text, REL), REL, 10, /^field \d+/, /fields as in the header/);
});

test('an unparseable date', () => {
  assertCsvError(() => parseFootballDataCsv(editRow(real, 5, { Date: '31/02/2022' }), REL), REL, 5, 'Date', /dd\/mm\/yy/);
  assertCsvError(() => parseFootballDataCsv(editRow(real, 6, { Date: '2022-08-06' }), REL), REL, 6, 'Date');
});

test('non-integer goals, FTR disagreeing with the goals, a bad half-time score', () => {
  assertCsvError(() => parseFootballDataCsv(editRow(real, 7, { FTHG: 'x' }), REL), REL, 7, 'FTHG', /whole number/);
  assertCsvError(() => parseFootballDataCsv(editRow(real, 7, { FTAG: '1.5' }), REL), REL, 7, 'FTAG');
  assertCsvError(() => parseFootballDataCsv(editRow(real, 8, { FTAG: '' }), REL), REL, 8, 'FTAG');
  assertCsvError(() => parseFootballDataCsv(editRow(real, 31, { FTR: 'A' }), REL), REL, 31, 'FTR', /"H" for a 2-1 score/);
  assertCsvError(() => parseFootballDataCsv(editRow(real, 31, { HTHG: '-1' }), REL), REL, 31, 'HTHG');
});

test('a price that is not a number', () => {
  assertCsvError(() => parseFootballDataCsv(editRow(real, 31, { PSCH: '4,65' }), REL), REL, 31, /^field|PSCH/);
  assertCsvError(() => parseFootballDataCsv(editRow(real, 31, { PSCH: 'n/a' }), REL), REL, 31, 'PSCH', /decimal price/);
  assertCsvError(() => parseFootballDataCsv(editRow(real, 20, { 'B365>2.5': 'abc' }), REL), REL, 20, 'B365>2.5');
});

test('a missing required column, a Div change, a duplicated fixture, a bad kick-off time', () => {
  const noFthg = real.replace(/^Div,Date,Time,HomeTeam,AwayTeam,FTHG,/, 'Div,Date,Time,HomeTeam,AwayTeam,FTHGX,');
  assertCsvError(() => parseFootballDataCsv(noFthg, REL), REL, 1, 'FTHG', /"FTHG" column/);
  const last = lastRowLine(real);
  assertCsvError(() => parseFootballDataCsv(editRow(real, last, { Div: 'E1' }), REL), REL, last, 'Div', /"E0"/);
  const dup = editRow(real, 40, { HomeTeam: 'Man United', AwayTeam: 'Liverpool' });
  assertCsvError(() => parseFootballDataCsv(dup, REL), REL, 40, 'HomeTeam', /already on line 31/);
  assertCsvError(() => parseFootballDataCsv(editRow(real, 12, { Time: '25:00' }), REL), REL, 12, 'Time');
  assertCsvError(() => parseFootballDataCsv(editRow(real, 12, { AwayTeam: 'Arsenal', HomeTeam: 'Arsenal' }), REL), REL, 12, 'AwayTeam');
});

test('structural CSV errors (csv-parse) keep the line: an unclosed quote', () => {
  const text = editRow(real, 50, { Referee: '"A Taylor' });
  assert.throws(
    () => parseFootballDataCsv(text, REL),
    (e: unknown) => e instanceof CsvFormatError && e.file === REL && e.line >= 50 && /well-formed CSV/.test(e.message) && e.message.includes(REL),
  );
  const text2 = editRow(real, 50, { Referee: 'A "Taylor"' });
  assertCsvError(() => parseFootballDataCsv(text2, REL), REL, 50, 'Referee', /INVALID_OPENING_QUOTE|well-formed/);
});

test('a file with only a header, or nothing', () => {
  assertCsvError(() => parseFootballDataCsv(real.split('\n')[0] + '\n', REL), REL, 2, /.*/, /at least one match row/);
  assert.throws(() => parseFootballDataCsv('', REL), CsvFormatError);
});

test('alternate column spellings: PH/PD/PA is Pinnacle; Max wins over BbMx when a file has both', () => {
  const text = [
    'Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,PH,PD,PA,MaxH,MaxD,MaxA,BbMxH,BbMxD,BbMxA,PSCH,PSCD,PSCA',
    'X1,01/08/2021,Alpha,Beta,1,0,H,2.1,3.2,3.9,2.2,3.4,4.1,9,9,9,2.05,3.3,4.0',
  ].join('\n');
  const [m] = parseFootballDataCsv(text, 'x.csv').matches;
  assert.deepEqual(odds(m, 'pinnacle', 'pre'), { bookmaker: 'pinnacle', kind: 'pre', home: 2.1, draw: 3.2, away: 3.9 });
  assert.deepEqual(odds(m, 'market-max', 'pre'), { bookmaker: 'market-max', kind: 'pre', home: 2.2, draw: 3.4, away: 4.1 });
  assert.deepEqual(odds(m, 'pinnacle', 'closing'), { bookmaker: 'pinnacle', kind: 'closing', home: 2.05, draw: 3.3, away: 4 });
  assert.deepEqual([m.time, m.referee, m.hthg, m.stats.home.shots], [null, null, null, null]);
});

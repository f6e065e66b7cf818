/** The pure parsers on the real WhoScored samples (test/fixtures/whoscored, see PROVENANCE.md). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { detectKind } from '../../src/ingest/whoscored/detect.ts';
import { WhoScoredLayoutError } from '../../src/ingest/whoscored/extract.ts';
import { findLeague, isCurrentSeason, normaliseSeason } from '../../src/ingest/whoscored/leagues.ts';
import { parseCalendar, parseFixtures, parseRegions, parseTournamentPage } from '../../src/ingest/whoscored/parse-listings.ts';
import { parseMatchCentre } from '../../src/ingest/whoscored/parse-match.ts';
import { parsePreview } from '../../src/ingest/whoscored/parse-preview.ts';
import { parseWhoScoredFile } from '../../src/ingest/whoscored/parse-file.ts';
import { planMatchPages } from '../../src/ingest/whoscored/crawl-plan.ts';
import { shotXg } from '../../src/ingest/whoscored/team-stats.ts';
import { kindFromUrl, wsUrl } from '../../src/ingest/whoscored/urls.ts';
import { FIXTURES, fixture } from './helpers/server.ts';

const txt = (name: string) => fixture(name).toString('utf8');
const MONTHS = ['2020-09', '2020-10', '2020-11', '2020-12', '2021-01', '2021-02', '2021-03', '2021-04', '2021-05'];
const BURNLEY_JSON = '1485184_burnley-man-utd_epl-2020-21_matchCentreData.json';
const LALIGA_PAGE = () => gunzipSync(fixture('1650630_barcelona-rayo-vallecano_laliga-2022-23_live.html.gz')).toString('utf8');

describe('listings', () => {
  test('monthly fixtures: all 380 Premier League 2020/21 matches, finished, with WhoScored ids and names', () => {
    const all = MONTHS.flatMap((m) => parseFixtures(txt(`ENG-Premier_League_2020-21_stage18685_${m}.json`)));
    assert.equal(all.length, 380);
    assert.equal(new Set(all.map((f) => f.whoscoredId)).size, 380);
    assert.ok(all.every((f) => f.status === 'finished' && f.season === '2020-2021' && f.stageId === 18685 && f.homeGoals !== null));
    const teams = new Set(all.map((f) => f.homeName));
    assert.equal(teams.size, 20);
    const b = all.find((f) => f.whoscoredId === 1485184)!;
    assert.deepEqual(
      [b.date, b.time, b.homeName, b.awayName, b.homeGoals, b.awayGoals, b.homeTeamId, b.awayTeamId, b.regionId, b.tournamentId, b.wsSeasonId],
      ['2021-01-12', '20:15', 'Burnley', 'Manchester United', 0, 1, 184, 32, 252, 2, 8228],
    );
    const goals = all.reduce((s, f) => s + f.homeGoals! + f.awayGoals!, 0);
    assert.equal(goals, 1024, 'Premier League 2020/21 had 1024 goals');
  });

  test('calendar: the saved mask JSON and the wsCalendar in the stage page agree (months 1-12)', () => {
    const fromJson = parseCalendar(txt('ENG-Premier_League_2020-21_stage18685_calendar-mask.json'));
    const page = parseTournamentPage(txt('ENG-Premier_League_2020-21_stage18685_tournament-page.html'));
    assert.deepEqual(fromJson.months, MONTHS.map((m) => ({ year: Number(m.slice(0, 4)), month: Number(m.slice(5)) })));
    assert.deepEqual(page.calendar?.months, fromJson.months);
    assert.equal(fromJson.stageId, 18685);
  });

  test('tournament page: seasons selector, Fixtures link (default stage)', () => {
    const p = parseTournamentPage(txt('ENG-Premier_League_2020-21_stage18685_tournament-page.html'));
    assert.equal(p.regionId, 252);
    assert.equal(p.tournamentId, 2);
    assert.equal(p.seasonId, 8228);
    assert.equal(p.fixturesStageId, 18685);
    assert.deepEqual(p.seasons.slice(0, 2).map((s) => [s.seasonId, s.name]), [[10743, '2025/2026'], [10316, '2024/2025']]);
    assert.equal(p.seasons.find((s) => s.name === '2020/2021')?.seasonId, 8228);
  });

  test('regions: tiers.json and the allRegions variable of a page', () => {
    const fromJson = parseRegions(txt('tiers.json'));
    assert.equal(fromJson.length, 114);
    const england = fromJson.find((r) => r.regionId === 252)!;
    assert.equal(england.name, 'England');
    assert.equal(england.tournaments.find((t) => t.name === 'Premier League')?.tournamentId, 2);
    const fromPage = parseRegions(txt('ENG-Premier_League_2020-21_stage18685_tournament-page.html'));
    assert.equal(fromPage.find((r) => r.regionId === 252)?.tournaments.find((t) => t.tournamentId === 7)?.name, 'Championship');
  });
});

describe('match centre', () => {
  const check = (m: ReturnType<typeof parseMatchCentre>) => {
    assert.deepEqual([m.whoscoredId, m.date, m.time, m.status, m.home.name, m.away.name, m.htScore, m.ftScore], [1485184, '2021-01-12', '20:15', 'finished', 'Burnley', 'Man Utd', [0, 0], [0, 1]]);
    // The football-data.co.uk row for this match: HS 11, AS 13, HST 0, AST 7, HF 15, AF 13, HC 3, AC 4, HY 1, AY 2.
    const { home, away } = m.stats;
    assert.deepEqual([home.shots, away.shots, home.shotsOnTarget, away.shotsOnTarget], [11, 13, 0, 7]);
    assert.deepEqual([home.fouls, away.fouls, home.corners, away.corners, home.yellowCards, away.yellowCards, home.redCards, away.redCards], [15, 13, 3, 4, 1, 2, 0, 0]);
    // WhoScored's own totals in the same file: passesTotal 334/566, passesAccurate 220/475, possession 352:592.
    assert.deepEqual([home.passes, away.passes, home.passesAccurate, away.passesAccurate], [334, 566, 220, 475]);
    assert.equal(home.possession, 0.3729);
    assert.equal(away.possession, 0.6271);
    assert.deepEqual([home.bigChances, away.bigChances, home.goals, away.goals, home.shotsBlocked, away.shotsBlocked], [2, 1, 0, 1, 5, 4]);
    assert.ok(home.xgProxy > 0.5 && home.xgProxy < 3 && away.xgProxy > home.xgProxy);
    assert.equal(m.players.filter((p) => p.starter).length, 22);
    assert.deepEqual(m.formations.filter((f) => f.seq === 0).map((f) => [f.side, f.formation]), [['home', '442'], ['away', '4231']]);
    assert.equal(m.referee, 'Kevin Friend');
    assert.equal(m.venue, 'Turf Moor');
    assert.equal(m.eventCount, 1551);
  };

  test('the bare matchCentreData JSON (one line), with the id from the file name', () => {
    check(parseMatchCentre(txt(BURNLEY_JSON), { matchId: 1485184 }));
  });

  test('the same object pretty-printed, with extra keys, or wrapped with its matchId', () => {
    const obj = JSON.parse(txt(BURNLEY_JSON));
    check(parseMatchCentre(JSON.stringify({ ...obj, scrapedBy: 'someone', savedAt: '2025-07-29' }, null, 2), { matchId: 1485184 }));
    check(parseMatchCentre(JSON.stringify({ matchId: 1485184, matchCentreData: obj })));
  });

  test('the full saved page: require.config.params["args"] JS object literal, breadcrumb context', () => {
    const m = parseMatchCentre(LALIGA_PAGE());
    assert.deepEqual([m.whoscoredId, m.date, m.home.name, m.away.name, m.htScore, m.ftScore, m.venue], [1650630, '2022-08-13', 'Barcelona', 'Rayo Vallecano', [0, 0], [0, 0], 'Spotify Camp Nou']);
    assert.deepEqual(m.context, { regionId: 206, tournamentId: 4, wsSeasonId: 9149, country: 'Spain', tournamentName: 'LaLiga', season: '2022-2023' });
    assert.ok(m.players.some((p) => p.name === 'Gerard Piqué'), 'UTF-8 names survive');
    assert.equal(m.stats.home.shots + m.stats.away.shots, 25);
  });

  test('a changed layout names the page and what is missing', () => {
    assert.throws(() => parseMatchCentre('<html><body>new design</body></html>', { page: 'https://x/Matches/1/Live' }), (e: unknown) => e instanceof WhoScoredLayoutError && /https:\/\/x\/Matches\/1\/Live: no require\.config\.params\["args"\] script/.test(e.message));
    const obj = JSON.parse(txt(BURNLEY_JSON));
    delete obj.events;
    assert.throws(() => parseMatchCentre(JSON.stringify(obj), { page: 'p.json' }), /WhoScored p\.json: matchCentreData has no "events" array/);
    delete obj.home;
    assert.throws(() => parseMatchCentre(JSON.stringify(obj)), /has no "home" team/);
    assert.throws(() => parseMatchCentre('require.config.params["args"] = { matchId: 5, matchCentreData: null };'), /matchCentreData is null/);
    assert.throws(() => parseFixtures('{"tournaments": 1}', 'month.json'), /WhoScored month\.json: no "tournaments" array/);
    assert.throws(() => parseTournamentPage('<html></html>', 'tp'), /no seasons selector/);
  });
});

describe('preview, detection, files', () => {
  test('missing players of both sides from the preview page', () => {
    const p = parsePreview(txt('1485184_burnley-man-utd_epl-2020-21_preview.html'));
    assert.equal(p.whoscoredId, 1485184);
    assert.deepEqual([p.home, p.away, p.date], [{ teamId: 184, name: 'Burnley' }, { teamId: 32, name: 'Manchester United' }, '2021-01-12']);
    assert.equal(p.missing.filter((x) => x.side === 'home').length, 4);
    assert.equal(p.missing.filter((x) => x.side === 'away').length, 7);
    assert.deepEqual(p.missing.find((x) => x.playerId === 70050), { side: 'away', playerId: 70050, name: 'Marcos Rojo', reason: 'injured', status: 'Out' });
    assert.equal(p.context?.season, '2020-2021');
  });

  test('kind detection from content and from URL', () => {
    assert.equal(detectKind(txt('tiers.json')), 'regions');
    assert.equal(detectKind(txt('ENG-Premier_League_2020-21_stage18685_2021-01.json')), 'fixtures');
    assert.equal(detectKind(txt('ENG-Premier_League_2020-21_stage18685_calendar-mask.json')), 'calendar');
    assert.equal(detectKind(txt(BURNLEY_JSON)), 'match-centre');
    assert.equal(detectKind(LALIGA_PAGE()), 'match-centre');
    assert.equal(detectKind(txt('1485184_burnley-man-utd_epl-2020-21_preview.html')), 'preview');
    assert.equal(detectKind(txt('ENG-Premier_League_2020-21_stage18685_tournament-page.html')), 'tournament');
    assert.equal(kindFromUrl(wsUrl.fixtures('https://www.whoscored.com', 18685, 2021, 1)), 'fixtures');
    assert.equal(wsUrl.fixtures('https://www.whoscored.com/', 18685, 2021, 1), 'https://www.whoscored.com/tournaments/18685/data/?d=202101');
    assert.equal(kindFromUrl('https://www.whoscored.com/Matches/1485184/Live'), 'match-centre');
    assert.equal(kindFromUrl('https://www.whoscored.com/Regions/252/Tournaments/2/Seasons/8228/Stages/18685'), 'stage');
  });

  test('parseWhoScoredFile gives a JSON-able summary (also for .gz)', async () => {
    const r = await parseWhoScoredFile(`${FIXTURES}/${BURNLEY_JSON}`);
    const again = JSON.parse(JSON.stringify(r));
    assert.deepEqual(
      { kind: again.kind, matchId: again.matchId, date: again.date, home: again.home.name, away: again.away.name, ht: again.htScore, ft: again.ftScore, shots: [again.stats.home.shots, again.stats.away.shots] },
      { kind: 'match-centre', matchId: 1485184, date: '2021-01-12', home: 'Burnley', away: 'Man Utd', ht: [0, 0], ft: [0, 1], shots: [11, 13] },
    );
    const gz = await parseWhoScoredFile(`${FIXTURES}/1650630_barcelona-rayo-vallecano_laliga-2022-23_live.html.gz`);
    assert.equal(gz.matchId, 1650630);
  });

  test('leagues, seasons, crawl plan, xG proxy', () => {
    assert.equal(findLeague('ENG-Premier League')?.code, 'E0');
    assert.equal(findLeague('e0')?.tournamentId, 2);
    assert.deepEqual(['2020-2021', '2020/2021', '2020-21', '20-21', '2021'].map(normaliseSeason), Array(5).fill('2020-2021'));
    assert.throws(() => normaliseSeason('2020-2022'), /expected YYYY-YYYY/);
    assert.equal(isCurrentSeason('2020-2021', new Date('2021-03-01')), true);
    assert.equal(isCurrentSeason('2020-2021', new Date('2021-08-01')), false);
    const fx = parseFixtures(txt('ENG-Premier_League_2020-21_stage18685_2021-01.json'));
    const upcoming = { ...fx[0], whoscoredId: 1, status: 'scheduled' as const, homeGoals: null, awayGoals: null };
    const postponed = { ...fx[1], whoscoredId: 2, status: 'postponed' as const };
    const plan = planMatchPages([...fx, upcoming, postponed]);
    assert.equal(plan.filter((p) => p.page === 'match-centre').length, 50);
    assert.deepEqual(plan.filter((p) => p.page === 'preview').map((p) => p.matchId), [1]);
    assert.equal(planMatchPages(fx, { previews: 'all', matchIds: [1485184] }).length, 2);
    assert.ok(shotXg(100 - 11 / 1.05, 50) > 0.2 && shotXg(100 - 11 / 1.05, 50) < 0.35, 'central shot from the penalty spot');
    assert.equal(shotXg(88, 50, { penalty: true }), 0.76);
    assert.ok(shotXg(75, 50) < 0.07 && shotXg(96, 50) > 0.4);
  });
});

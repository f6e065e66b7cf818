/** Parsers for WhoScored's listings: regions, tournament/season/stage pages, calendars, monthly fixtures. */
import { isRecord, loadHtml, numOrNull, readRequireParam, readVariable, WhoScoredLayoutError } from './extract.ts';
import { wsSeasonToWarehouse } from './leagues.ts';
import type { MatchStatus, WsCalendar, WsFixture, WsRegion, WsTournamentPage } from './records.ts';
import { idsFromPath } from './urls.ts';

function parseJsonOrUndefined(text: string): unknown {
  const t = text.trimStart();
  if (t[0] !== '{' && t[0] !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toRegions(v: unknown, page: string): WsRegion[] {
  if (!Array.isArray(v)) throw new WhoScoredLayoutError(page, 'the regions list is not an array');
  return v.map((r, i) => {
    if (!isRecord(r) || numOrNull(r.id) === null || !Array.isArray(r.tournaments)) {
      throw new WhoScoredLayoutError(page, `region #${i} has no id or tournaments`);
    }
    return {
      regionId: Number(r.id),
      name: String(r.name ?? ''),
      tournaments: r.tournaments.filter(isRecord).map((t) => ({ tournamentId: Number(t.id), name: String(t.name ?? ''), url: String(t.url ?? '') })),
    };
  });
}

/** The regions list: `tiers.json` (a JSON array) or a page carrying `var allRegions = [...]`. */
export function parseRegions(text: string, page = 'regions list'): WsRegion[] {
  const json = parseJsonOrUndefined(text);
  if (json !== undefined) return toRegions(json, page);
  const v = readVariable(text, 'allRegions');
  if (v === undefined) throw new WhoScoredLayoutError(page, 'no "allRegions" variable and not a JSON array of regions');
  return toRegions(v, page);
}

function maskToMonths(mask: unknown, page: string): WsCalendar['months'] {
  if (!isRecord(mask)) throw new WhoScoredLayoutError(page, 'the calendar has no "mask" object');
  const months: WsCalendar['months'] = [];
  for (const [y, ms] of Object.entries(mask)) {
    if (!/^\d{4}$/.test(y) || !isRecord(ms)) throw new WhoScoredLayoutError(page, `calendar mask year "${y}" is not a year of months`);
    for (const m of Object.keys(ms)) {
      const mi = Number(m);
      if (!Number.isInteger(mi) || mi < 0 || mi > 11) throw new WhoScoredLayoutError(page, `calendar mask month "${m}" is not 0-11`);
      months.push({ year: Number(y), month: mi + 1 });
    }
  }
  return months.sort((a, b) => a.year - b.year || a.month - b.month);
}

/** The stage calendar: the `wsCalendar` variable of a stage page, or that object saved as JSON. */
export function parseCalendar(text: string, page = 'calendar'): WsCalendar {
  let cal = parseJsonOrUndefined(text);
  if (cal === undefined) cal = readVariable(text, 'wsCalendar');
  if (!isRecord(cal)) throw new WhoScoredLayoutError(page, 'no "wsCalendar" variable and not a calendar JSON object');
  const out: WsCalendar = { months: maskToMonths(cal.mask, page) };
  const stageId = numOrNull(cal.stageId);
  if (stageId !== null) out.stageId = stageId;
  return out;
}

/** Tournament, season and stage pages: seasons selector, stages selector, Fixtures link, calendar. */
export function parseTournamentPage(html: string, page = 'tournament page'): WsTournamentPage {
  const $ = loadHtml(html);
  const out: WsTournamentPage = { seasons: [], stages: [] };
  $('select[id*="seasons"] option').each((_i, el) => {
    const url = $(el).attr('value') ?? '';
    const ids = idsFromPath(url);
    if (ids.seasonId === undefined) return;
    out.seasons.push({ seasonId: ids.seasonId, name: $(el).text().trim(), url, selected: $(el).attr('selected') !== undefined });
    if (ids.regionId !== undefined) out.regionId = ids.regionId;
    if (ids.tournamentId !== undefined) out.tournamentId = ids.tournamentId;
  });
  const selected = out.seasons.find((s) => s.selected);
  if (selected) out.seasonId = selected.seasonId;
  $('select[id*="stages"] option').each((_i, el) => {
    const url = $(el).attr('value') ?? '';
    const id = idsFromPath(url).stageId;
    if (id !== undefined) out.stages.push({ stageId: id, name: $(el).text().trim(), url });
  });
  const fixturesLink = $('a[href*="tages/"]').filter((_i, el) => $(el).text().trim() === 'Fixtures').first();
  const linkStage = idsFromPath(fixturesLink.attr('href') ?? '').stageId;
  if (linkStage !== undefined) out.fixturesStageId = linkStage;
  const args = readRequireParam(html, 'args');
  if (out.fixturesStageId === undefined && isRecord(args) && numOrNull(args.stageId) !== null) out.fixturesStageId = Number(args.stageId);
  if (/\bwsCalendar\s*=/.test(html)) out.calendar = parseCalendar(html, page);
  if (out.calendar && out.calendar.stageId === undefined && out.fixturesStageId !== undefined) out.calendar.stageId = out.fixturesStageId;
  if (out.seasons.length === 0 && out.fixturesStageId === undefined && !out.calendar) {
    throw new WhoScoredLayoutError(page, 'no seasons selector (<select id="seasons">), no "Fixtures" link and no wsCalendar');
  }
  return out;
}

/** WhoScored status → warehouse status. 6 = finished; PP/Postp./Abd/Canc = postponed. */
export function fixtureStatus(statusCode: number | null, elapsed: string | null, hasScore: boolean): MatchStatus {
  const e = (elapsed ?? '').trim().toLowerCase();
  if (['pp', 'postp.', 'postp', 'postponed', 'abd', 'abd.', 'abandoned', 'canc', 'canc.', 'cancelled', 'susp', 'susp.'].includes(e)) return 'postponed';
  if (statusCode === 7 || statusCode === 8) return 'postponed';
  if ((statusCode === 6 || ['ft', 'aet', 'pen', 'pen.', 'ap'].includes(e)) && hasScore) return 'finished';
  return 'scheduled';
}

function splitStart(start: unknown): { date: string; time: string | null } | null {
  if (typeof start !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/.exec(start);
  if (!m) return null;
  return { date: m[1], time: m[2] ?? null };
}

/** One month of a stage's fixtures and results: `{"tournaments":[{…, "matches":[…]}]}`. */
export function parseFixtures(text: string, page = 'fixtures JSON'): WsFixture[] {
  const data = parseJsonOrUndefined(text);
  if (!isRecord(data)) throw new WhoScoredLayoutError(page, 'not a JSON object');
  if (!Array.isArray(data.tournaments)) throw new WhoScoredLayoutError(page, 'no "tournaments" array');
  const out: WsFixture[] = [];
  for (const t of data.tournaments) {
    if (!isRecord(t) || !Array.isArray(t.matches)) throw new WhoScoredLayoutError(page, 'a tournament without a "matches" array');
    if (typeof t.seasonName !== 'string') throw new WhoScoredLayoutError(page, 'a tournament without "seasonName"');
    const season = wsSeasonToWarehouse(t.seasonName);
    for (const m of t.matches) {
      if (!isRecord(m)) continue;
      const id = numOrNull(m.id);
      const when = splitStart(m.startTime);
      const homeTeamId = numOrNull(m.homeTeamId);
      const awayTeamId = numOrNull(m.awayTeamId);
      if (id === null || !when || homeTeamId === null || awayTeamId === null || typeof m.homeTeamName !== 'string' || typeof m.awayTeamName !== 'string') {
        throw new WhoScoredLayoutError(page, `match ${String(m.id)} lacks id, startTime or team ids/names`);
      }
      const hs = numOrNull(m.homeScore);
      const as = numOrNull(m.awayScore);
      const statusCode = numOrNull(m.status);
      const elapsed = typeof m.elapsed === 'string' ? m.elapsed : null;
      const status = fixtureStatus(statusCode, elapsed, hs !== null && as !== null);
      out.push({
        whoscoredId: id,
        stageId: numOrNull(m.stageId) ?? Number(t.stageId),
        regionId: Number(t.regionId),
        tournamentId: Number(t.tournamentId),
        tournamentName: String(t.tournamentName ?? ''),
        wsSeasonId: numOrNull(t.seasonId),
        season,
        date: when.date,
        time: when.time,
        startTimeUtc: typeof m.startTimeUtc === 'string' ? m.startTimeUtc : null,
        homeTeamId,
        homeName: m.homeTeamName.trim(),
        awayTeamId,
        awayName: m.awayTeamName.trim(),
        homeGoals: status === 'finished' ? hs : null,
        awayGoals: status === 'finished' ? as : null,
        status,
        statusCode,
        elapsed,
        homeYellowCards: numOrNull(m.homeYellowCards),
        homeRedCards: numOrNull(m.homeRedCards),
        awayYellowCards: numOrNull(m.awayYellowCards),
        awayRedCards: numOrNull(m.awayRedCards),
        hasPreview: m.hasPreview === true,
      });
    }
  }
  return out;
}

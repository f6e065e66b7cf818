/**
 * The match centre: `/Matches/{id}/Live` carries `require.config.params["args"] = { matchId,
 * matchCentreData: {…}, … }` in an inline script. Also accepted: the matchCentreData object
 * alone as JSON (one line or pretty-printed, extra keys ignored), or wrapped as
 * `{"matchId": …, "matchCentreData": {…}}`.
 */
import { isRecord, numOrNull, parseScore, readBreadcrumb, readRequireParam, WhoScoredLayoutError } from './extract.ts';
import { parseJsLiteral } from './jsliteral.ts';
import { fixtureStatus } from './parse-listings.ts';
import type { Side, WsContext, WsFormation, WsMatchCentre, WsPlayer } from './records.ts';
import { teamStatsFromEvents } from './team-stats.ts';

export interface MatchCentreHints {
  /** The WhoScored match id when the text itself does not say (bare JSON): from the URL or file name. */
  matchId?: number;
  /** Names the page in error messages (URL or file). */
  page?: string;
}

function unwrap(text: string, page: string): { data: unknown; matchId: number | null; context: WsContext | null } {
  const t = text.trimStart();
  if (t[0] === '{') {
    let obj: unknown;
    try {
      obj = JSON.parse(t);
    } catch {
      try {
        obj = parseJsLiteral(t);
      } catch (e) {
        throw new WhoScoredLayoutError(page, `neither JSON nor a JS object literal (${(e as Error).message})`);
      }
    }
    if (isRecord(obj) && 'matchCentreData' in obj) return { data: obj.matchCentreData, matchId: numOrNull(obj.matchId), context: null };
    return { data: obj, matchId: null, context: null };
  }
  const args = readRequireParam(text, 'args');
  if (args === undefined) throw new WhoScoredLayoutError(page, 'no require.config.params["args"] script and not a matchCentreData JSON object');
  if (!isRecord(args) || !('matchCentreData' in args)) throw new WhoScoredLayoutError(page, 'require.config.params["args"] has no "matchCentreData"');
  return { data: args.matchCentreData, matchId: numOrNull(args.matchId), context: readBreadcrumb(text) };
}

function team(d: Record<string, unknown>, side: Side, page: string): Record<string, unknown> & { teamId: number; name: string } {
  const t = d[side];
  if (!isRecord(t)) throw new WhoScoredLayoutError(page, `matchCentreData has no "${side}" team`);
  const teamId = numOrNull(t.teamId);
  if (teamId === null || typeof t.name !== 'string') throw new WhoScoredLayoutError(page, `matchCentreData.${side} lacks "teamId" or "name"`);
  return { ...t, teamId, name: t.name.trim() };
}

function players(t: Record<string, unknown>, side: Side): WsPlayer[] {
  if (!Array.isArray(t.players)) return [];
  return t.players.filter(isRecord).flatMap((p) => {
    const id = numOrNull(p.playerId);
    if (id === null) return [];
    return [
      {
        side,
        playerId: id,
        name: String(p.name ?? ''),
        shirtNo: numOrNull(p.shirtNo),
        position: typeof p.position === 'string' ? p.position : null,
        starter: p.isFirstEleven === true,
        manOfTheMatch: p.isManOfTheMatch === true,
      },
    ];
  });
}

function formations(t: Record<string, unknown>, side: Side): WsFormation[] {
  if (!Array.isArray(t.formations)) return [];
  return t.formations.filter(isRecord).map((f, seq) => ({
    side,
    seq,
    formation: String(f.formationName ?? f.formationId ?? ''),
    startMinute: numOrNull(f.startMinuteExpanded),
    endMinute: numOrNull(f.endMinuteExpanded),
    captainPlayerId: numOrNull(f.captainPlayerId),
  }));
}

export function parseMatchCentre(text: string, hints: MatchCentreHints = {}): WsMatchCentre {
  const page = hints.page ?? `match centre${hints.matchId ? ` ${hints.matchId}` : ''}`;
  const { data, matchId, context } = unwrap(text, page);
  if (data === null) throw new WhoScoredLayoutError(page, 'matchCentreData is null (no match data yet)');
  if (!isRecord(data)) throw new WhoScoredLayoutError(page, 'matchCentreData is not an object');
  const home = team(data, 'home', page);
  const away = team(data, 'away', page);
  if (!Array.isArray(data.events)) throw new WhoScoredLayoutError(page, 'matchCentreData has no "events" array');
  const start = typeof data.startTime === 'string' ? /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?/.exec(data.startTime) : null;
  if (!start) throw new WhoScoredLayoutError(page, 'matchCentreData has no "startTime" (YYYY-MM-DDTHH:MM:SS)');
  const ftScore = parseScore(data.ftScore) ?? (numOrNull(data.statusCode) === 6 ? parseScore(data.score) : null);
  const statusCode = numOrNull(data.statusCode);
  const status = fixtureStatus(statusCode, typeof data.elapsed === 'string' ? data.elapsed : null, ftScore !== null);
  const referee = isRecord(data.referee) ? data.referee.name : data.referee;
  const manager = (t: Record<string, unknown>) => (typeof t.managerName === 'string' ? t.managerName : null);
  return {
    whoscoredId: matchId ?? hints.matchId ?? null,
    date: start[1],
    time: start[2] ?? null,
    status,
    statusCode,
    home: { teamId: home.teamId, name: home.name, manager: manager(home) },
    away: { teamId: away.teamId, name: away.name, manager: manager(away) },
    htScore: parseScore(data.htScore),
    ftScore: status === 'finished' ? ftScore : null,
    venue: typeof data.venueName === 'string' && data.venueName ? data.venueName : null,
    referee: typeof referee === 'string' && referee ? referee : null,
    attendance: numOrNull(data.attendance),
    stats: teamStatsFromEvents(data.events, home.teamId, away.teamId),
    players: [...players(home, 'home'), ...players(away, 'away')],
    formations: [...formations(home, 'home'), ...formations(away, 'away')],
    eventCount: data.events.length,
    context,
  };
}

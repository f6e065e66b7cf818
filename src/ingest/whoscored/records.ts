/** Typed records the WhoScored parsers produce. Plain data (JSON-able), no I/O. */

export type MatchStatus = 'scheduled' | 'finished' | 'postponed';
export type Side = 'home' | 'away';

export interface WsRegion {
  regionId: number;
  name: string;
  tournaments: { tournamentId: number; name: string; url: string }[];
}

/** A tournament / season / stage page (they share one layout). */
export interface WsTournamentPage {
  regionId?: number;
  tournamentId?: number;
  /** The season shown on the page (the selected option), if any. */
  seasonId?: number;
  seasons: { seasonId: number; name: string; url: string; selected: boolean }[];
  /** The default stage, from the "Fixtures" link. */
  fixturesStageId?: number;
  /** Extra stages (cups, groups) from the stages selector. */
  stages: { stageId: number; name: string; url: string }[];
  /** The calendar on a stage page, when present. */
  calendar?: WsCalendar;
}

/** The stage calendar: which months have matches. `month` is 1-12 (the mask's 0-based month + 1). */
export interface WsCalendar {
  stageId?: number;
  months: { year: number; month: number }[];
}

export interface WsFixture {
  whoscoredId: number;
  stageId: number;
  regionId: number;
  tournamentId: number;
  tournamentName: string;
  wsSeasonId: number | null;
  /** Warehouse season name, e.g. "2020-2021". */
  season: string;
  /** Local kick-off date and time as WhoScored lists them. */
  date: string;
  time: string | null;
  startTimeUtc: string | null;
  homeTeamId: number;
  homeName: string;
  awayTeamId: number;
  awayName: string;
  homeGoals: number | null;
  awayGoals: number | null;
  status: MatchStatus;
  statusCode: number | null;
  elapsed: string | null;
  homeYellowCards: number | null;
  homeRedCards: number | null;
  awayYellowCards: number | null;
  awayRedCards: number | null;
  hasPreview: boolean;
}

export interface WsTeamStats {
  shots: number;
  shotsOnTarget: number;
  shotsBlocked: number;
  shotsOffTarget: number;
  bigChances: number;
  bigChancesScored: number;
  passes: number;
  passesAccurate: number;
  /** Share of the match's passes (excluding throw-ins), 0-1: WhoScored's possession measure. */
  possession: number | null;
  corners: number;
  fouls: number;
  yellowCards: number;
  redCards: number;
  /** Simple shot-location expected-goals proxy (see team-stats.ts). */
  xgProxy: number;
  goals: number;
}

export interface WsPlayer {
  side: Side;
  playerId: number;
  name: string;
  shirtNo: number | null;
  position: string | null;
  starter: boolean;
  manOfTheMatch: boolean;
}

export interface WsFormation {
  side: Side;
  seq: number;
  formation: string;
  startMinute: number | null;
  endMinute: number | null;
  captainPlayerId: number | null;
}

export interface WsTeamRef {
  teamId: number;
  name: string;
}

/** Where a page says the match belongs (breadcrumb link), when it says so. */
export interface WsContext {
  regionId: number;
  tournamentId: number;
  wsSeasonId: number | null;
  country: string | null;
  tournamentName: string | null;
  /** Warehouse season name. */
  season: string | null;
}

export interface WsMatchCentre {
  whoscoredId: number | null;
  date: string;
  time: string | null;
  status: MatchStatus;
  statusCode: number | null;
  home: WsTeamRef & { manager: string | null };
  away: WsTeamRef & { manager: string | null };
  htScore: [number, number] | null;
  ftScore: [number, number] | null;
  venue: string | null;
  referee: string | null;
  attendance: number | null;
  stats: { home: WsTeamStats; away: WsTeamStats };
  players: WsPlayer[];
  formations: WsFormation[];
  eventCount: number;
  context: WsContext | null;
}

export interface WsMissingPlayer {
  side: Side;
  playerId: number;
  name: string;
  reason: string | null;
  status: string | null;
}

export interface WsPreview {
  whoscoredId: number | null;
  home: WsTeamRef | null;
  away: WsTeamRef | null;
  date: string | null;
  missing: WsMissingPlayer[];
  context: WsContext | null;
}

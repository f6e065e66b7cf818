/**
 * WhoScored's leagues as the warehouse knows them. The warehouse's competition code is the
 * football-data.co.uk division (E0, SP1, …) so a match seen by both sources is one row.
 * Pure data and pure functions.
 */

export interface WsLeague {
  /** Warehouse competition code (football-data division). */
  code: string;
  /** soccerdata-style name, e.g. "ENG-Premier League". */
  name: string;
  /** Competition name stored with the code. */
  title: string;
  country: string;
  regionId: number;
  tournamentId: number;
}

export const WS_LEAGUES: readonly WsLeague[] = [
  { code: 'E0', name: 'ENG-Premier League', title: 'Premier League', country: 'England', regionId: 252, tournamentId: 2 },
  { code: 'E1', name: 'ENG-Championship', title: 'Championship', country: 'England', regionId: 252, tournamentId: 7 },
  { code: 'SP1', name: 'ESP-La Liga', title: 'La Liga', country: 'Spain', regionId: 206, tournamentId: 4 },
  { code: 'D1', name: 'GER-Bundesliga', title: 'Bundesliga', country: 'Germany', regionId: 81, tournamentId: 3 },
  { code: 'I1', name: 'ITA-Serie A', title: 'Serie A', country: 'Italy', regionId: 108, tournamentId: 5 },
  { code: 'F1', name: 'FRA-Ligue 1', title: 'Ligue 1', country: 'France', regionId: 74, tournamentId: 22 },
];

/** Find a league by warehouse code ("E0") or soccerdata name ("ENG-Premier League"), case-insensitive. */
export function findLeague(league: string): WsLeague | undefined {
  const k = league.trim().toLowerCase();
  return WS_LEAGUES.find((l) => l.code.toLowerCase() === k || l.name.toLowerCase() === k);
}

export function leagueByIds(regionId: number, tournamentId: number): WsLeague | undefined {
  return WS_LEAGUES.find((l) => l.regionId === regionId && l.tournamentId === tournamentId);
}

/**
 * A league WhoScored has but the table above does not: its code is made from the ids,
 * e.g. "WS-252-9", so loads still work and never collide with a football-data code.
 */
export function adHocLeague(regionId: number, tournamentId: number, country: string, name: string): WsLeague {
  return { code: `WS-${regionId}-${tournamentId}`, name: `${country} - ${name}`, title: name, country, regionId, tournamentId };
}

/** Season argument forms: "2020-2021", "2020/2021", "2020-21", "20-21", "2021" (end year) → "2020-2021". */
export function normaliseSeason(season: string): string {
  const s = season.trim();
  let m = /^(\d{4})[-/](\d{4})$/.exec(s);
  if (m && Number(m[2]) === Number(m[1]) + 1) return `${m[1]}-${m[2]}`;
  m = /^(\d{4})[-/](\d{2})$/.exec(s);
  if (m && (Number(m[1]) + 1) % 100 === Number(m[2])) return `${m[1]}-${Number(m[1]) + 1}`;
  m = /^(\d{2})[-/](\d{2})$/.exec(s);
  if (m && (Number(m[1]) + 1) % 100 === Number(m[2])) {
    const start = 2000 + Number(m[1]);
    return `${start}-${start + 1}`;
  }
  m = /^(\d{4})$/.exec(s);
  if (m) return `${Number(m[1]) - 1}-${m[1]}`;
  throw new Error(`season "${season}": expected YYYY-YYYY (e.g. 2020-2021), YYYY/YYYY, YYYY-YY or YY-YY`);
}

/** WhoScored's season label ("2020/2021") in warehouse form ("2020-2021"); other forms are rejected. */
export function wsSeasonToWarehouse(label: string): string {
  const m = /^\s*(\d{4})\s*\/\s*(\d{4})\s*$/.exec(label);
  if (!m || Number(m[2]) !== Number(m[1]) + 1) {
    throw new Error(`WhoScored season "${label}": expected "YYYY/YYYY" (e.g. "2020/2021")`);
  }
  return `${m[1]}-${m[2]}`;
}

export function warehouseSeasonToWs(season: string): string {
  return season.replace('-', '/');
}

/**
 * Is the season still being played on `now`? A European season YYYY-YYYY+1 is treated as
 * current from 1 July YYYY to 30 June YYYY+1 (its listings then change and are re-fetched).
 */
export function isCurrentSeason(season: string, now: Date): boolean {
  const start = Number(season.slice(0, 4));
  const from = Date.UTC(start, 6, 1);
  const to = Date.UTC(start + 1, 6, 1);
  const t = now.getTime();
  return t >= from && t < to;
}

/** WhoScored's URL scheme (REFERENCE.md 3.2): builders, and reading ids back out of a URL. */

export const WHOSCORED_BASE_URL = 'https://www.whoscored.com';

export type PageKind = 'regions' | 'tournament' | 'season' | 'stage' | 'fixtures' | 'match-centre' | 'preview';

function base(b: string): string {
  return b.replace(/\/+$/, '');
}

export const wsUrl = {
  regions: (b: string) => `${base(b)}/`,
  tournament: (b: string, regionId: number, tournamentId: number) => `${base(b)}/Regions/${regionId}/Tournaments/${tournamentId}`,
  season: (b: string, regionId: number, tournamentId: number, seasonId: number) =>
    `${base(b)}/Regions/${regionId}/Tournaments/${tournamentId}/Seasons/${seasonId}`,
  stage: (b: string, regionId: number, tournamentId: number, seasonId: number, stageId: number) =>
    `${base(b)}/Regions/${regionId}/Tournaments/${tournamentId}/Seasons/${seasonId}/Stages/${stageId}`,
  /** `month` is 1-12 (the calendar mask's 0-based month + 1). */
  fixtures: (b: string, stageId: number, year: number, month: number) =>
    `${base(b)}/tournaments/${stageId}/data/?d=${year}${String(month).padStart(2, '0')}`,
  matchCentre: (b: string, matchId: number) => `${base(b)}/Matches/${matchId}/Live`,
  preview: (b: string, matchId: number) => `${base(b)}/Matches/${matchId}/Preview`,
};

export interface UrlIds {
  regionId?: number;
  tournamentId?: number;
  seasonId?: number;
  stageId?: number;
  matchId?: number;
}

/** Ids in a WhoScored path such as /Regions/252/Tournaments/2/Seasons/8228/Stages/18685/… (any case). */
export function idsFromPath(pathOrUrl: string): UrlIds {
  const out: UrlIds = {};
  const grab = (name: string) => {
    const m = new RegExp(`/${name}/(\\d+)(?=/|$|\\?)`, 'i').exec(pathOrUrl);
    return m ? Number(m[1]) : undefined;
  };
  const r = grab('regions');
  const t = grab('tournaments');
  const s = grab('seasons');
  const st = grab('stages');
  const m = grab('matches');
  if (r !== undefined) out.regionId = r;
  if (t !== undefined) out.tournamentId = t;
  if (s !== undefined) out.seasonId = s;
  if (st !== undefined) out.stageId = st;
  if (m !== undefined) out.matchId = m;
  return out;
}

/** What kind of page a WhoScored URL points at, from its path alone. */
export function kindFromUrl(url: string): PageKind | undefined {
  let p: string;
  try {
    const u = new URL(url);
    p = u.pathname;
    if (/^\/tournaments\/\d+\/data\/?$/i.test(p) && u.searchParams.has('d')) return 'fixtures';
  } catch {
    return undefined;
  }
  if (p === '/' || p === '') return 'regions';
  if (/^\/matches\/\d+\/live/i.test(p)) return 'match-centre';
  if (/^\/matches\/\d+\/preview/i.test(p)) return 'preview';
  if (/\/stages\/\d+/i.test(p)) return 'stage';
  if (/\/seasons\/\d+/i.test(p)) return 'season';
  if (/^\/regions\/\d+\/tournaments\/\d+/i.test(p)) return 'tournament';
  return undefined;
}

/**
 * Idempotent loads of parsed WhoScored records: fixtures (one month per transaction), match
 * centres and previews (one page per transaction). Keyed on WhoScored ids and the matches'
 * natural key, so loading anything twice changes nothing.
 */
import { sql } from 'kysely';
import { adHocLeague, leagueByIds } from './leagues.ts';
import {
  addCounts,
  ensureCompetitionSeason,
  linkWhoScored,
  resolveWsTeams,
  upsertMatch,
  upsertMatches,
  zeroCounts,
  type LoadCounts,
  type MatchFacts,
} from './load-core.ts';
import type { WsFixture, WsMatchCentre, WsPreview } from './records.ts';
import type { WsDb, WsTrx } from './schema.ts';
import { loadMatchDetails } from './load-details.ts';

export interface LoadOptions {
  ingestionRunId?: number | null;
  /** Manifest row to stamp `loaded_at` on, in the same transaction. */
  rawPageId?: number;
}

/** Run in the caller's transaction when given one, else in a new one. */
function inTx<T>(db: WsDb, fn: (trx: WsTrx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db as WsTrx) : db.transaction().execute(fn);
}

async function stampLoaded(trx: WsTrx, id: number | undefined): Promise<void> {
  if (id !== undefined) await trx.updateTable('whoscored_raw_pages').set({ loaded_at: sql`now()` }).where('id', '=', id).execute();
}

/** Load one listing's fixtures (all in one transaction). */
export async function loadFixtures(db: WsDb, fixtures: readonly WsFixture[], opts: LoadOptions = {}): Promise<LoadCounts> {
  return inTx(db, async (trx) => {
    let counts = zeroCounts();
    const teams = await resolveWsTeams(
      trx,
      fixtures.flatMap((f) => [
        { teamId: f.homeTeamId, name: f.homeName },
        { teamId: f.awayTeamId, name: f.awayName },
      ]),
    );
    const seasons = new Map<string, { competitionId: number; seasonId: number }>();
    const facts: MatchFacts[] = [];
    for (const f of fixtures) {
      const key = `${f.regionId}/${f.tournamentId}/${f.season}`;
      let cs = seasons.get(key);
      if (!cs) {
        const league = leagueByIds(f.regionId, f.tournamentId) ?? adHocLeague(f.regionId, f.tournamentId, '', f.tournamentName);
        cs = await ensureCompetitionSeason(trx, league, f.season);
        seasons.set(key, cs);
      }
      facts.push({
        ...cs,
        homeTeamId: teams.get(f.homeTeamId)!,
        awayTeamId: teams.get(f.awayTeamId)!,
        date: f.date,
        time: f.time,
        status: f.status,
        homeGoals: f.homeGoals,
        awayGoals: f.awayGoals,
        whoscoredId: f.whoscoredId,
        ingestionRunId: opts.ingestionRunId ?? null,
      });
    }
    const results = await upsertMatches(trx, facts);
    for (const r of results) counts = addCounts(counts, { ...zeroCounts(), [r.change]: 1 });
    await linkWhoScored(
      trx,
      fixtures.map((f, i) => ({
        match_id: results[i].matchId,
        whoscored_id: f.whoscoredId,
        stage_id: f.stageId,
        whoscored_season_id: f.wsSeasonId,
        home_whoscored_team_id: f.homeTeamId,
        away_whoscored_team_id: f.awayTeamId,
        status_code: f.statusCode,
        elapsed: f.elapsed,
        start_time_utc: f.startTimeUtc,
        has_preview: f.hasPreview,
      })),
    );
    await stampLoaded(trx, opts.rawPageId);
    return counts;
  });
}

/** Which match row a match centre or preview belongs to; undefined when nothing places it. */
async function placeMatch(
  trx: WsTrx,
  m: { whoscoredId: number | null; date: string | null; context: WsMatchCentre['context']; home: { teamId: number; name: string }; away: { teamId: number; name: string } },
): Promise<{ matchId?: number; competitionId?: number; seasonId?: number; teams: Map<number, number> }> {
  const teams = await resolveWsTeams(trx, [m.home, m.away]);
  if (m.whoscoredId !== null) {
    const linked = await trx.selectFrom('whoscored_matches').select('match_id').where('whoscored_id', '=', m.whoscoredId).executeTakeFirst();
    if (linked) return { matchId: linked.match_id, teams };
  }
  const ctx = m.context;
  if (ctx && ctx.season) {
    const league = leagueByIds(ctx.regionId, ctx.tournamentId) ?? adHocLeague(ctx.regionId, ctx.tournamentId, ctx.country ?? '', ctx.tournamentName ?? '');
    return { ...(await ensureCompetitionSeason(trx, league, ctx.season)), teams };
  }
  if (m.date) {
    const rows = await trx
      .selectFrom('matches')
      .select('id')
      .where('home_team_id', '=', teams.get(m.home.teamId)!)
      .where('away_team_id', '=', teams.get(m.away.teamId)!)
      .where('kickoff_date', '=', m.date)
      .execute();
    if (rows.length === 1) return { matchId: rows[0].id, teams };
  }
  return { teams };
}

export type PageLoad = { loaded: true; counts: LoadCounts } | { loaded: false; reason: string };

function unplaced(what: string, m: { whoscoredId: number | null; home: { name: string }; away: { name: string }; date: string | null }): PageLoad {
  return {
    loaded: false,
    reason:
      `${what} ${m.whoscoredId ?? '(no id)'} (${m.home.name} v ${m.away.name}, ${m.date ?? 'no date'}): no fixture, breadcrumb or ` +
      'existing match places it in a competition and season; load its season’s fixtures first',
  };
}

/** Load one match centre: result, WhoScored link, basic and derived statistics, lineups, formations. */
export async function loadMatchCentre(db: WsDb, m: WsMatchCentre, opts: LoadOptions = {}): Promise<PageLoad> {
  return inTx(db, async (trx): Promise<PageLoad> => {
    const place = await placeMatch(trx, m);
    let matchId = place.matchId;
    let counts = zeroCounts();
    const facts = {
      homeTeamId: place.teams.get(m.home.teamId)!,
      awayTeamId: place.teams.get(m.away.teamId)!,
      date: m.date,
      time: m.time,
      status: m.status,
      homeGoals: m.ftScore?.[0] ?? null,
      awayGoals: m.ftScore?.[1] ?? null,
      homeGoalsHt: m.htScore?.[0] ?? null,
      awayGoalsHt: m.htScore?.[1] ?? null,
      referee: m.referee,
      whoscoredId: m.whoscoredId,
      ingestionRunId: opts.ingestionRunId ?? null,
    };
    if (matchId === undefined && place.seasonId === undefined) return unplaced('match centre', m);
    if (matchId === undefined) {
      const r = await upsertMatch(trx, { ...facts, competitionId: place.competitionId!, seasonId: place.seasonId! });
      matchId = r.matchId;
      counts = addCounts(counts, { ...zeroCounts(), [r.change]: 1 });
    } else {
      const row = await trx.selectFrom('matches').select(['competition_id', 'season_id']).where('id', '=', matchId).executeTakeFirstOrThrow();
      const r = await upsertMatch(trx, { ...facts, competitionId: row.competition_id, seasonId: row.season_id });
      counts = addCounts(counts, { ...zeroCounts(), [r.change]: 1 });
    }
    if (m.whoscoredId !== null) {
      await linkWhoScored(trx, [
        {
          match_id: matchId,
          whoscored_id: m.whoscoredId,
          home_whoscored_team_id: m.home.teamId,
          away_whoscored_team_id: m.away.teamId,
          status_code: m.statusCode,
          venue: m.venue,
          attendance: m.attendance,
        },
      ]);
    }
    await loadMatchDetails(trx, matchId, m);
    await stampLoaded(trx, opts.rawPageId);
    return { loaded: true, counts };
  });
}

/** Load one preview's missing players (the set is replaced). */
export async function loadPreview(db: WsDb, p: WsPreview, opts: LoadOptions = {}): Promise<PageLoad> {
  if (!p.home || !p.away) return { loaded: false, reason: `preview ${p.whoscoredId ?? ''}: no match header (teams unknown)` };
  const home = p.home;
  const away = p.away;
  return inTx(db, async (trx): Promise<PageLoad> => {
    const place = await placeMatch(trx, { ...p, home, away });
    if (place.matchId === undefined) return unplaced('preview', { ...p, home, away });
    const matchId = place.matchId;
    const before = await trx.selectFrom('whoscored_missing_players').select(['player_id', 'side', 'reason', 'status', 'player_name']).where('match_id', '=', matchId).orderBy('player_id').execute();
    const rows = [...new Map(p.missing.map((x) => [x.playerId, x])).values()]
      .sort((a, b) => a.playerId - b.playerId)
      .map((x) => ({ match_id: matchId, side: x.side, player_id: x.playerId, player_name: x.name, reason: x.reason, status: x.status }));
    const same =
      before.length === rows.length &&
      before.every((b, i) => b.player_id === rows[i].player_id && b.side === rows[i].side && b.reason === rows[i].reason && b.status === rows[i].status && b.player_name === rows[i].player_name);
    if (!same) {
      await trx.deleteFrom('whoscored_missing_players').where('match_id', '=', matchId).execute();
      if (rows.length) await trx.insertInto('whoscored_missing_players').values(rows).execute();
    }
    await stampLoaded(trx, opts.rawPageId);
    return { loaded: true, counts: { inserted: 0, updated: same ? 0 : 1, unchanged: same ? 1 : 0 } };
  });
}

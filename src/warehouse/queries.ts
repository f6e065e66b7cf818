/** Read queries shared by the stages (backtest, training, serving). */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { MARKET_PRICE_KEYS } from '../domain/market-keys.ts';
import type { Database } from './schema.ts';
import { isoToDay, type MatchRecord, type OddsKind } from '../domain/types.ts';

/** Every match of a league (finished or not), oldest first, with canonical team names. */
export async function leagueMatches(db: Kysely<Database>, league: string): Promise<MatchRecord[]> {
  const rows = await db
    .selectFrom('matches as m')
    .innerJoin('competitions as c', 'c.id', 'm.competition_id')
    .innerJoin('seasons as s', 's.id', 'm.season_id')
    .innerJoin('teams as h', 'h.id', 'm.home_team_id')
    .innerJoin('teams as a', 'a.id', 'm.away_team_id')
    .select(['m.id', 'c.code as league', 's.name as season', 'm.kickoff_date', 'h.name as home', 'a.name as away', 'm.home_goals', 'm.away_goals'])
    .where('c.code', '=', league)
    .orderBy('m.kickoff_date')
    .orderBy('m.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    league: r.league,
    season: r.season,
    day: isoToDay(r.kickoff_date),
    home: r.home,
    away: r.away,
    homeGoals: r.home_goals,
    awayGoals: r.away_goals,
  }));
}

export interface OddsRow {
  matchId: number;
  bookmaker: string;
  kind: OddsKind;
  home: number;
  draw: number;
  away: number;
}

/** 1X2 odds of the given matches. */
export async function oddsFor(db: Kysely<Database>, matchIds: readonly number[]): Promise<OddsRow[]> {
  if (matchIds.length === 0) return [];
  const rows = await db
    .selectFrom('odds')
    .select(['match_id', 'bookmaker', 'kind', 'home', 'draw', 'away'])
    .where('match_id', 'in', matchIds as number[])
    .orderBy('match_id')
    .execute();
  return rows.map((r) => ({ matchId: r.match_id, bookmaker: r.bookmaker, kind: r.kind, home: r.home, draw: r.draw, away: r.away }));
}

/** League codes with their seasons, e.g. { E0: ['2005-2006', …] }. */
export async function leagueSeasons(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const rows = await db
    .selectFrom('seasons as s')
    .innerJoin('competitions as c', 'c.id', 's.competition_id')
    .select(['c.code', 's.name'])
    .orderBy('c.code')
    .orderBy('s.name')
    .execute();
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.code] ??= []).push(r.name);
  return out;
}

/** Alias (normalised) → canonical team name, and team → its latest league. */
export async function teamDirectory(db: Kysely<Database>): Promise<{ aliases: Map<string, string>; leagueOf: Map<string, string> }> {
  const aliasRows = await db
    .selectFrom('team_aliases as ta')
    .innerJoin('teams as t', 't.id', 'ta.team_id')
    .select(['ta.alias', 't.name'])
    .execute();
  const aliases = new Map(aliasRows.map((r) => [r.alias, r.name]));
  const latest = await sql<{ name: string; code: string }>`
    select distinct on (t.id) t.name, c.code
    from teams t
    join matches m on m.home_team_id = t.id or m.away_team_id = t.id
    join competitions c on c.id = m.competition_id
    order by t.id, m.kickoff_date desc, c.code`.execute(db);
  const leagueOf = new Map(latest.rows.map((r) => [r.name, r.code]));
  return { aliases, leagueOf };
}

/** A content fingerprint of the match data (results only), for reuse decisions and artifacts. */
export async function dataFingerprint(db: Kysely<Database>): Promise<string> {
  const r = await sql<{ fp: string | null; n: number }>`
    select md5(string_agg(concat_ws('|', c.code, s.name, m.kickoff_date, h.name, a.name, m.home_goals, m.away_goals), ';'
             order by c.code, m.kickoff_date, h.name, a.name)) as fp, count(*)::int as n
    from matches m join competitions c on c.id = m.competition_id join seasons s on s.id = m.season_id
    join teams h on h.id = m.home_team_id join teams a on a.id = m.away_team_id`.execute(db);
  const row = r.rows[0];
  return `md5:${row?.fp ?? 'empty'}:${row?.n ?? 0}`;
}

/** A finished match with what the models may use: statistics, every 1X2 price, the WhoScored xG proxy where loaded. */
export interface ModelMatchRow {
  id: number;
  league: string;
  season: string;
  day: number;
  home: string;
  away: string;
  homeGoals: number;
  awayGoals: number;
  stats: {
    home: { shots: number | null; shotsOnTarget: number | null; corners: number | null; xg: number | null };
    away: { shots: number | null; shotsOnTarget: number | null; corners: number | null; xg: number | null };
  } | null;
  prices: OddsRow[];
}

/**
 * Every FINISHED match of a league (or of every league when `league` is undefined), oldest
 * first, with its statistics and the 1X2 prices the market forecast and market-aware models
 * read (MARKET_PRICE_KEYS of src/domain/market-keys.ts: pre-match and closing; callers decide which a
 * model may see). `prices: false` skips prices (training: a served model gets none).
 */
export async function modelMatches(db: Kysely<Database>, league?: string, opts: { prices?: boolean } = {}): Promise<ModelMatchRow[]> {
  const leagueFilter = league === undefined ? sql`true` : sql`c.code = ${league}`;
  const rows = await sql<{
    id: number;
    league: string;
    season: string;
    kickoff_date: string;
    home: string;
    away: string;
    home_goals: number;
    away_goals: number;
    hs: number | null;
    hst: number | null;
    hc: number | null;
    as_: number | null;
    ast: number | null;
    ac: number | null;
    hxg: number | null;
    axg: number | null;
  }>`
    select m.id, c.code as league, s.name as season, m.kickoff_date::text as kickoff_date, h.name as home, a.name as away,
           m.home_goals, m.away_goals,
           sh.shots as hs, sh.shots_on_target as hst, sh.corners as hc,
           sa.shots as as_, sa.shots_on_target as ast, sa.corners as ac,
           wh.xg_proxy as hxg, wa.xg_proxy as axg
    from matches m
    join competitions c on c.id = m.competition_id
    join seasons s on s.id = m.season_id
    join teams h on h.id = m.home_team_id
    join teams a on a.id = m.away_team_id
    left join match_stats sh on sh.match_id = m.id and sh.side = 'home'
    left join match_stats sa on sa.match_id = m.id and sa.side = 'away'
    left join whoscored_team_stats wh on wh.match_id = m.id and wh.side = 'home'
    left join whoscored_team_stats wa on wa.match_id = m.id and wa.side = 'away'
    where ${leagueFilter} and m.home_goals is not null and m.away_goals is not null
    order by m.kickoff_date, m.id`.execute(db);
  const prices = opts.prices === false ? new Map<number, OddsRow[]>() : await marketPrices(db, leagueFilter);
  const num = (v: number | null) => (v === null || v === undefined ? null : Number(v));
  return rows.rows.map((r) => {
    const anyStat = [r.hs, r.hst, r.hc, r.as_, r.ast, r.ac, r.hxg, r.axg].some((v) => v !== null && v !== undefined);
    return {
      id: r.id,
      league: r.league,
      season: r.season,
      day: isoToDay(String(r.kickoff_date).slice(0, 10)),
      home: r.home,
      away: r.away,
      homeGoals: Number(r.home_goals),
      awayGoals: Number(r.away_goals),
      stats: anyStat
        ? {
            home: { shots: num(r.hs), shotsOnTarget: num(r.hst), corners: num(r.hc), xg: num(r.hxg) },
            away: { shots: num(r.as_), shotsOnTarget: num(r.ast), corners: num(r.ac), xg: num(r.axg) },
          }
        : null,
      prices: prices.get(r.id) ?? [],
    };
  });
}

/**
 * The MARKET_PRICE_KEYS prices of the matches passing `leagueFilter`, by match id. One row per
 * match with its prices as a JSON array: parsing a few thousand JSON strings is ~5x faster on
 * PGlite than a row per price.
 */
async function marketPrices(db: Kysely<Database>, leagueFilter: RawBuilder<unknown>): Promise<Map<number, OddsRow[]>> {
  const keys = sql.join(MARKET_PRICE_KEYS.map((k) => sql`(${k.bookmaker}, ${k.kind})`));
  const r = await sql<{ match_id: number; prices: string }>`
    select o.match_id, json_agg(json_build_array(o.bookmaker, o.kind, o.home, o.draw, o.away) order by o.bookmaker, o.kind)::text as prices
    from odds o join matches m on m.id = o.match_id join competitions c on c.id = m.competition_id
    where ${leagueFilter} and (o.bookmaker, o.kind) in (${keys})
    group by o.match_id`.execute(db);
  const out = new Map<number, OddsRow[]>();
  for (const row of r.rows) {
    const list = JSON.parse(row.prices) as [string, OddsKind, number, number, number][];
    out.set(Number(row.match_id), list.map(([bookmaker, kind, home, draw, away]) => ({ matchId: Number(row.match_id), bookmaker, kind, home: Number(home), draw: Number(draw), away: Number(away) })));
  }
  return out;
}

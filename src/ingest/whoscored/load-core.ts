/**
 * Writing WhoScored facts into the shared core tables: competitions, seasons, canonical teams
 * (through the shared alias table, so CSV and WhoScored rows meet), and matches keyed on the
 * natural key (season, home, away) with the WhoScored id linked alongside.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, MatchesTable } from '../../warehouse/schema.ts';
import { normaliseAlias, resolveTeams } from '../teams.ts';
import { canonicalForWhoScored } from './aliases.ts';
import type { WsLeague } from './leagues.ts';
import type { MatchStatus, WsTeamRef } from './records.ts';
import type { WsMatchesTable, WsTrx } from './schema.ts';

export interface LoadCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export const zeroCounts = (): LoadCounts => ({ inserted: 0, updated: 0, unchanged: 0 });

export function addCounts(a: LoadCounts, b: LoadCounts): LoadCounts {
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged };
}

export async function ensureCompetitionSeason(trx: WsTrx, league: WsLeague, season: string): Promise<{ competitionId: number; seasonId: number }> {
  await trx
    .insertInto('competitions')
    .values({ code: league.code, name: league.title, country: league.country })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const comp = await trx.selectFrom('competitions').select('id').where('code', '=', league.code).executeTakeFirstOrThrow();
  await trx
    .insertInto('seasons')
    .values({ competition_id: comp.id, name: season })
    .onConflict((oc) => oc.columns(['competition_id', 'name']).doNothing())
    .execute();
  const s = await trx.selectFrom('seasons').select('id').where('competition_id', '=', comp.id).where('name', '=', season).executeTakeFirstOrThrow();
  return { competitionId: comp.id, seasonId: s.id };
}

/**
 * WhoScored team ids → canonical team ids. Known WhoScored ids map directly; new ones go
 * through the alias table (WhoScored spelling → canonical name → team), and the spelling is
 * stored as an alias with source "whoscored".
 */
export async function resolveWsTeams(trx: WsTrx, refs: readonly WsTeamRef[]): Promise<Map<number, number>> {
  const ids = [...new Set(refs.map((r) => r.teamId))];
  const out = new Map<number, number>();
  if (ids.length === 0) return out;
  const known = await trx.selectFrom('whoscored_teams').select(['whoscored_team_id', 'team_id']).where('whoscored_team_id', 'in', ids).execute();
  for (const k of known) out.set(k.whoscored_team_id, k.team_id);
  const unknown = refs.filter((r) => !out.has(r.teamId));
  if (unknown.length > 0) {
    const canonical = [...new Set(unknown.map((r) => canonicalForWhoScored(r.name)))];
    const teamIds = await resolveTeams(trx as unknown as Kysely<Database>, canonical, 'whoscored');
    const rows = new Map<number, { whoscored_team_id: number; team_id: number; name: string }>();
    for (const r of unknown) rows.set(r.teamId, { whoscored_team_id: r.teamId, team_id: teamIds.get(canonicalForWhoScored(r.name))!, name: r.name });
    await trx.insertInto('whoscored_teams').values([...rows.values()]).onConflict((oc) => oc.column('whoscored_team_id').doNothing()).execute();
    for (const r of rows.values()) out.set(r.whoscored_team_id, r.team_id);
  }
  // Every WhoScored spelling becomes an alias of its team (no-op when already there).
  const aliases = new Map<string, { alias: string; team_id: number; source: string }>();
  for (const r of refs) {
    const alias = normaliseAlias(r.name);
    if (alias) aliases.set(alias, { alias, team_id: out.get(r.teamId)!, source: 'whoscored' });
  }
  if (aliases.size) await trx.insertInto('team_aliases').values([...aliases.values()]).onConflict((oc) => oc.column('alias').doNothing()).execute();
  return out;
}

export interface MatchFacts {
  competitionId: number;
  seasonId: number;
  homeTeamId: number;
  awayTeamId: number;
  date: string;
  time: string | null;
  status: MatchStatus;
  homeGoals: number | null;
  awayGoals: number | null;
  homeGoalsHt?: number | null;
  awayGoalsHt?: number | null;
  referee?: string | null;
  whoscoredId: number | null;
  ingestionRunId?: number | null;
}

type MatchRow = Selectable<MatchesTable>;
const keyOf = (seasonId: number, home: number, away: number) => `${seasonId}/${home}/${away}`;

/** What to change on an existing row; a finished result is never replaced or downgraded. */
function patchFor(existing: MatchRow, f: MatchFacts): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const wasFinished = existing.status === 'finished';
  if (!wasFinished) {
    if (f.status !== existing.status) patch.status = f.status;
    if (f.date !== existing.kickoff_date) patch.kickoff_date = f.date;
    if (f.time && f.time !== existing.kickoff_time) patch.kickoff_time = f.time;
    if (f.status === 'finished') {
      patch.home_goals = f.homeGoals;
      patch.away_goals = f.awayGoals;
    }
  } else if (existing.kickoff_time === null && f.time) patch.kickoff_time = f.time;
  if (existing.home_goals_ht === null && f.homeGoalsHt != null && f.awayGoalsHt != null && (f.status === 'finished' || wasFinished)) {
    patch.home_goals_ht = f.homeGoalsHt;
    patch.away_goals_ht = f.awayGoalsHt;
  }
  if (existing.referee === null && f.referee) patch.referee = f.referee;
  const sourceIds = existing.source_ids as unknown as Record<string, string>;
  if (f.whoscoredId !== null && sourceIds.whoscored !== String(f.whoscoredId)) {
    patch.source_ids = JSON.stringify({ ...sourceIds, whoscored: String(f.whoscoredId) });
  }
  return patch;
}

/**
 * Upsert matches on their natural key (season, home, away) in a few statements: existing rows
 * (from any source) gain the WhoScored id, and a result when they had none; new ones are
 * inserted in one batch. Returns each fact's match id and what happened to it.
 */
export async function upsertMatches(trx: WsTrx, facts: readonly MatchFacts[]): Promise<{ matchId: number; change: keyof LoadCounts }[]> {
  if (facts.length === 0) return [];
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  const existing = await trx
    .selectFrom('matches')
    .selectAll()
    .where('season_id', 'in', uniq(facts.map((f) => f.seasonId)))
    .where('home_team_id', 'in', uniq(facts.map((f) => f.homeTeamId)))
    .where('away_team_id', 'in', uniq(facts.map((f) => f.awayTeamId)))
    .execute();
  const byKey = new Map(existing.map((r) => [keyOf(r.season_id, r.home_team_id, r.away_team_id), r]));
  const out: { matchId: number; change: keyof LoadCounts }[] = new Array(facts.length);
  const toInsert = new Map<string, { f: MatchFacts; slots: number[] }>();
  for (let i = 0; i < facts.length; i++) {
    const f = facts[i];
    const key = keyOf(f.seasonId, f.homeTeamId, f.awayTeamId);
    const ex = byKey.get(key);
    if (!ex) {
      const pending = toInsert.get(key);
      if (pending) pending.slots.push(i);
      else toInsert.set(key, { f, slots: [i] });
      continue;
    }
    const patch = patchFor(ex, f);
    if (Object.keys(patch).length === 0) {
      out[i] = { matchId: ex.id, change: 'unchanged' };
      continue;
    }
    const updated = await trx
      .updateTable('matches')
      .set({ ...patch, updated_at: new Date(), ...(f.ingestionRunId ? { ingestion_run_id: f.ingestionRunId } : {}) })
      .where('id', '=', ex.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    byKey.set(key, updated);
    out[i] = { matchId: ex.id, change: 'updated' };
  }
  if (toInsert.size > 0) {
    const pending = [...toInsert.values()];
    const rows = await trx
      .insertInto('matches')
      .values(
        pending.map(({ f }) => ({
          competition_id: f.competitionId,
          season_id: f.seasonId,
          kickoff_date: f.date,
          kickoff_time: f.time,
          home_team_id: f.homeTeamId,
          away_team_id: f.awayTeamId,
          status: f.status,
          home_goals: f.status === 'finished' ? f.homeGoals : null,
          away_goals: f.status === 'finished' ? f.awayGoals : null,
          home_goals_ht: f.homeGoalsHt ?? null,
          away_goals_ht: f.awayGoalsHt ?? null,
          referee: f.referee ?? null,
          source_ids: JSON.stringify(f.whoscoredId !== null ? { whoscored: String(f.whoscoredId) } : {}),
          ingestion_run_id: f.ingestionRunId ?? null,
        })),
      )
      .returning(['id', 'season_id', 'home_team_id', 'away_team_id'])
      .execute();
    const idByKey = new Map(rows.map((r) => [keyOf(r.season_id, r.home_team_id, r.away_team_id), r.id]));
    for (const [key, p] of toInsert) p.slots.forEach((slot, j) => (out[slot] = { matchId: idByKey.get(key)!, change: j === 0 ? 'inserted' : 'unchanged' }));
  }
  return out;
}

export async function upsertMatch(trx: WsTrx, f: MatchFacts): Promise<{ matchId: number; change: keyof LoadCounts }> {
  return (await upsertMatches(trx, [f]))[0];
}

export type WsLink = Omit<Insertable<WsMatchesTable>, 'updated_at'>;

/** Link WhoScored match ids to match rows: new links inserted in one batch, changed ones updated, stale ones replaced. */
export async function linkWhoScored(trx: WsTrx, links: readonly WsLink[]): Promise<void> {
  if (links.length === 0) return;
  const existing = await trx
    .selectFrom('whoscored_matches')
    .selectAll()
    .where((eb) => eb.or([eb('whoscored_id', 'in', links.map((l) => l.whoscored_id)), eb('match_id', 'in', links.map((l) => l.match_id))]))
    .execute();
  const byWs = new Map(existing.map((e) => [e.whoscored_id, e]));
  const stale = existing.filter((e) => links.some((l) => l.match_id === e.match_id && l.whoscored_id !== e.whoscored_id));
  if (stale.length) await trx.deleteFrom('whoscored_matches').where('whoscored_id', 'in', stale.map((e) => e.whoscored_id)).execute();
  const fresh = new Map<number, WsLink>();
  for (const l of links) {
    const e = byWs.get(l.whoscored_id);
    if (!e || stale.includes(e)) {
      fresh.set(l.whoscored_id, l);
      continue;
    }
    const changed = Object.entries(l).some(([k, v]) => v !== undefined && (e as Record<string, unknown>)[k] !== v);
    if (changed) await trx.updateTable('whoscored_matches').set({ ...l, updated_at: new Date() }).where('whoscored_id', '=', l.whoscored_id).execute();
  }
  if (fresh.size) await trx.insertInto('whoscored_matches').values([...fresh.values()]).execute();
}

/**
 * What the warehouse already holds for a season, as one fingerprint per match (its values,
 * stats and prices), so the writer skips matches a re-load would not change.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { FOOTBALL_DATA_SOURCE } from './competitions.ts';
import { fingerprint, type OddsValues, type StatValues, type TotalsValues } from './match-values.ts';

export /** Fingerprints of the season's stored matches, by natural key. */
async function storedFingerprints(trx: Kysely<Database>, seasonId: number): Promise<Map<string, { id: number; fp: string }>> {
  const out = new Map<string, { id: number; fp: string }>();
  const matches = await trx
    .selectFrom('matches')
    .select([
      'id',
      'home_team_id',
      'away_team_id',
      'competition_id',
      'kickoff_date',
      'kickoff_time',
      'status',
      'home_goals',
      'away_goals',
      'home_goals_ht',
      'away_goals_ht',
      'referee',
      'source_ids',
    ])
    .where('season_id', '=', seasonId)
    .execute();
  if (matches.length === 0) return out;

  const stats = new Map<number, StatValues[]>();
  const odds = new Map<number, OddsValues[]>();
  const totals = new Map<number, TotalsValues[]>();
  const push = <T>(m: Map<number, T[]>, k: number, v: T) => {
    const arr = m.get(k);
    if (arr) arr.push(v);
    else m.set(k, [v]);
  };
  for (const r of await trx
    .selectFrom('match_stats')
    .innerJoin('matches', 'matches.id', 'match_stats.match_id')
    .where('matches.season_id', '=', seasonId)
    .selectAll('match_stats')
    .execute()) {
    push(stats, r.match_id, [r.side, r.shots, r.shots_on_target, r.corners, r.fouls, r.yellow_cards, r.red_cards]);
  }
  for (const r of await trx
    .selectFrom('odds')
    .innerJoin('matches', 'matches.id', 'odds.match_id')
    .where('matches.season_id', '=', seasonId)
    .selectAll('odds')
    .execute()) {
    push(odds, r.match_id, [r.bookmaker, r.kind, r.home, r.draw, r.away]);
  }
  for (const r of await trx
    .selectFrom('odds_totals')
    .innerJoin('matches', 'matches.id', 'odds_totals.match_id')
    .where('matches.season_id', '=', seasonId)
    .selectAll('odds_totals')
    .execute()) {
    push(totals, r.match_id, [r.bookmaker, r.kind, r.line, r.over, r.under]);
  }
  for (const r of matches) {
    const sourceIds = (typeof r.source_ids === 'string' ? JSON.parse(r.source_ids) : r.source_ids) as Record<string, string>;
    const fp = fingerprint(
      {
        competition_id: r.competition_id,
        kickoff_date: r.kickoff_date,
        kickoff_time: r.kickoff_time,
        status: r.status,
        home_goals: r.home_goals,
        away_goals: r.away_goals,
        home_goals_ht: r.home_goals_ht,
        away_goals_ht: r.away_goals_ht,
        referee: r.referee,
        sourceId: sourceIds?.[FOOTBALL_DATA_SOURCE] ?? null,
      },
      stats.get(r.id) ?? [],
      odds.get(r.id) ?? [],
      totals.get(r.id) ?? [],
    );
    out.set(`${r.home_team_id}:${r.away_team_id}`, { id: r.id, fp });
  }
  return out;
}

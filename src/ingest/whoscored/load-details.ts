/** The per-match detail tables a match centre fills: statistics, lineups, formations. */
import type { WsMatchCentre } from './records.ts';
import type { WsTrx } from './schema.ts';
import { sql, type RawBuilder } from 'kysely';

const TEAM_STAT_COLUMNS = ['shots', 'shots_on_target', 'shots_blocked', 'shots_off_target', 'big_chances', 'big_chances_scored', 'passes', 'passes_accurate', 'possession', 'corners', 'fouls', 'yellow_cards', 'red_cards', 'xg_proxy', 'goals'] as const;
const LINEUP_COLUMNS = ['side', 'player_name', 'shirt_no', 'position', 'starter', 'man_of_the_match'] as const;

/** `do update set c = excluded.c` for each of `columns` (a re-parsed page replaces its rows' values). */
function fromExcluded<C extends string>(columns: readonly C[]): Record<C, RawBuilder<any>> {
  return Object.fromEntries(columns.map((c) => [c, sql.ref<any>(`excluded.${c}`)])) as Record<C, RawBuilder<any>>;
}

export async function loadMatchDetails(trx: WsTrx, matchId: number, m: WsMatchCentre): Promise<void> {
  const sides = ['home', 'away'] as const;
  // Core statistics: filled when no source has them yet (the CSV source keeps its own values).
  await trx
    .insertInto('match_stats')
    .values(
      sides.map((side) => {
        const s = m.stats[side];
        return {
          match_id: matchId,
          side,
          shots: s.shots,
          shots_on_target: s.shotsOnTarget,
          corners: s.corners,
          fouls: s.fouls,
          yellow_cards: s.yellowCards,
          red_cards: s.redCards,
        };
      }),
    )
    .onConflict((oc) => oc.columns(['match_id', 'side']).doNothing())
    .execute();

  await trx
    .insertInto('whoscored_team_stats')
    .values(
      sides.map((side) => {
        const s = m.stats[side];
        return {
          match_id: matchId,
          side,
          shots: s.shots,
          shots_on_target: s.shotsOnTarget,
          shots_blocked: s.shotsBlocked,
          shots_off_target: s.shotsOffTarget,
          big_chances: s.bigChances,
          big_chances_scored: s.bigChancesScored,
          passes: s.passes,
          passes_accurate: s.passesAccurate,
          possession: s.possession,
          corners: s.corners,
          fouls: s.fouls,
          yellow_cards: s.yellowCards,
          red_cards: s.redCards,
          xg_proxy: s.xgProxy,
          goals: s.goals,
        };
      }),
    )
    .onConflict((oc) =>
      oc.columns(['match_id', 'side']).doUpdateSet(fromExcluded(TEAM_STAT_COLUMNS)),
    )
    .execute();

  const players = [...new Map(m.players.map((p) => [p.playerId, p])).values()];
  await trx.deleteFrom('whoscored_lineups').where('match_id', '=', matchId).where('player_id', 'not in', players.length ? players.map((p) => p.playerId) : [-1]).execute();
  if (players.length) {
    await trx
      .insertInto('whoscored_lineups')
      .values(
        players.map((p) => ({
          match_id: matchId,
          side: p.side,
          player_id: p.playerId,
          player_name: p.name,
          shirt_no: p.shirtNo,
          position: p.position,
          starter: p.starter,
          man_of_the_match: p.manOfTheMatch,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['match_id', 'player_id']).doUpdateSet(fromExcluded(LINEUP_COLUMNS)),
      )
      .execute();
  }

  await trx.deleteFrom('whoscored_formations').where('match_id', '=', matchId).execute();
  if (m.formations.length) {
    await trx
      .insertInto('whoscored_formations')
      .values(
        m.formations.map((f) => ({
          match_id: matchId,
          side: f.side,
          seq: f.seq,
          formation: f.formation,
          start_minute: f.startMinute,
          end_minute: f.endMinute,
          captain_player_id: f.captainPlayerId,
        })),
      )
      .execute();
  }
}

/** The per-match detail tables a match centre fills: statistics, lineups, formations. */
import type { WsMatchCentre } from './records.ts';
import type { WsTrx } from './schema.ts';

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
      oc.columns(['match_id', 'side']).doUpdateSet((eb) => ({
        shots: eb.ref('excluded.shots'),
        shots_on_target: eb.ref('excluded.shots_on_target'),
        shots_blocked: eb.ref('excluded.shots_blocked'),
        shots_off_target: eb.ref('excluded.shots_off_target'),
        big_chances: eb.ref('excluded.big_chances'),
        big_chances_scored: eb.ref('excluded.big_chances_scored'),
        passes: eb.ref('excluded.passes'),
        passes_accurate: eb.ref('excluded.passes_accurate'),
        possession: eb.ref('excluded.possession'),
        corners: eb.ref('excluded.corners'),
        fouls: eb.ref('excluded.fouls'),
        yellow_cards: eb.ref('excluded.yellow_cards'),
        red_cards: eb.ref('excluded.red_cards'),
        xg_proxy: eb.ref('excluded.xg_proxy'),
        goals: eb.ref('excluded.goals'),
      })),
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
        oc.columns(['match_id', 'player_id']).doUpdateSet((eb) => ({
          side: eb.ref('excluded.side'),
          player_name: eb.ref('excluded.player_name'),
          shirt_no: eb.ref('excluded.shirt_no'),
          position: eb.ref('excluded.position'),
          starter: eb.ref('excluded.starter'),
          man_of_the_match: eb.ref('excluded.man_of_the_match'),
        })),
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

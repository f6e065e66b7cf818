/**
 * Team match statistics derived from the match-centre events (Opta-style). Definitions follow
 * WhoScored's own totals where they can be checked against its `stats` block:
 * - shots: events with isShot, own goals excluded; on target = goals + saved shots that were not blocked;
 * - big chances: shots with the BigChance qualifier;
 * - passes: Pass events except throw-ins, crosses and keeper throws (= WhoScored's passesTotal);
 * - possession: the team's share of Pass events excluding throw-ins (= WhoScored's possession);
 * - corners: successful CornerAwarded events; fouls: unsuccessful Foul events (fouls committed);
 * - cards: Card events (SecondYellow counts as red);
 * - xG proxy: a logistic of distance and goal-mouth angle with hand-set coefficients
 *   (penalties 0.76, headers penalised); a proxy, not a fitted model.
 */
import type { WsTeamStats } from './records.ts';

interface Named {
  value?: number;
  displayName?: string;
}
interface Ev {
  teamId?: number;
  type?: Named;
  outcomeType?: Named;
  qualifiers?: { type?: Named }[];
  isShot?: boolean;
  cardType?: Named;
  x?: number;
  y?: number;
}

const TYPE = { pass: 1, foul: 4, corner: 6, card: 17, miss: 13, post: 14, saved: 15, goal: 16 } as const;
const Q = { penalty: 9, head: 15, throwIn: 107, cross: 2, keeperThrow: 123, ownGoal: 28, bigChance: 214, blocked: 82 } as const;
const Q_NAMES: Record<keyof typeof Q, string> = {
  penalty: 'Penalty',
  head: 'Head',
  throwIn: 'ThrowIn',
  cross: 'Cross',
  keeperThrow: 'KeeperThrow',
  ownGoal: 'OwnGoal',
  bigChance: 'BigChance',
  blocked: 'Blocked',
};
const T_NAMES: Record<keyof typeof TYPE, string> = {
  pass: 'Pass',
  foul: 'Foul',
  corner: 'CornerAwarded',
  card: 'Card',
  miss: 'MissedShots',
  post: 'ShotOnPost',
  saved: 'SavedShot',
  goal: 'Goal',
};

function isType(e: Ev, t: keyof typeof TYPE): boolean {
  return e.type?.displayName !== undefined ? e.type.displayName === T_NAMES[t] : e.type?.value === TYPE[t];
}

function has(e: Ev, q: keyof typeof Q): boolean {
  const qs = e.qualifiers;
  if (!qs) return false;
  for (const x of qs) {
    const n = x.type?.displayName;
    if (n !== undefined ? n === Q_NAMES[q] : x.type?.value === Q[q]) return true;
  }
  return false;
}

const PITCH_X = 105;
const PITCH_Y = 68;
const HALF_GOAL = 7.32 / 2;

/** Expected-goals proxy of one shot from its Opta coordinates (0-100, attacking towards x = 100). */
export function shotXg(x: number, y: number, opts: { penalty?: boolean; header?: boolean } = {}): number {
  if (opts.penalty) return 0.76;
  const dx = Math.max(0.5, ((100 - x) * PITCH_X) / 100);
  const dy = ((y - 50) * PITCH_Y) / 100;
  const dist = Math.hypot(dx, dy);
  let angle = Math.atan2(2 * HALF_GOAL * dx, dx * dx + dy * dy - HALF_GOAL * HALF_GOAL);
  if (angle < 0) angle += Math.PI;
  const logit = -1.1 + 1.6 * angle - 0.09 * dist - (opts.header ? 0.9 : 0);
  return Math.min(0.95, Math.max(0.01, 1 / (1 + Math.exp(-logit))));
}

function empty(): WsTeamStats & { possessionPasses: number } {
  return {
    shots: 0,
    shotsOnTarget: 0,
    shotsBlocked: 0,
    shotsOffTarget: 0,
    bigChances: 0,
    bigChancesScored: 0,
    passes: 0,
    passesAccurate: 0,
    possession: null,
    corners: 0,
    fouls: 0,
    yellowCards: 0,
    redCards: 0,
    xgProxy: 0,
    goals: 0,
    possessionPasses: 0,
  };
}

export function teamStatsFromEvents(events: readonly unknown[], homeTeamId: number, awayTeamId: number): { home: WsTeamStats; away: WsTeamStats } {
  const acc = { home: empty(), away: empty() };
  for (const raw of events) {
    const e = raw as Ev;
    const side = e.teamId === homeTeamId ? 'home' : e.teamId === awayTeamId ? 'away' : undefined;
    if (!side) continue;
    const s = acc[side];
    const other = acc[side === 'home' ? 'away' : 'home'];
    const successful = e.outcomeType?.value === 1;
    if (isType(e, 'pass')) {
      if (!has(e, 'throwIn')) {
        s.possessionPasses++;
        if (!has(e, 'cross') && !has(e, 'keeperThrow')) {
          s.passes++;
          if (successful) s.passesAccurate++;
        }
      }
      continue;
    }
    if (isType(e, 'goal') && has(e, 'ownGoal')) {
      other.goals++;
      continue;
    }
    if (e.isShot === true || isType(e, 'goal') || isType(e, 'saved') || isType(e, 'miss') || isType(e, 'post')) {
      s.shots++;
      const blocked = has(e, 'blocked');
      const goal = isType(e, 'goal');
      if (goal) s.goals++;
      if (goal || (isType(e, 'saved') && !blocked)) s.shotsOnTarget++;
      else if (blocked) s.shotsBlocked++;
      else s.shotsOffTarget++;
      if (has(e, 'bigChance')) {
        s.bigChances++;
        if (goal) s.bigChancesScored++;
      }
      if (typeof e.x === 'number' && typeof e.y === 'number') {
        s.xgProxy += shotXg(e.x, e.y, { penalty: has(e, 'penalty'), header: has(e, 'head') });
      }
      continue;
    }
    if (isType(e, 'corner')) {
      if (successful) s.corners++;
    } else if (isType(e, 'foul')) {
      if (!successful) s.fouls++;
    } else if (isType(e, 'card')) {
      const c = e.cardType?.displayName ?? '';
      if (c === 'Yellow') s.yellowCards++;
      else if (c === 'Red' || c === 'SecondYellow') s.redCards++;
    }
  }
  const total = acc.home.possessionPasses + acc.away.possessionPasses;
  const out = {} as { home: WsTeamStats; away: WsTeamStats };
  for (const side of ['home', 'away'] as const) {
    const { possessionPasses, ...stats } = acc[side];
    stats.possession = total > 0 ? Math.round((possessionPasses / total) * 10000) / 10000 : null;
    stats.xgProxy = Math.round(stats.xgProxy * 1000) / 1000;
    out[side] = stats;
  }
  return out;
}

/** Data for the quality tests: bundled seasons as backtest matches, and a seeded synthetic league with statistics and prices. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFootballDataCsv } from '../../src/ingest/football-data/parse.ts';
import { isoToDay, type Odds1x2 } from '../../src/domain/types.ts';
import { toBacktestMatch } from '../../src/stages/backtest.ts';
import type { BacktestMatch } from '../../src/ml/evaluation/backtest.ts';
import type { BookPrice } from '../../src/ml/market/market.ts';
import { simulateLeague } from '../ml/league.ts';
import { mulberry32, poisson } from '../ml/prng.ts';
import { marketsFromGrid, scoreGrid } from '../../src/ml/goals/score-grid.ts';

/**
 * Bundled seasons of a league (e.g. ['2020-2021', '2021-2022']) as backtest matches, ids from
 * `firstId` in file order, sorted by day then id. `dir` holds one folder per league of
 * `<season>.csv` files (default: data/football-data under the working directory). Also used by
 * bench/quality.ts.
 */
export function bundledMatches(league: string, seasons: readonly string[], firstId = 1, dir = path.join('data', 'football-data')): BacktestMatch[] {
  const out: BacktestMatch[] = [];
  let id = firstId;
  for (const s of seasons) {
    const file = path.join(dir, league, `${s}.csv`);
    const p = parseFootballDataCsv(readFileSync(file, 'utf8'), file);
    for (const m of p.matches) {
      out.push(
        toBacktestMatch({
          id: id++,
          league,
          season: p.season,
          day: isoToDay(m.date),
          home: m.home,
          away: m.away,
          homeGoals: m.fthg,
          awayGoals: m.ftag,
          stats: {
            home: { shots: m.stats.home.shots, shotsOnTarget: m.stats.home.shotsOnTarget, corners: m.stats.home.corners, xg: null },
            away: { shots: m.stats.away.shots, shotsOnTarget: m.stats.away.shotsOnTarget, corners: m.stats.away.corners, xg: null },
          },
          prices: m.odds.map((o) => ({ matchId: id - 1, ...o })),
        }),
      );
    }
  }
  return out.sort((a, b) => a.day - b.day || a.id - b.id);
}

function oddsFrom(p: [number, number, number], margin: number): Odds1x2 {
  return { home: 1 / (p[0] * (1 + margin)), draw: 1 / (p[1] * (1 + margin)), away: 1 / (p[2] * (1 + margin)) };
}

/**
 * A simulated league (test/ml/league.ts) with shots, shots on target and prices (Pinnacle
 * pre-match and closing) from the true goal rates with noise (seeded).
 */
export function syntheticLeague(seed: number, teams = 12, seasons = 3, league = 'X1'): BacktestMatch[] {
  const sim = simulateLeague(seed, teams, seasons);
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const seasonOf = (day: number) => {
    const y = new Date(day * 86_400_000).getUTCFullYear();
    const m = new Date(day * 86_400_000).getUTCMonth();
    const start = m >= 6 ? y : y - 1;
    return `${start}-${start + 1}`;
  };
  return sim.matches.map((m, i) => {
    const hsot = m.homeGoals + poisson(rand, 3);
    const asot = m.awayGoals + poisson(rand, 2.5);
    const th = sim.truth.get(m.home)!;
    const ta = sim.truth.get(m.away)!;
    const noise = () => Math.exp(0.15 * (rand() - 0.5));
    const g = marketsFromGrid(scoreGrid(Math.exp(0.15 + sim.home + th.attack + ta.defence) * noise(), Math.exp(0.15 + ta.attack + th.defence) * noise())).probabilities;
    const norm: [number, number, number] = [g.home, g.draw, g.away];
    const prices: BookPrice[] = [
      { bookmaker: 'pinnacle', kind: 'pre', ...oddsFrom(norm, 0.03) },
      { bookmaker: 'pinnacle', kind: 'closing', ...oddsFrom(norm, 0.025) },
    ];
    return {
      id: i + 1,
      season: seasonOf(m.day),
      league,
      day: m.day,
      home: m.home,
      away: m.away,
      homeGoals: m.homeGoals,
      awayGoals: m.awayGoals,
      stats: { home: { shots: hsot + poisson(rand, 7), shotsOnTarget: hsot, corners: null, xg: null }, away: { shots: asot + poisson(rand, 6), shotsOnTarget: asot, corners: null, xg: null } },
      preOdds: { home: prices[0]!.home, draw: prices[0]!.draw, away: prices[0]!.away },
      prices,
    };
  });
}

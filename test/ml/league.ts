/** A deterministic simulated league for model tests (never used by src/). */
import type { TrainingMatch } from '../../src/ml/models/model.ts';
import { mulberry32, normal, poisson } from './prng.ts';

export interface SimulatedLeague {
  matches: TrainingMatch[];
  /** True attack/defence (defence = weakness) per team name. */
  truth: Map<string, { attack: number; defence: number }>;
  home: number;
  lastDay: number;
}

/**
 * `seasons` double round robins of `teams` teams; after each season the 3 weakest teams are
 * replaced by newly named, weak teams (promotion). Goals ~ Poisson with
 * λ = exp(base + home + att_h + def_a), μ = exp(base + att_a + def_h).
 */
export function simulateLeague(seed: number, teams = 20, seasons = 3, startDay = 18_000): SimulatedLeague {
  const rand = mulberry32(seed);
  const base = 0.15;
  const home = 0.25;
  const truth = new Map<string, { attack: number; defence: number }>();
  let nextId = 0;
  const newTeam = (weak: boolean): string => {
    const name = `Team ${String(nextId++).padStart(2, '0')}`;
    const shift = weak ? -0.2 : 0;
    truth.set(name, { attack: 0.25 * normal(rand) + shift, defence: 0.2 * normal(rand) - shift });
    return name;
  };
  let current = Array.from({ length: teams }, () => newTeam(false));
  const matches: TrainingMatch[] = [];
  let day = startDay;
  for (let s = 0; s < seasons; s++) {
    const pairs: [string, string][] = [];
    for (const h of current) for (const a of current) if (h !== a) pairs.push([h, a]);
    // Deterministic interleaving: shuffle pairs, then play them teams/2 per round, one round a week.
    for (let i = pairs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [pairs[i], pairs[j]] = [pairs[j], pairs[i]];
    }
    pairs.forEach(([h, a], i) => {
      const th = truth.get(h)!;
      const ta = truth.get(a)!;
      const lam = Math.exp(base + home + th.attack + ta.defence);
      const mu = Math.exp(base + ta.attack + th.defence);
      matches.push({ day: day + Math.floor(i / (teams / 2)) * 7 + (i % 2), home: h, away: a, homeGoals: poisson(rand, lam), awayGoals: poisson(rand, mu) });
    });
    day += Math.ceil(pairs.length / (teams / 2)) * 7 + 90;
    const ranked = [...current].sort((x, y) => {
      const a = truth.get(x)!;
      const b = truth.get(y)!;
      return a.attack - a.defence - (b.attack - b.defence);
    });
    const relegated = new Set(ranked.slice(0, 3));
    current = [...current.filter((t) => !relegated.has(t)), newTeam(true), newTeam(true), newTeam(true)];
  }
  return { matches, truth, home, lastDay: Math.max(...matches.map((m) => m.day)) };
}

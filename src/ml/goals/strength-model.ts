/**
 * What the team-strength goal models (dixon-coles.ts, with poisson.ts, and diagonal-poisson.ts)
 * share around their likelihoods: the time-weighted data a fit reads, the start points and the
 * optimiser run, and a fitted model of attacks and defences with a promoted-team prior, its
 * goal rates and its JSON.
 */
import type { TrainingMatch } from '../models/model.ts';
import { buildDcData, type DcData } from './dixon-coles-likelihood.ts';
import { FittedState, type JsonReader } from '../models/model-base.ts';
import { minimizeLbfgs, type LbfgsResult, type ObjectiveFn } from '../numeric/lbfgs.ts';
import type { Strengths } from './strength-likelihood.ts';
import { compareStrings, selectMatches, teamsOf } from '../models/training-data.ts';

/** Number of weakest teams whose mean attack/defence a promoted team gets. */
export const PRIOR_TEAMS = 3;

export interface TeamStrength {
  team: string;
  attack: number;
  defence: number;
}

/** Mean attack and defence of the `PRIOR_TEAMS` teams with the lowest attack − defence (ties by name). */
export function weakestTeamsPrior(strengths: Iterable<TeamStrength>): { attack: number; defence: number } {
  const weakest = [...strengths]
    .sort((a, b) => a.attack - a.defence - (b.attack - b.defence) || compareStrings(a.team, b.team))
    .slice(0, PRIOR_TEAMS);
  if (weakest.length === 0) return { attack: 0, defence: 0 };
  let att = 0;
  let def = 0;
  for (const t of weakest) {
    att += t.attack;
    def += t.defence;
  }
  return { attack: att / weakest.length, defence: def / weakest.length };
}

/** The matches with asOfDay − windowDays ≤ day < asOfDay as typed arrays, weighted φ = exp(−ξ·(asOfDay − day)). */
export function timeWeightedData(matches: readonly TrainingMatch[], asOfDay: number, hyper: { xi: number; windowDays: number }): DcData {
  const selected = selectMatches(matches, asOfDay, asOfDay - hyper.windowDays);
  return buildDcData(
    selected.map((m) => ({
      home: m.home,
      away: m.away,
      homeGoals: m.homeGoals,
      awayGoals: m.awayGoals,
      weight: Math.exp(-hyper.xi * (asOfDay - m.day)),
    })),
    teamsOf(selected),
  );
}

/** Throw unless the data holds a match and two teams to fit on. */
export function requireMatches(model: string, data: DcData, windowDays: number, asOfDay: number): void {
  if (data.homeIdx.length === 0 || data.teams.length < 2) {
    throw new Error(`${model}: no matches in the ${windowDays} days before day ${asOfDay} to fit on`);
  }
}

/** Cold start: attacks 0, every defence and the home effect from the weighted mean goals. */
export function coldStrengths(data: DcData): Strengths & { home: number } {
  const n = data.teams.length;
  let gh = 0;
  let ga = 0;
  for (let m = 0; m < data.weight.length; m++) {
    gh += data.weight[m] * data.homeGoals[m];
    ga += data.weight[m] * data.awayGoals[m];
  }
  const mh = Math.max(gh / data.totalWeight, 0.1);
  const ma = Math.max(ga / data.totalWeight, 0.1);
  return { attack: new Float64Array(n), defence: new Float64Array(n).fill(Math.log(ma)), home: Math.log(mh / ma) };
}

/** Warm start: a previous fit's home effect and its strengths of `teams` (its prior for a team it never saw). */
export function strengthsOf(teams: readonly string[], model: StrengthModel<StrengthState<object, object>>): Strengths & { home: number } {
  const attack = new Float64Array(teams.length);
  const defence = new Float64Array(teams.length);
  teams.forEach((team, i) => {
    const s = model.strength(team);
    attack[i] = s.attack;
    defence[i] = s.defence;
  });
  return { attack, defence, home: model.home };
}

/** Fitted strengths by team, and the promoted-team prior they give. */
export type StrengthTable = { strengths: Map<string, TeamStrength>; prior: { attack: number; defence: number } };

/**
 * Minimise `objective` from `x0` by L-BFGS as the goal models run it (an error if the fit
 * diverged): the optimiser's result, the optimum unpacked, and its strength table.
 */
export function fitStrengths<P extends Strengths>(
  model: string,
  teams: readonly string[],
  objective: ObjectiveFn,
  x0: Float64Array,
  gradientTolerance: number,
  unpack: (x: Float64Array, nTeams: number) => P,
): StrengthTable & { res: LbfgsResult; p: P } {
  const res = minimizeLbfgs(objective, x0, { gradientTolerance, maxIterations: 5000, memory: 20 });
  if (!Number.isFinite(res.value)) throw new Error(`${model}: the fit diverged`);
  const p = unpack(res.x, teams.length);
  const strengths = new Map<string, TeamStrength>();
  teams.forEach((team, i) => strengths.set(team, { team, attack: p.attack[i], defence: p.defence[i] }));
  return { res, p, strengths, prior: weakestTeamsPrior(strengths.values()) };
}

/** The strength table back from a model's JSON (`teams` and `prior`). */
export function readStrengthTable(params: Record<string, unknown>, j: JsonReader): StrengthTable {
  if (!Array.isArray(params.teams)) j.fail('teams must be an array of {team, attack, defence}');
  const list: TeamStrength[] = (params.teams as unknown[]).map((t, i) => {
    const o = j.obj(t, `teams[${i}]`);
    if (typeof o.team !== 'string') j.fail(`teams[${i}].team must be a string`);
    return { team: o.team as string, attack: j.num(o.attack, `teams[${i}].attack`), defence: j.num(o.defence, `teams[${i}].defence`) };
  });
  list.sort((a, b) => compareStrings(a.team, b.team));
  const prior = j.obj(params.prior, 'prior');
  return { strengths: new Map(list.map((t) => [t.team, t])), prior: { attack: j.num(prior.attack, 'prior.attack'), defence: j.num(prior.defence, 'prior.defence') } };
}

/** The state every strength model keeps; `F` is its fit summary. */
export interface StrengthState<H extends object, F extends object> {
  hyper: H;
  asOfDay: number;
  home: number;
  strengths: Map<string, TeamStrength>;
  prior: { attack: number; defence: number };
  fit: F;
}

/** A fitted strength model: λ = exp(home + att_h + def_a), μ = exp(att_a + def_h). */
export abstract class StrengthModel<S extends StrengthState<object, object>> extends FittedState<S> {
  get home(): number {
    return this.state.home;
  }

  /** Attack and defence of a team; the promoted-team prior for a team the fit never saw. */
  strength(team: string): TeamStrength {
    const s = this.state.strengths.get(team);
    return s ? { ...s } : { team, ...this.state.prior };
  }

  /** Expected home goals λ and away goals μ. */
  rates(home: string, away: string): { lambda: number; mu: number } {
    const h = this.strength(home);
    const a = this.strength(away);
    return { lambda: Math.exp(this.state.home + h.attack + a.defence), mu: Math.exp(a.attack + h.defence) };
  }

  teams(): string[] {
    return [...this.state.strengths.keys()];
  }

  /** The model's own parameters, serialised after `home`. */
  protected abstract ownJSON(): Record<string, unknown>;

  protected override paramsJSON(): Record<string, unknown> {
    const s = this.state;
    return {
      home: s.home,
      ...this.ownJSON(),
      prior: { attack: s.prior.attack, defence: s.prior.defence },
      teams: [...s.strengths.values()].map((t) => ({ team: t.team, attack: t.attack, defence: t.defence })),
      fit: { ...s.fit },
    };
  }
}

/**
 * Dixon & Coles (1997) as a ModelSpec named `dixon-coles`: team attack and defence, a home
 * effect and the low-score correction ρ, fitted by maximum time-weighted likelihood
 * (φ = exp(−ξ·(asOfDay − day)), only matches with asOfDay − windowDays ≤ day < asOfDay), with
 * the analytic gradient (dixon-coles-likelihood.ts) and L-BFGS (lbfgs.ts).
 *
 * Identifiability: attacks sum to 0 (a reparametrisation), plus an L2 ridge of `ridge` (default
 * 0.01, in log-likelihood units, i.e. a N(0, 50) prior on each attack and defence) so a team
 * with very few matches (or none scored) stays finite. It moves EPL parameters by ~1e-4.
 *
 * Prediction: the 0..10 × 0..10 score grid (normalised), from which 1X2 and over/under 2.5
 * derive; expected goals are λ and μ. A team the fit never saw (a promoted side) gets the mean
 * attack and defence of the 3 weakest teams by attack − defence.
 */
import type { FittedModel, ModelSpec, Prediction, TrainingMatch } from './model.ts';
import {
  buildDcData,
  dixonColesObjective,
  packParams,
  parameterCount,
  unpackParams,
  type DcData,
  type DcParams,
} from './dixon-coles-likelihood.ts';
import { minimizeLbfgs } from './lbfgs.ts';
import { marketsFromGrid, scoreGrid, type GridMarkets } from './score-grid.ts';
import { compareStrings, mergeHyper, selectMatches, teamsOf } from './training-data.ts';

export type DixonColesHyper = {
  /** Time-decay rate per day (default 0.0019: DC's 0.0065 per half-week). */
  xi: number;
  /** Only matches at most this many days before asOfDay (default 3·365 + 1). */
  windowDays: number;
  /** L2 ridge on attacks and defences, in log-likelihood units (default 0.01). */
  ridge: number;
  /** 1 = fit ρ; 0 = fix ρ at 0 (plain independent Poisson). */
  fitRho: number;
  /** Optimiser stop: max |gradient| of the weight-normalised objective (default 1e-9). */
  gradientTolerance: number;
};

export const DIXON_COLES_DEFAULTS: DixonColesHyper = {
  xi: 0.0019,
  windowDays: 3 * 365 + 1,
  ridge: 0.01,
  fitRho: 1,
  gradientTolerance: 1e-9,
};

/** Number of weakest teams whose mean attack/defence a promoted team gets. */
export const PRIOR_TEAMS = 3;

export interface TeamStrength {
  team: string;
  attack: number;
  defence: number;
}

export interface DcFitInfo {
  nMatches: number;
  totalWeight: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Final objective: weight-normalised negative log-likelihood (without ln x!y!) plus ridge. */
  objective: number;
  warmStart: boolean;
}

interface DcState {
  /** `dixon-coles`, or `poisson` for the same model with ρ fixed at 0 (poisson.ts). */
  kind?: DcKind;
  hyper: DixonColesHyper;
  asOfDay: number;
  home: number;
  rho: number;
  strengths: Map<string, TeamStrength>;
  prior: { attack: number; defence: number };
  fit: DcFitInfo;
}

export interface DcMarkets extends GridMarkets {
  expectedGoals: { home: number; away: number };
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

export type DcKind = 'dixon-coles' | 'poisson';

export class DixonColesModel implements FittedModel {
  readonly kind: DcKind;
  readonly #s: DcState;

  constructor(state: DcState) {
    this.#s = state;
    this.kind = state.kind ?? 'dixon-coles';
  }

  get home(): number {
    return this.#s.home;
  }

  get rho(): number {
    return this.#s.rho;
  }

  get fitInfo(): DcFitInfo {
    return { ...this.#s.fit };
  }

  /** Attack and defence of a team; the promoted-team prior for a team the fit never saw. */
  strength(team: string): TeamStrength {
    const s = this.#s.strengths.get(team);
    return s ? { ...s } : { team, ...this.#s.prior };
  }

  /** Expected home goals λ and away goals μ. */
  rates(home: string, away: string): { lambda: number; mu: number } {
    const h = this.strength(home);
    const a = this.strength(away);
    return { lambda: Math.exp(this.#s.home + h.attack + a.defence), mu: Math.exp(a.attack + h.defence) };
  }

  /** The normalised 0..10 × 0..10 grid, grid[homeGoals][awayGoals]. */
  scoreGrid(home: string, away: string): number[][] {
    const { lambda, mu } = this.rates(home, away);
    return scoreGrid(lambda, mu, this.#s.rho);
  }

  markets(home: string, away: string): DcMarkets {
    const { lambda, mu } = this.rates(home, away);
    return { ...marketsFromGrid(scoreGrid(lambda, mu, this.#s.rho)), expectedGoals: { home: lambda, away: mu } };
  }

  predict(home: string, away: string): Prediction {
    const m = this.markets(home, away);
    return { probabilities: m.probabilities, expectedGoals: m.expectedGoals };
  }

  teams(): string[] {
    return [...this.#s.strengths.keys()];
  }

  toJSON(): Record<string, unknown> {
    const s = this.#s;
    return {
      kind: this.kind,
      hyper: { ...s.hyper },
      asOfDay: s.asOfDay,
      home: s.home,
      rho: s.rho,
      prior: { attack: s.prior.attack, defence: s.prior.defence },
      teams: [...s.strengths.values()].map((t) => ({ team: t.team, attack: t.attack, defence: t.defence })),
      fit: { ...s.fit },
    };
  }
}

/** The per-match weights and typed arrays a fit uses (exported for tests and benchmarks). */
export function dixonColesData(matches: readonly TrainingMatch[], asOfDay: number, hyper: DixonColesHyper): DcData {
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

function coldStart(data: DcData): DcParams {
  const n = data.teams.length;
  let gh = 0;
  let ga = 0;
  for (let m = 0; m < data.weight.length; m++) {
    gh += data.weight[m] * data.homeGoals[m];
    ga += data.weight[m] * data.awayGoals[m];
  }
  const mh = Math.max(gh / data.totalWeight, 0.1);
  const ma = Math.max(ga / data.totalWeight, 0.1);
  return { attack: new Float64Array(n), defence: new Float64Array(n).fill(Math.log(ma)), home: Math.log(mh / ma), rho: 0 };
}

function warmStart(data: DcData, previous: FittedModel): DcParams | undefined {
  if (previous.kind !== 'dixon-coles' && previous.kind !== 'poisson') return undefined;
  const prev = previous instanceof DixonColesModel ? previous : dixonColesFromJSON(previous.toJSON());
  const n = data.teams.length;
  const attack = new Float64Array(n);
  const defence = new Float64Array(n);
  data.teams.forEach((team, i) => {
    const s = prev.strength(team);
    attack[i] = s.attack;
    defence[i] = s.defence;
  });
  return { attack, defence, home: prev.home, rho: prev.rho };
}

export function fitDixonColes(matches: readonly TrainingMatch[], asOfDay: number, hyper: DixonColesHyper, previous?: FittedModel, kind: DcKind = 'dixon-coles'): DixonColesModel {
  const data = dixonColesData(matches, asOfDay, hyper);
  const n = data.teams.length;
  if (data.homeIdx.length === 0 || n < 2) {
    throw new Error(`dixon-coles: no matches in the ${hyper.windowDays} days before day ${asOfDay} to fit on`);
  }
  if (!(data.totalWeight > 0)) throw new Error('dixon-coles: the time-decay weights sum to 0; lower xi');
  const fitRho = hyper.fitRho !== 0;
  let warm = previous ? warmStart(data, previous) : undefined;
  const objective = dixonColesObjective(data, hyper.ridge, fitRho);
  if (warm) {
    // A warm start can sit outside the domain of the new data (some τ ≤ 0 for a new extreme
    // score): try it with ρ = 0, else start cold.
    if (!fitRho) warm.rho = 0;
    const g = new Float64Array(parameterCount(n));
    if (!Number.isFinite(objective(packParams(warm), g))) warm.rho = 0;
    if (!Number.isFinite(objective(packParams(warm), g))) warm = undefined;
  }
  const start = warm ?? coldStart(data);
  if (!fitRho) start.rho = 0;
  const x0 = packParams(start);
  const res = minimizeLbfgs(objective, x0, { gradientTolerance: hyper.gradientTolerance, maxIterations: 5000, memory: 20 });
  if (!Number.isFinite(res.value)) throw new Error('dixon-coles: the fit diverged');
  const p = unpackParams(res.x, n);
  const strengths = new Map<string, TeamStrength>();
  data.teams.forEach((team, i) => strengths.set(team, { team, attack: p.attack[i], defence: p.defence[i] }));
  return new DixonColesModel({
    kind,
    hyper: { ...hyper },
    asOfDay,
    home: p.home,
    rho: p.rho,
    strengths,
    prior: weakestTeamsPrior(strengths.values()),
    fit: {
      nMatches: data.homeIdx.length,
      totalWeight: data.totalWeight,
      iterations: res.iterations,
      evaluations: res.evaluations,
      converged: res.converged,
      objective: res.value,
      warmStart: warm !== undefined,
    },
  });
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`dixon-coles.fromJSON: ${what} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`dixon-coles.fromJSON: ${what} must be an object`);
  return v as Record<string, unknown>;
}

export function dixonColesFromJSON(params: Record<string, unknown>, kind: DcKind = 'dixon-coles'): DixonColesModel {
  if (params.kind !== kind) throw new Error(`${kind}.fromJSON: expected kind "${kind}", got ${JSON.stringify(params.kind)}`);
  const h = obj(params.hyper, 'hyper');
  const hyper = mergeHyper<DixonColesHyper>('dixon-coles', DIXON_COLES_DEFAULTS, {
    xi: num(h.xi, 'hyper.xi'),
    windowDays: num(h.windowDays, 'hyper.windowDays'),
    ridge: num(h.ridge, 'hyper.ridge'),
    fitRho: num(h.fitRho, 'hyper.fitRho'),
    gradientTolerance: num(h.gradientTolerance, 'hyper.gradientTolerance'),
  });
  if (!Array.isArray(params.teams)) throw new Error('dixon-coles.fromJSON: teams must be an array of {team, attack, defence}');
  const list: TeamStrength[] = params.teams.map((t, i) => {
    const o = obj(t, `teams[${i}]`);
    if (typeof o.team !== 'string') throw new Error(`dixon-coles.fromJSON: teams[${i}].team must be a string`);
    return { team: o.team, attack: num(o.attack, `teams[${i}].attack`), defence: num(o.defence, `teams[${i}].defence`) };
  });
  list.sort((a, b) => compareStrings(a.team, b.team));
  const prior = obj(params.prior, 'prior');
  const fit = obj(params.fit, 'fit');
  return new DixonColesModel({
    kind,
    hyper,
    asOfDay: num(params.asOfDay, 'asOfDay'),
    home: num(params.home, 'home'),
    rho: num(params.rho, 'rho'),
    strengths: new Map(list.map((t) => [t.team, t])),
    prior: { attack: num(prior.attack, 'prior.attack'), defence: num(prior.defence, 'prior.defence') },
    fit: {
      nMatches: num(fit.nMatches, 'fit.nMatches'),
      totalWeight: num(fit.totalWeight, 'fit.totalWeight'),
      iterations: num(fit.iterations, 'fit.iterations'),
      evaluations: num(fit.evaluations, 'fit.evaluations'),
      converged: fit.converged === true,
      objective: num(fit.objective, 'fit.objective'),
      warmStart: fit.warmStart === true,
    },
  });
}

/** The Dixon-Coles spec. `previous` (a dixon-coles fit) only sets the optimiser's starting point. */
export function dixonColesSpec(hyper?: Partial<DixonColesHyper>): ModelSpec<DixonColesHyper> {
  const h = mergeHyper('dixon-coles', DIXON_COLES_DEFAULTS, hyper);
  if (!(h.xi >= 0) || !(h.windowDays > 0) || !(h.ridge >= 0) || (h.fitRho !== 0 && h.fitRho !== 1) || !(h.gradientTolerance > 0)) {
    throw new Error(
      `dixon-coles: need xi ≥ 0, windowDays > 0, ridge ≥ 0, fitRho 0 or 1 and gradientTolerance > 0; got ${JSON.stringify(h)}`,
    );
  }
  return {
    name: 'dixon-coles',
    hyper: h,
    fit: (matches, asOfDay, previous) => fitDixonColes(matches, asOfDay, h, previous),
    fromJSON: (p) => dixonColesFromJSON(p),
  };
}

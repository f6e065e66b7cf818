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
import type { FittedModel, ModelSpec, Prediction, TrainingMatch } from '../models/model.ts';
import { dixonColesObjective, packParams, parameterCount, unpackParams, type DcData, type DcParams } from './dixon-coles-likelihood.ts';
import { expectKind, jsonReader, readHyper } from '../models/model-base.ts';
import { marketsFromGrid, scoreGrid, type GridMarkets } from './score-grid.ts';
import { coldStrengths, fitStrengths, readStrengthTable, requireMatches, StrengthModel, strengthsOf, timeWeightedData, type StrengthState } from './strength-model.ts';
import { mergeHyper } from '../models/training-data.ts';

export { PRIOR_TEAMS, weakestTeamsPrior, type TeamStrength } from './strength-model.ts';

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

interface DcState extends StrengthState<DixonColesHyper, DcFitInfo> {
  /** `dixon-coles`, or `poisson` for the same model with ρ fixed at 0 (poisson.ts). */
  kind?: DcKind;
  rho: number;
}

export interface DcMarkets extends GridMarkets {
  expectedGoals: { home: number; away: number };
}

export type DcKind = 'dixon-coles' | 'poisson';

export class DixonColesModel extends StrengthModel<DcState> implements FittedModel {
  override readonly kind: DcKind;

  constructor(state: DcState) {
    super(state);
    this.kind = state.kind ?? 'dixon-coles';
  }

  get rho(): number {
    return this.state.rho;
  }

  get fitInfo(): DcFitInfo {
    return { ...this.state.fit };
  }

  /** The normalised 0..10 × 0..10 grid, grid[homeGoals][awayGoals]. */
  scoreGrid(home: string, away: string): number[][] {
    const { lambda, mu } = this.rates(home, away);
    return scoreGrid(lambda, mu, this.state.rho);
  }

  markets(home: string, away: string): DcMarkets {
    const { lambda, mu } = this.rates(home, away);
    return { ...marketsFromGrid(scoreGrid(lambda, mu, this.state.rho)), expectedGoals: { home: lambda, away: mu } };
  }

  predict(home: string, away: string): Prediction {
    const m = this.markets(home, away);
    return { probabilities: m.probabilities, expectedGoals: m.expectedGoals };
  }

  protected override ownJSON(): Record<string, unknown> {
    return { rho: this.state.rho };
  }
}

/** The per-match weights and typed arrays a fit uses (exported for tests and benchmarks). */
export function dixonColesData(matches: readonly TrainingMatch[], asOfDay: number, hyper: DixonColesHyper): DcData {
  return timeWeightedData(matches, asOfDay, hyper);
}

function warmStart(data: DcData, previous: FittedModel): DcParams | undefined {
  if (previous.kind !== 'dixon-coles' && previous.kind !== 'poisson') return undefined;
  const prev = previous instanceof DixonColesModel ? previous : dixonColesFromJSON(previous.toJSON());
  return { ...strengthsOf(data.teams, prev), rho: prev.rho };
}

export function fitDixonColes(matches: readonly TrainingMatch[], asOfDay: number, hyper: DixonColesHyper, previous?: FittedModel, kind: DcKind = 'dixon-coles'): DixonColesModel {
  const data = dixonColesData(matches, asOfDay, hyper);
  const n = data.teams.length;
  requireMatches('dixon-coles', data, hyper.windowDays, asOfDay);
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
  const start = warm ?? { ...coldStrengths(data), rho: 0 };
  if (!fitRho) start.rho = 0;
  const { res, p, strengths, prior } = fitStrengths('dixon-coles', data.teams, objective, packParams(start), hyper.gradientTolerance, unpackParams);
  return new DixonColesModel({
    kind,
    hyper: { ...hyper },
    asOfDay,
    home: p.home,
    rho: p.rho,
    strengths,
    prior,
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

export function dixonColesFromJSON(params: Record<string, unknown>, kind: DcKind = 'dixon-coles'): DixonColesModel {
  expectKind(params, kind);
  const j = jsonReader('dixon-coles');
  const hyper = readHyper('dixon-coles', DIXON_COLES_DEFAULTS, j.obj(params.hyper, 'hyper'), j);
  const table = readStrengthTable(params, j);
  const fit = j.obj(params.fit, 'fit');
  return new DixonColesModel({
    kind,
    hyper,
    asOfDay: j.num(params.asOfDay, 'asOfDay'),
    home: j.num(params.home, 'home'),
    rho: j.num(params.rho, 'rho'),
    ...table,
    fit: {
      nMatches: j.num(fit.nMatches, 'fit.nMatches'),
      totalWeight: j.num(fit.totalWeight, 'fit.totalWeight'),
      iterations: j.num(fit.iterations, 'fit.iterations'),
      evaluations: j.num(fit.evaluations, 'fit.evaluations'),
      converged: fit.converged === true,
      objective: j.num(fit.objective, 'fit.objective'),
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

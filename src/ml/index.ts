/**
 * The models and their building blocks. `modelSpecs()` is the registry the backtest and the
 * training pipeline iterate over.
 *
 * Results-only models (read no market data): elo, pi, poisson, dixon-coles, diagonal-poisson,
 * softmax (over the point-in-time features), ensemble (stacked). Each has a market-aware
 * variant named `<model>+market` (`modelSpecs(hyper, { market: true })`), which also reads the
 * fixture's pre-match price. The training pipeline serves results-only models (a request
 * carries no prices), so `modelSpecs()` alone lists only those.
 *
 * Hyper-parameters: a model without caller-given hyper-parameters is tuned inside its training
 * data at every season cut-off (tuning.ts grids below; softmax and stacks tune their L2
 * strength the same way); a model given hyper-parameters uses them as they are.
 */
import type { ModelSpec } from './models/model.ts';
import { dixonColesSpec, type DixonColesHyper } from './goals/dixon-coles.ts';
import { eloSpec, type EloHyper } from './ratings/elo.ts';
import { piSpec, type PiHyper } from './ratings/pi-ratings.ts';
import { poissonSpec, type PoissonHyper } from './goals/poisson.ts';
import { diagonalPoissonSpec, type DiagonalPoissonHyper } from './goals/diagonal-poisson.ts';
import { softmaxSpec, type SoftmaxHyper } from './models/softmax-model.ts';
import { stackedSpec, type StackHyper } from './models/stacking.ts';
import { tunedSpec } from './models/tuning.ts';

export interface ModelHyper {
  elo?: Partial<EloHyper>;
  pi?: Partial<PiHyper>;
  poisson?: Partial<PoissonHyper>;
  'dixon-coles'?: Partial<DixonColesHyper>;
  'diagonal-poisson'?: Partial<DiagonalPoissonHyper>;
  softmax?: Partial<SoftmaxHyper>;
  ensemble?: Partial<StackHyper>;
}

export interface ModelSetOptions {
  /** Also list the market-aware `<model>+market` variants (default false). */
  market?: boolean;
  /** Tune hyper-parameters inside the training data (default true; off for a model given hyper-parameters). */
  tune?: boolean;
}

/** Results-only model names, in registry order. */
export const RESULTS_ONLY_MODELS = ['elo', 'pi', 'poisson', 'dixon-coles', 'diagonal-poisson', 'softmax', 'ensemble'] as const;
/** Every model name: the results-only ones, then their market-aware variants. */
export const ALL_MODELS: readonly string[] = [...RESULTS_ONLY_MODELS, ...RESULTS_ONLY_MODELS.map((n) => `${n}+market`)];

/** Grids searched at each season cut-off (walk-forward over the season before it). */
export const TUNING_GRIDS = {
  elo: [{ k: 15 }, { k: 20 }, { k: 30 }] as Partial<EloHyper>[],
  pi: [
    { lambda: 0.035, gamma: 0.7 },
    { lambda: 0.06, gamma: 0.5 },
    { lambda: 0.1, gamma: 0.5 },
  ] as Partial<PiHyper>[],
  xi: [{ xi: 0.001 }, { xi: 0.0019 }, { xi: 0.003 }] as { xi: number }[],
};

const KNOWN = new Set<string>(RESULTS_ONLY_MODELS);

/**
 * Model specs in a fixed order: elo, pi, poisson, dixon-coles, diagonal-poisson, softmax,
 * ensemble, then (with `market`) the same names with `+market`.
 */
export function modelSpecs(hyper: ModelHyper = {}, options: ModelSetOptions = {}): ModelSpec[] {
  for (const k of Object.keys(hyper)) {
    if (!KNOWN.has(k)) throw new Error(`modelSpecs: unknown model "${k}"; known: ${RESULTS_ONLY_MODELS.join(', ')}`);
  }
  const tune = options.tune !== false;
  const given = (k: keyof ModelHyper) => hyper[k] !== undefined && Object.keys(hyper[k]!).length > 0;
  const pick = <P,>(k: keyof ModelHyper, make: (h?: Partial<P>) => ModelSpec<P>, grid: Partial<P>[]): ModelSpec<P> =>
    tune && !given(k) ? tunedSpec(make, grid) : make(hyper[k] as Partial<P> | undefined);
  const elo = pick('elo', eloSpec, TUNING_GRIDS.elo);
  const pi = pick('pi', piSpec, TUNING_GRIDS.pi);
  // The zoo's goal models stop at a gradient of 1e-7 (weight-normalised): ~20 % fewer
  // iterations than 1e-9, and forecasts that differ by less than 1e-6.
  const poisson = pick('poisson', (h?: Partial<PoissonHyper>) => poissonSpec({ gradientTolerance: 1e-7, ...h }), TUNING_GRIDS.xi);
  const dc = pick('dixon-coles', (h?: Partial<DixonColesHyper>) => dixonColesSpec({ gradientTolerance: 1e-7, ...h }), TUNING_GRIDS.xi);
  const diag = pick('diagonal-poisson', (h?: Partial<DiagonalPoissonHyper>) => diagonalPoissonSpec({ gradientTolerance: 1e-7, ...h }), TUNING_GRIDS.xi);
  const softmax = softmaxSpec({ hyper: hyper.softmax });
  const bases = [elo, pi, poisson, dc, diag, softmax] as ModelSpec<any>[];
  const ensemble = stackedSpec({ name: 'ensemble', inputs: bases, market: false, hyper: hyper.ensemble });
  const out = [...bases, ensemble] as ModelSpec[];
  if (options.market) {
    for (const b of bases.slice(0, 5)) out.push(stackedSpec({ name: `${b.name}+market`, inputs: [b], market: true }) as ModelSpec);
    out.push(softmaxSpec({ market: true, hyper: hyper.softmax }) as ModelSpec);
    out.push(stackedSpec({ name: 'ensemble+market', inputs: bases, market: true, hyper: hyper.ensemble }) as ModelSpec);
  }
  return out;
}

/** The spec with this name (market-aware names included), or an error listing the known names. */
export function modelSpec(name: string, hyper: ModelHyper = {}, options: ModelSetOptions = {}): ModelSpec {
  const spec = modelSpecs(hyper, { ...options, market: true }).find((s) => s.name === name);
  if (!spec) throw new Error(`unknown model "${name}"; known: ${ALL_MODELS.join(', ')}`);
  return spec;
}

/** Specs for a list of names (each must be known), in registry order. */
export function selectModelSpecs(names: readonly string[], hyper: ModelHyper = {}, options: ModelSetOptions = {}): ModelSpec[] {
  const all = modelSpecs(hyper, { ...options, market: true });
  for (const n of names) if (!all.some((s) => s.name === n)) throw new Error(`unknown model "${n}"; known: ${ALL_MODELS.join(', ')}`);
  return all.filter((s) => names.includes(s.name));
}

export type { FeatureTableLike, FitContext, FittedModel, ModelSpec, OosPredictions, PredictContext, Prediction, SideStats, TrainingMatch } from './models/model.ts';
export { matchKey } from './models/model.ts';
export * from './evaluation/metrics.ts';
export * from './market/demargin.ts';
export * from './numeric/lbfgs.ts';
export * from './ratings/ordered-logit.ts';
export * from './goals/poisson-regression.ts';
export * from './goals/score-grid.ts';
export * from './models/training-data.ts';
export * from './models/softmax-regression.ts';
export * from './features/index.ts';
export * from './evaluation/seasons.ts';
export * from './models/tuning.ts';
export * from './evaluation/calibration.ts';
export * from './evaluation/quality.ts';
export { piSpec, piFromJSON, PiModel, PiRatings, PI_DEFAULTS, piExpectedGoals, piWeakestPrior, runPi, type PiHyper, type PiRating } from './ratings/pi-ratings.ts';
export { poissonSpec, POISSON_DEFAULTS, type PoissonHyper } from './goals/poisson.ts';
export { diagonalPoissonSpec, diagonalPoissonFromJSON, DiagonalPoissonModel, DIAGONAL_POISSON_DEFAULTS, diagonalGrid, type DiagonalPoissonHyper } from './goals/diagonal-poisson.ts';
export { softmaxSpec, SoftmaxModel, SOFTMAX_DEFAULTS, L2_GRID, chooseL2, type SoftmaxHyper } from './models/softmax-model.ts';
export { stackedSpec, StackedModel, STACK_DEFAULTS, stackRow, stackColumns, type StackHyper } from './models/stacking.ts';
export {
  ELO_DEFAULTS,
  EloModel,
  eloFromJSON,
  eloSpec,
  expectedScore,
  goalDifferenceMultiplier,
  promotedPrior,
  runElo,
  type EloHyper,
  type EloRecord,
  type EloRun,
} from './ratings/elo.ts';
export * from './goals/dixon-coles-likelihood.ts';
export {
  DIXON_COLES_DEFAULTS,
  DixonColesModel,
  dixonColesData,
  dixonColesFromJSON,
  dixonColesSpec,
  fitDixonColes,
  weakestTeamsPrior,
  type DcFitInfo,
  type DcMarkets,
  type DixonColesHyper,
  type TeamStrength,
} from './goals/dixon-coles.ts';

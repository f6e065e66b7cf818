/**
 * The models and their building blocks. `modelSpecs()` is the registry the backtest and the
 * training pipeline iterate over.
 */
import type { ModelSpec } from './model.ts';
import { dixonColesSpec, type DixonColesHyper } from './dixon-coles.ts';
import { eloSpec, type EloHyper } from './elo.ts';

export interface ModelHyper {
  elo?: Partial<EloHyper>;
  'dixon-coles'?: Partial<DixonColesHyper>;
}

/** Every model spec, in a fixed order: elo, dixon-coles. */
export function modelSpecs(hyper: ModelHyper = {}): ModelSpec[] {
  for (const k of Object.keys(hyper)) {
    if (k !== 'elo' && k !== 'dixon-coles') throw new Error(`modelSpecs: unknown model "${k}"; known: elo, dixon-coles`);
  }
  return [eloSpec(hyper.elo), dixonColesSpec(hyper['dixon-coles'])];
}

/** The spec with this name, or an error listing the known names. */
export function modelSpec(name: string, hyper: ModelHyper = {}): ModelSpec {
  const spec = modelSpecs(hyper).find((s) => s.name === name);
  if (!spec) throw new Error(`unknown model "${name}"; known: ${modelSpecs().map((s) => s.name).join(', ')}`);
  return spec;
}

export type { FittedModel, ModelSpec, Prediction, TrainingMatch } from './model.ts';
export * from './metrics.ts';
export * from './demargin.ts';
export * from './lbfgs.ts';
export * from './ordered-logit.ts';
export * from './poisson-regression.ts';
export * from './score-grid.ts';
export * from './training-data.ts';
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
} from './elo.ts';
export * from './dixon-coles-likelihood.ts';
export {
  DIXON_COLES_DEFAULTS,
  DixonColesModel,
  dixonColesData,
  dixonColesFromJSON,
  dixonColesSpec,
  weakestTeamsPrior,
  type DcFitInfo,
  type DcMarkets,
  type DixonColesHyper,
  type TeamStrength,
} from './dixon-coles.ts';

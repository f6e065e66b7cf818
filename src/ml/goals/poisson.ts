/**
 * Independent Poisson goals (Maher 1982) as a ModelSpec named `poisson`: the Dixon-Coles model
 * of dixon-coles.ts with the low-score correction switched off (ρ = 0), i.e.
 * home goals ~ Pois(exp(home + att_h + def_a)), away goals ~ Pois(exp(att_a + def_h)), fitted by
 * the same time-weighted likelihood, analytic gradient and L-BFGS, with warm starts.
 */
import type { ModelSpec } from '../models/model.ts';
import { DIXON_COLES_DEFAULTS, dixonColesFromJSON, fitDixonColes, type DixonColesHyper } from './dixon-coles.ts';
import { mergeHyper } from '../models/training-data.ts';

export type PoissonHyper = Omit<DixonColesHyper, 'fitRho'>;

export const POISSON_DEFAULTS: PoissonHyper = {
  xi: DIXON_COLES_DEFAULTS.xi,
  windowDays: DIXON_COLES_DEFAULTS.windowDays,
  ridge: DIXON_COLES_DEFAULTS.ridge,
  gradientTolerance: DIXON_COLES_DEFAULTS.gradientTolerance,
};

export function poissonSpec(hyper?: Partial<PoissonHyper>): ModelSpec<PoissonHyper> {
  const h = mergeHyper('poisson', POISSON_DEFAULTS, hyper);
  if (!(h.xi >= 0) || !(h.windowDays > 0) || !(h.ridge >= 0) || !(h.gradientTolerance > 0)) {
    throw new Error(`poisson: need xi ≥ 0, windowDays > 0, ridge ≥ 0 and gradientTolerance > 0; got ${JSON.stringify(h)}`);
  }
  const dc: DixonColesHyper = { ...h, fitRho: 0 };
  return {
    name: 'poisson',
    hyper: h,
    fit: (matches, asOfDay, previous) => fitDixonColes(matches, asOfDay, dc, previous, 'poisson'),
    fromJSON: (p) => dixonColesFromJSON(p, 'poisson'),
  };
}

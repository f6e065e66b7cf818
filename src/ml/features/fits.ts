/**
 * Refitting the model-based components of the state: the Dixon-Coles goals model (ρ fitted)
 * and a Poisson model of shots on target (ρ = 0), both over the last `dc.windowDays` of
 * results, warm-started from the previous fit. {@link ensureFits} refits only once
 * `dc.minNewMatches` results arrived since the last fit (or at the first chance), and never
 * in a read-only state.
 */
import type { TrainingMatch } from '../models/model.ts';
import { DIXON_COLES_DEFAULTS, fitDixonColes, type DixonColesHyper } from '../goals/dixon-coles.ts';
import type { FeatureConfig } from './config.ts';
import type { FeatureStateParts } from './parts.ts';

const DC_HYPER = (cfg: FeatureConfig, fitRho: number): DixonColesHyper => ({
  xi: cfg.dc.xi,
  windowDays: cfg.dc.windowDays,
  ridge: DIXON_COLES_DEFAULTS.ridge,
  fitRho,
  gradientTolerance: cfg.dc.gradientTolerance,
});

/** Refit the Dixon-Coles components as of `day` when enough new results arrived. */
export function ensureFits(p: FeatureStateParts, day: number): void {
  if (p.frozen) return;
  if (p.newSinceFit < p.cfg.dc.minNewMatches && (p.dc || p.newSinceFit === 0)) return;
  const lo = day - p.cfg.dc.windowDays;
  let cut = 0;
  while (cut < p.window.length && p.window[cut].day < lo) cut++;
  if (cut > 0) p.window = p.window.slice(cut);
  if (p.window.length < p.cfg.dc.minMatches) return;
  p.dc = fitDixonColes(p.window, day, DC_HYPER(p.cfg, 1), p.dc);
  const sotMatches: TrainingMatch[] = [];
  for (const m of p.window) {
    const h = m.stats?.home.shotsOnTarget;
    const a = m.stats?.away.shotsOnTarget;
    if (typeof h === 'number' && typeof a === 'number' && Number.isInteger(h) && Number.isInteger(a) && h >= 0 && a >= 0) {
      sotMatches.push({ day: m.day, home: m.home, away: m.away, homeGoals: h, awayGoals: a });
    }
  }
  p.sot = sotMatches.length >= p.cfg.dc.minMatches ? fitDixonColes(sotMatches, day, DC_HYPER(p.cfg, 0), p.sot, 'poisson') : undefined;
  p.newSinceFit = 0;
}

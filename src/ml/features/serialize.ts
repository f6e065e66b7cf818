/**
 * The JSON form of a feature state: {@link partsToJSON} writes everything a fitted model
 * needs to compute the same vectors later (configuration and its key, rating books, form,
 * league averages, fitted Dixon-Coles and shots-on-target models), and {@link restoreParts}
 * reads it back into a fresh state, which it marks read-only. The Dixon-Coles match window is
 * not saved: a restored state never refits.
 */
import { dixonColesFromJSON } from '../goals/dixon-coles.ts';
import { featureConfigKey } from './config.ts';
import type { FormEntry } from './form.ts';
import type { FeatureStateParts } from './parts.ts';
import { bookFromJSON, bookToJSON, type RatingBookJSON } from './ratings.ts';

export function partsToJSON(p: FeatureStateParts): Record<string, unknown> {
  return {
    kind: 'feature-state',
    configKey: featureConfigKey(p.cfg),
    cfg: p.cfg,
    league: p.league ?? null,
    lastDay: Number.isFinite(p.lastDay) ? p.lastDay : null,
    book: bookToJSON(p.book),
    others: [...p.others.entries()].map(([lg, bk]) => [lg, bookToJSON(bk)]),
    form: [...p.form.entries()],
    recent: [...p.recent.entries()],
    leagueStats: { ...p.leagueStats },
    dc: p.dc ? p.dc.toJSON() : null,
    sot: p.sot ? p.sot.toJSON() : null,
    newSinceFit: p.newSinceFit,
  };
}

/** Fill the fresh parts `p` (same configuration) from the saved form `j`, and freeze them. */
export function restoreParts(p: FeatureStateParts, j: Record<string, unknown>): void {
  p.book = bookFromJSON(j.book as RatingBookJSON, p.cfg);
  for (const [lg, bk] of j.others as [string, RatingBookJSON][]) p.others.set(lg, bookFromJSON(bk, p.cfg));
  for (const [t, list] of j.form as [string, FormEntry[]][]) p.form.set(t, list.map((e) => ({ ...e })));
  for (const [t, list] of j.recent as [string, number[]][]) p.recent.set(t, [...list]);
  Object.assign(p.leagueStats, j.leagueStats as object);
  p.dc = j.dc ? dixonColesFromJSON(j.dc as Record<string, unknown>) : undefined;
  p.sot = j.sot ? dixonColesFromJSON(j.sot as Record<string, unknown>, 'poisson') : undefined;
  p.newSinceFit = Number(j.newSinceFit);
  p.lastDay = j.lastDay === null ? -Infinity : Number(j.lastDay);
  p.frozen = true;
}

/** Scores walk-forward predictions and the market on the same matches. Pure. */
import { outcomeOf, type Outcome, type Probabilities } from '../../domain/types.ts';
import { scoreAll } from './metrics.ts';
import type { Prediction } from '../models/model.ts';

export interface Scores {
  rps: number;
  logloss: number;
  brier: number;
  accuracy: number;
}

export interface EvaluationReport {
  matches: number;
  market: Scores & { source: string };
  models: Record<string, Scores>;
}

export interface ScoredMatch {
  id: number;
  homeGoals: number;
  awayGoals: number;
  market: Probabilities;
}

function round(s: { rps: number; logloss: number; brier: number; accuracy: number }): Scores {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return { rps: r(s.rps), logloss: r(s.logloss), brier: r(s.brier), accuracy: r(s.accuracy) };
}

/** Score each model and the market over exactly the matches in `matches` (those with a market price). */
export function evaluate(
  matches: readonly ScoredMatch[],
  predictions: Record<string, Map<number, Prediction>>,
  marketSource: string,
): EvaluationReport {
  const outcomes: Outcome[] = matches.map((m) => outcomeOf(m.homeGoals, m.awayGoals));
  const models: Record<string, Scores> = {};
  for (const [name, preds] of Object.entries(predictions)) {
    const ps = matches.map((m) => {
      const p = preds.get(m.id);
      if (!p) throw new Error(`model ${name} has no prediction for match ${m.id}`);
      return p.probabilities;
    });
    models[name] = round(scoreAll(ps, outcomes));
  }
  return {
    matches: matches.length,
    market: { source: marketSource, ...round(scoreAll(matches.map((m) => m.market), outcomes)) },
    models,
  };
}

/** Pool several reports (e.g. seasons or leagues): match-weighted means, so the result equals scoring all matches at once. */
export function poolReports(reports: readonly EvaluationReport[]): EvaluationReport {
  const n = reports.reduce((s, r) => s + r.matches, 0);
  const pool = (get: (r: EvaluationReport) => Scores | undefined): Scores => {
    const acc = { rps: 0, logloss: 0, brier: 0, accuracy: 0 };
    for (const r of reports) {
      const s = get(r);
      if (!s) throw new Error('cannot pool reports with different models');
      for (const k of Object.keys(acc) as (keyof Scores)[]) acc[k] += s[k] * r.matches;
    }
    for (const k of Object.keys(acc) as (keyof Scores)[]) acc[k] = n ? acc[k] / n : NaN;
    return round(acc);
  };
  const names = reports.length ? Object.keys(reports[0]!.models) : [];
  const sources = [...new Set(reports.map((r) => r.market.source))];
  return {
    matches: n,
    market: { source: sources.join('; '), ...pool((r) => r.market) },
    models: Object.fromEntries(names.map((name) => [name, pool((r) => r.models[name])])),
  };
}

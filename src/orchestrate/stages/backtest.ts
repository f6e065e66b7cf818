/**
 * Backtest stage: read a league's matches and odds from the warehouse, walk forward through
 * one season, score the models and the market on the same matches.
 */
import type { Warehouse } from '../../warehouse/db.ts';
import { leagueMatches, leagueSeasons, oddsFor } from '../../warehouse/queries.ts';
import { walkForward } from '../../ml/walk-forward.ts';
import { describeSources, marketForecast, type BookPrice } from '../../ml/market.ts';
import { evaluate, type EvaluationReport, type ScoredMatch } from '../../ml/evaluate.ts';
import type { ModelSpec, TrainingMatch } from '../../ml/model.ts';

export class UnknownSeasonError extends Error {
  override name = 'UnknownSeasonError';
}

export interface BacktestResult extends EvaluationReport {
  league: string;
  season: string;
  refits: number;
}

export async function backtestSeason(
  wh: Warehouse,
  opts: { league: string; season: string; specs: readonly ModelSpec<any>[]; refitDays: number },
): Promise<BacktestResult> {
  const { league, season } = opts;
  const seasons = await leagueSeasons(wh.db);
  if (!seasons[league]) {
    const known = Object.keys(seasons);
    throw new UnknownSeasonError(`league "${league}" is not in the data; leagues present: ${known.length ? known.join(', ') : '(none)'}`);
  }
  if (!seasons[league]!.includes(season)) {
    throw new UnknownSeasonError(`season "${season}" of league ${league} is not in the data; seasons present: ${seasons[league]!.join(', ')}`);
  }
  const all = await leagueMatches(wh.db, league);
  const finished = all.filter((m) => m.homeGoals !== null && m.awayGoals !== null);
  const history: TrainingMatch[] = finished.map((m) => ({
    day: m.day,
    home: m.home,
    away: m.away,
    homeGoals: m.homeGoals!,
    awayGoals: m.awayGoals!,
  }));
  const inSeason = finished.filter((m) => m.season === season);
  const odds = await oddsFor(wh.db, inSeason.map((m) => m.id));
  const byMatch = new Map<number, BookPrice[]>();
  for (const o of odds) {
    const list = byMatch.get(o.matchId) ?? [];
    list.push(o);
    byMatch.set(o.matchId, list);
  }
  const scored: ScoredMatch[] = [];
  const labels: string[] = [];
  for (const m of inSeason) {
    const f = marketForecast(byMatch.get(m.id) ?? []);
    if (!f) continue; // no price: the match is left out for models and market alike
    labels.push(f.label);
    scored.push({ id: m.id, homeGoals: m.homeGoals!, awayGoals: m.awayGoals!, market: f.probabilities });
  }
  const targets = inSeason.map((m) => ({ id: m.id, day: m.day, home: m.home, away: m.away }));
  const wf = walkForward(history, targets, opts.specs, opts.refitDays);
  const report = evaluate(scored, wf.predictions, labels.length ? describeSources(labels) : 'none');
  return { league, season, ...report, refits: wf.refits };
}

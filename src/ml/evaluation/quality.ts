/**
 * Multi-season, multi-league evaluation against the market. Pure: per-match records in,
 * tables out. Every model and the market are scored on exactly the same matches.
 *
 * - Per segment (league-season) and pooled: RPS, log loss, Brier (0–2 convention), accuracy.
 * - The paired gap model − market per match, its mean and standard error (sd/√n), for RPS,
 *   log loss and Brier; the same against the Pinnacle PRE-MATCH price on the matches that have
 *   it (a market-aware model must beat the price it is given), and that price's own gap to the
 *   closing market.
 * - Calibration (reliability tables and ECE, per outcome).
 */
import type { Outcome, Probabilities } from '../../domain/types.ts';
import { brier, logLoss, rps, scoreAll } from './metrics.ts';
import { calibration, type Calibration } from './calibration.ts';
import type { EvaluationReport, Scores } from './evaluate.ts';
import { describeSources } from '../market/market.ts';

export interface ForecastRecord {
  league: string;
  season: string;
  id: number;
  outcome: Outcome;
  /** The closing market (margin removed) the models are judged against. */
  market: Probabilities;
  marketLabel: string;
  /** Pinnacle's pre-match price, margin removed, when the match has it. */
  pinnaclePre?: Probabilities;
  models: Record<string, Probabilities>;
}

export interface GapStat {
  mean: number;
  se: number;
  n: number;
}

export interface ModelGaps {
  rps: GapStat;
  logloss: GapStat;
  brier: GapStat;
  /** RPS gap to Pinnacle's pre-match price, on the matches that have it. */
  rpsVsPinnaclePre?: GapStat;
}

export interface SegmentReport extends EvaluationReport {
  league: string;
  season: string;
  gaps: Record<string, ModelGaps>;
}

export interface QualityReport {
  models: string[];
  pooled: EvaluationReport;
  gaps: Record<string, ModelGaps>;
  segments: SegmentReport[];
  /** Pinnacle pre-match vs the closing market, on matches with both. */
  pinnaclePre?: { matches: number; rps: number; gapToMarket: GapStat };
  calibration: Record<string, Calibration>;
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

function roundScores(s: { rps: number; logloss: number; brier: number; accuracy: number }): Scores {
  return { rps: r6(s.rps), logloss: r6(s.logloss), brier: r6(s.brier), accuracy: r6(s.accuracy) };
}

/** Mean and standard error (sd/√n) of paired differences. */
export function pairedGap(diffs: readonly number[]): GapStat {
  const n = diffs.length;
  if (n === 0) return { mean: NaN, se: NaN, n: 0 };
  let s = 0;
  for (const d of diffs) s += d;
  const mean = s / n;
  let v = 0;
  for (const d of diffs) v += (d - mean) ** 2;
  const se = n > 1 ? Math.sqrt(v / (n - 1) / n) : NaN;
  return { mean: r6(mean), se: r6(se), n };
}

function gapsFor(records: readonly ForecastRecord[], name: string): ModelGaps {
  const dr: number[] = [];
  const dl: number[] = [];
  const db: number[] = [];
  const dp: number[] = [];
  for (const r of records) {
    const p = r.models[name];
    if (!p) throw new Error(`quality: model ${name} has no forecast for match ${r.id}`);
    dr.push(rps(p, r.outcome) - rps(r.market, r.outcome));
    dl.push(logLoss(p, r.outcome) - logLoss(r.market, r.outcome));
    db.push(brier(p, r.outcome) - brier(r.market, r.outcome));
    if (r.pinnaclePre) dp.push(rps(p, r.outcome) - rps(r.pinnaclePre, r.outcome));
  }
  const g: ModelGaps = { rps: pairedGap(dr), logloss: pairedGap(dl), brier: pairedGap(db) };
  if (dp.length) g.rpsVsPinnaclePre = pairedGap(dp);
  return g;
}

function evaluation(records: readonly ForecastRecord[], names: readonly string[]): EvaluationReport {
  const outcomes = records.map((r) => r.outcome);
  return {
    matches: records.length,
    market: { source: records.length ? describeSources(records.map((r) => r.marketLabel)) : 'none', ...roundScores(scoreAll(records.map((r) => r.market), outcomes)) },
    models: Object.fromEntries(names.map((n) => [n, roundScores(scoreAll(records.map((r) => r.models[n]!), outcomes))])),
  };
}

/** Per-segment and pooled evaluation of the named models (segments in league, season order). */
export function qualityReport(records: readonly ForecastRecord[], names: readonly string[]): QualityReport {
  const segs = new Map<string, ForecastRecord[]>();
  for (const r of records) {
    const k = `${r.league}\u0000${r.season}`;
    (segs.get(k) ?? segs.set(k, []).get(k)!).push(r);
  }
  const segments: SegmentReport[] = [...segs.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, list]) => ({
      league: list[0]!.league,
      season: list[0]!.season,
      ...evaluation(list, names),
      gaps: Object.fromEntries(names.map((n) => [n, gapsFor(list, n)])),
    }));
  const withPre = records.filter((r) => r.pinnaclePre);
  const report: QualityReport = {
    models: [...names],
    pooled: evaluation(records, names),
    gaps: Object.fromEntries(names.map((n) => [n, gapsFor(records, n)])),
    segments,
    calibration: {
      market: calibration(records.map((r) => r.market), records.map((r) => r.outcome)),
      ...Object.fromEntries(names.map((n) => [n, calibration(records.map((r) => r.models[n]!), records.map((r) => r.outcome))])),
    },
  };
  if (withPre.length) {
    const d = withPre.map((r) => rps(r.pinnaclePre!, r.outcome) - rps(r.market, r.outcome));
    const s = scoreAll(withPre.map((r) => r.pinnaclePre!), withPre.map((r) => r.outcome));
    report.pinnaclePre = { matches: withPre.length, rps: r6(s.rps), gapToMarket: pairedGap(d) };
  }
  return report;
}

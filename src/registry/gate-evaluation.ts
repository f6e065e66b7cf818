/**
 * The evidence a promotion rests on: the candidate and the champion walked forward over the
 * same evaluation matches (every finished match of the given seasons, each predicted only from
 * earlier matches, refitted on the same days), scored by RPS and by calibration error.
 */
import type { Warehouse } from '../warehouse/db.ts';
import { leagueMatches } from '../warehouse/queries.ts';
import { walkForward } from '../ml/evaluation/walk-forward.ts';
import { rps } from '../ml/evaluation/metrics.ts';
import type { ModelSpec, TrainingMatch } from '../ml/models/model.ts';
import { outcomeOf, type Outcome, type Probabilities } from '../domain/types.ts';
import { stableJson } from '../domain/stable-json.ts';

export interface GateScores {
  /** Mean ranked probability score (lower is better). */
  rps: number;
  /** Worst over home/draw/away of the expected calibration error with 10 equal-width bins. */
  calibration: number;
  matches: number;
}

const BINS = 10;

/** Expected calibration error of each outcome's probability, the worst of the three. Pure. */
export function calibrationError(preds: readonly Probabilities[], outcomes: readonly Outcome[]): number {
  if (preds.length === 0) return NaN;
  let worst = 0;
  for (const [k, o] of [['home', 'H'], ['draw', 'D'], ['away', 'A']] as const) {
    const n = new Array<number>(BINS).fill(0);
    const sumP = new Array<number>(BINS).fill(0);
    const hits = new Array<number>(BINS).fill(0);
    preds.forEach((p, i) => {
      const b = Math.min(BINS - 1, Math.max(0, Math.floor(p[k] * BINS)));
      n[b]! += 1;
      sumP[b]! += p[k];
      if (outcomes[i] === o) hits[b]! += 1;
    });
    let ece = 0;
    for (let b = 0; b < BINS; b++) if (n[b]) ece += (n[b]! / preds.length) * Math.abs(sumP[b]! / n[b]! - hits[b]! / n[b]!);
    worst = Math.max(worst, ece);
  }
  return worst;
}

export function scoreForecasts(preds: readonly Probabilities[], outcomes: readonly Outcome[]): GateScores {
  const total = preds.reduce((s, p, i) => s + rps(p, outcomes[i]!), 0);
  return { rps: preds.length ? total / preds.length : NaN, calibration: calibrationError(preds, outcomes), matches: preds.length };
}

/** Two specs are the same model when their kind and hyper-parameters are. */
export function sameSpec(a: ModelSpec<any>, b: ModelSpec<any>): boolean {
  return a.name === b.name && stableJson(a.hyper) === stableJson(b.hyper);
}

/**
 * Score each labelled spec on the same matches: for every (league, season), every finished match
 * of that season, predicted walk-forward with refits every `refitDays` days.
 */
export async function scoreOnSameMatches(
  wh: Warehouse,
  seasons: readonly { league: string; season: string }[],
  specs: Record<string, ModelSpec<any>>,
  refitDays: number,
): Promise<Record<string, GateScores>> {
  const labels = Object.keys(specs);
  // walkForward keys predictions by spec name: give each label its own name.
  const renamed = labels.map((label) => {
    const s = specs[label]!;
    return { ...s, name: label, fit: s.fit.bind(s), fromJSON: s.fromJSON.bind(s) } as ModelSpec<any>;
  });
  const preds: Record<string, Probabilities[]> = Object.fromEntries(labels.map((l) => [l, []]));
  const outcomes: Outcome[] = [];
  for (const { league, season } of seasons) {
    const finished = (await leagueMatches(wh.db, league)).filter((m) => m.homeGoals !== null && m.awayGoals !== null);
    const history: TrainingMatch[] = finished.map((m) => ({ day: m.day, home: m.home, away: m.away, homeGoals: m.homeGoals!, awayGoals: m.awayGoals! }));
    const targets = finished.filter((m) => m.season === season);
    if (targets.length === 0) continue;
    const wf = walkForward(history, targets.map((m) => ({ id: m.id, day: m.day, home: m.home, away: m.away })), renamed, refitDays);
    for (const m of targets) {
      outcomes.push(outcomeOf(m.homeGoals!, m.awayGoals!));
      for (const l of labels) preds[l]!.push(wf.predictions[l]!.get(m.id)!.probabilities);
    }
  }
  return Object.fromEntries(labels.map((l) => [l, scoreForecasts(preds[l]!, outcomes)]));
}

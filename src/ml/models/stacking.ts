/**
 * Stacked models: a multinomial (softmax) regression with L2 over other models' OUT-OF-SAMPLE
 * forecasts, as log-odds ln(pH/pD), ln(pA/pD) per input model, and, for a market-aware stack,
 * the fixture's pre-match price (margin removed) as two more log-odds plus a missing flag. A
 * market-aware stack uses the price's log-odds as an OFFSET (the regression learns corrections
 * to the price; its L2 penalty, intercepts included, shrinks it towards the price itself; a
 * match without a price gets the inputs' mean log-odds as offset).
 *
 * - `ensemble`: the results-only models stacked (elo, pi, poisson, dixon-coles,
 *   diagonal-poisson, softmax); `ensemble+market`: the same plus the pre-match price.
 * - `<model>+market`: one results-only model and the pre-match price. It learns how much the
 *   model adds to the price (and corrects the price's own biases, e.g. the draw).
 *
 * Training rows are the matches before the fit day (within `windowDays`) for which every input
 * has an out-of-sample forecast — made by a fit as of a day ≤ the match's day on matches
 * before it (FitContext.oos, which the walk-forward fills). Without that context (the training
 * path) the stack walks its inputs forward itself over the window first. The L2 strength is
 * tuned inside the training rows at each season cut-off (l2-choice.ts `chooseL2`).
 */
import type { Odds1x2, Probabilities } from '../../domain/types.ts';
import { outcomeOf } from '../../domain/types.ts';
import type { FitContext, FittedModel, ModelSpec, OosPredictions, PredictContext, Prediction, TrainingMatch } from './model.ts';
import { matchKey } from './model.ts';
import { multiplicative } from '../market/demargin.ts';
import { OUTCOME_INDEX, parseSoftmaxParams, softmaxProbabilities, type SoftmaxParams } from './softmax-regression.ts';
import { parseL2Choice, seasonL2Choice, type L2Choice } from './l2-choice.ts';
import { incrementalRows, type RowCache, type TrainingRow } from './training-rows.ts';
import { TunedSoftmaxFit, fitTrainingRows } from './tuned-softmax.ts';
import { buildFeatureTable } from '../features/index.ts';
import { MONDAY_ANCHOR, seasonCutoff } from '../evaluation/seasons.ts';
import { mergeHyper } from './training-data.ts';
import { walkForward } from '../evaluation/walk-forward.ts';

export type StackHyper = {
  /** Rows at most this many days before the fit day (default 4 years). */
  windowDays: number;
  /** Row time decay per day (default 0.0005). */
  xi: number;
  /** Days before the season cut-off used to choose the L2 strength (default 365). */
  validationDays: number;
  /** L2 strength when there is too little history to tune it (default 0.03; market-aware: 1). */
  l2: number;
};

export const STACK_DEFAULTS: StackHyper = { windowDays: 4 * 365, xi: 0.0005, validationDays: 365, l2: 0.03 };

const P_FLOOR = 1e-6;

function logOdds(p: Probabilities): [number, number] {
  const d = Math.max(p.draw, P_FLOOR);
  return [Math.log(Math.max(p.home, P_FLOOR) / d), Math.log(Math.max(p.away, P_FLOOR) / d)];
}

/** Stack input row: the inputs' log-odds, then (market) the price's log-odds and a missing flag. */
export function stackRow(inputs: readonly Prediction[], preOdds: Odds1x2 | null | undefined, market: boolean): Float64Array {
  const out = new Float64Array(2 * inputs.length + (market ? 3 : 0));
  let sh = 0;
  let sa = 0;
  inputs.forEach((p, i) => {
    const [h, a] = logOdds(p.probabilities);
    out[2 * i] = h;
    out[2 * i + 1] = a;
    sh += h;
    sa += a;
  });
  if (market) {
    const k = 2 * inputs.length;
    const o = preOdds;
    if (o && o.home > 1 && o.draw > 1 && o.away > 1 && Number.isFinite(o.home + o.draw + o.away)) {
      const [h, a] = logOdds(multiplicative(o));
      out[k] = h;
      out[k + 1] = a;
      out[k + 2] = 0;
    } else {
      out[k] = sh / inputs.length;
      out[k + 1] = sa / inputs.length;
      out[k + 2] = 1;
    }
  }
  return out;
}

export function stackColumns(inputs: readonly string[], market: boolean): string[] {
  const cols = inputs.flatMap((n) => [`${n}:ln_h_d`, `${n}:ln_a_d`]);
  if (market) cols.push('mkt_ln_h_d', 'mkt_ln_a_d', 'mkt_missing');
  return cols;
}

interface StackState {
  name: string;
  hyper: StackHyper;
  inputs: string[];
  market: boolean;
  asOfDay: number;
  params: SoftmaxParams;
  choice: L2Choice;
  nRows: number;
  fits: Record<string, FittedModel>;
  cache?: RowCache;
}

export class StackedModel extends TunedSoftmaxFit implements FittedModel {
  readonly kind: string;
  readonly #s: StackState;
  constructor(s: StackState) {
    super(s);
    this.#s = s;
    this.kind = s.name;
  }

  predict(home: string, away: string, context: PredictContext = {}): Prediction {
    const s = this.#s;
    const preds = s.inputs.map((n) => {
      const given = context.inputs?.[n];
      if (given) return given;
      const f = s.fits[n];
      if (!f) throw new Error(`${s.name}: no fit of input ${n} to predict with`);
      return f.predict(home, away, { day: context.day });
    });
    const x = stackRow(preds, context.preOdds, s.market);
    const off: [number, number] | undefined = s.market ? [x[x.length - 3], x[x.length - 2]] : undefined;
    let eh = 0;
    let ea = 0;
    for (const p of preds) {
      eh += p.expectedGoals.home;
      ea += p.expectedGoals.away;
    }
    return { probabilities: softmaxProbabilities(s.params, x, off), expectedGoals: { home: eh / preds.length, away: ea / preds.length } };
  }

  teams(): string[] {
    const set = new Set<string>();
    for (const f of Object.values(this.#s.fits)) for (const t of f.teams()) set.add(t);
    return [...set].sort();
  }

  toJSON(): Record<string, unknown> {
    const s = this.#s;
    return {
      kind: s.name,
      hyper: { ...s.hyper },
      inputs: [...s.inputs],
      market: s.market,
      asOfDay: s.asOfDay,
      nRows: s.nRows,
      ...this.fitJSON(),
      fits: Object.fromEntries(s.inputs.filter((n) => s.fits[n]).map((n) => [n, s.fits[n]!.toJSON()])),
    };
  }
}

/** Walk the inputs forward over [from, asOfDay) to get their out-of-sample forecasts (the training path). */
function ownOos(inputs: readonly ModelSpec<any>[], matches: readonly TrainingMatch[], from: number, asOfDay: number, context?: FitContext): Record<string, OosPredictions> {
  const hist = matches.filter((m) => m.day < asOfDay);
  let first = Infinity;
  for (const m of hist) if (m.day < first) first = m.day;
  // The inputs need a season of history before their first out-of-sample forecast.
  from = Math.max(from, seasonCutoff(first + 365));
  const targets = hist.filter((m) => m.day >= from).map((m, i) => ({ id: i, day: m.day, home: m.home, away: m.away, preOdds: m.preOdds }));
  const features = inputs.some((s) => s.usesFeatures)
    ? buildFeatureTable({ matches: hist, otherLeagues: context?.otherLeagues, league: context?.league }, undefined).table
    : undefined;
  const wf = walkForward(hist, targets, inputs, 7, { anchorDay: MONDAY_ANCHOR, features, otherLeagues: context?.otherLeagues, league: context?.league });
  const out: Record<string, Map<string, Prediction>> = {};
  for (const s of inputs) {
    const m = new Map<string, Prediction>();
    for (const t of targets) m.set(matchKey(t.day, t.home, t.away), wf.predictions[s.name]!.get(t.id)!);
    out[s.name] = m;
  }
  return out;
}

export function stackedSpec(options: { name: string; inputs: readonly ModelSpec<any>[]; market: boolean; hyper?: Partial<StackHyper> }): ModelSpec<StackHyper> {
  const { name, market } = options;
  const hyper = mergeHyper(name, { ...STACK_DEFAULTS, l2: market ? 1 : STACK_DEFAULTS.l2 }, options.hyper);
  const inputSpecs = [...options.inputs];
  const inputs = inputSpecs.map((s) => s.name);
  if (inputSpecs.some((s) => s.marketAware)) throw new Error(`${name}: stack inputs must be results-only models`);
  if (market !== name.endsWith('+market')) throw new Error(`${name}: a market-aware model's name ends in +market, and only its`);
  const columns = stackColumns(inputs, market);
  return {
    name,
    hyper,
    marketAware: market,
    inputs,
    inputSpecs,
    fit(matches, asOfDay, previous, context) {
      const cutoff = seasonCutoff(asOfDay);
      const lo = Math.min(asOfDay - hyper.windowDays, cutoff - hyper.validationDays - hyper.windowDays);
      let oos = context?.oos;
      let fits = context?.fits;
      if (!oos || !fits || inputs.some((n) => !oos![n] || !fits![n])) {
        oos = ownOos(inputSpecs, matches, lo, asOfDay, context);
        fits = Object.fromEntries(inputSpecs.map((s) => [s.name, s.fit(matches, asOfDay, undefined, { otherLeagues: context?.otherLeagues, league: context?.league })]));
      }
      const prev = previous instanceof StackedModel && previous.kind === name ? previous : undefined;
      const oosMaps = oos;
      const make = (m: TrainingMatch): TrainingRow | undefined => {
        const k = matchKey(m.day, m.home, m.away);
        const preds: Prediction[] = [];
        for (const n of inputs) {
          const p = oosMaps[n]!.get(k);
          if (!p) return undefined;
          preds.push(p);
        }
        const x = stackRow(preds, market ? m.preOdds : null, market);
        const row: TrainingRow = { x, y: OUTCOME_INDEX[outcomeOf(m.homeGoals, m.awayGoals)], day: m.day };
        if (market) row.off = [x[x.length - 3]!, x[x.length - 2]!];
        return row;
      };
      // Cached rows are valid while the input maps are the same objects (a walk-forward only appends to them).
      const cacheKey = inputs.map((n) => oosMaps[n]);
      const prevCache = prev?.rowCache && Array.isArray(prev.rowCache.key) && (prev.rowCache.key as unknown[]).every((v, i) => v === cacheKey[i]) ? { ...prev.rowCache, key: cacheKey } : undefined;
      const cache = incrementalRows(matches, asOfDay, lo, cacheKey, { stats: true, odds: market }, make, prevCache, cutoff);
      const rows = cache.rows;
      const choice = seasonL2Choice(columns, rows, cutoff, cache.also!, hyper, market, prev?.l2Choice);
      const train = rows.filter((r) => r.day >= asOfDay - hyper.windowDays);
      let params: SoftmaxParams;
      if (train.length < 50) {
        // Too few out-of-sample rows yet: the price alone (market), else the inputs' mean log-odds.
        const k = inputs.length;
        params = {
          names: columns,
          mean: columns.map(() => 0),
          scale: columns.map(() => 1),
          intercept: [0, 0],
          weights: [columns.map((c, j) => (!market && j < 2 * k && j % 2 === 0 ? 1 / k : 0)), columns.map((c, j) => (!market && j < 2 * k && j % 2 === 1 ? 1 / k : 0))],
        };
      } else {
        params = fitTrainingRows(columns, train, asOfDay, hyper, choice.l2, market, prev?.params);
      }
      return new StackedModel({ name, hyper, inputs, market, asOfDay, params, choice, nRows: train.length, fits: { ...fits }, cache: { key: cache.key, asOfDay: cache.asOfDay, signature: cache.signature, rows: cache.rows } });
    },
    fromJSON(p) {
      if (p.kind !== name) throw new Error(`${name}.fromJSON: expected kind "${name}", got ${JSON.stringify(p.kind)}`);
      const fj = (p.fits ?? {}) as Record<string, Record<string, unknown>>;
      const fits: Record<string, FittedModel> = {};
      for (const s of inputSpecs) if (fj[s.name]) fits[s.name] = s.fromJSON(fj[s.name]!);
      return new StackedModel({
        name,
        hyper: mergeHyper(name, { ...STACK_DEFAULTS, l2: market ? 1 : STACK_DEFAULTS.l2 }, p.hyper as Partial<StackHyper>),
        inputs,
        market,
        asOfDay: Number(p.asOfDay),
        params: parseSoftmaxParams(p.params, `${name}.fromJSON params`),
        choice: parseL2Choice(p.l2),
        nRows: Number(p.nRows),
        fits,
      });
    },
  };
}

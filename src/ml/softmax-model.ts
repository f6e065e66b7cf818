/**
 * A multinomial (softmax) regression over the point-in-time features (features.ts), with L2
 * regularisation, as a ModelSpec named `softmax` (results-only features) or `softmax+market`.
 *
 * Columns: by default {@link SOFTMAX_COLUMNS} — rating signals (Elo, pi, Dixon-Coles H/D/A),
 * expected goals and shots on target, shot form over 12 matches, rest days and newcomer
 * flags. (Every feature of the table can be chosen; on the development seasons, E0 2010-11 to
 * 2014-15, the wide set with all form windows overfitted.) `softmax+market` adds the pre-match
 * price's log-odds and missing flag and, above all, uses the price as an OFFSET: the
 * regression learns corrections to the bookmaker's log-odds, and its L2 penalty (intercepts
 * included) shrinks it towards the price itself.
 *
 * Training rows: every match before the fit day within `windowDays`, its feature vector (from
 * FitContext.features when the caller precomputed the table, else built here by replaying the
 * matches) and its outcome, weighted by exp(−xi·age in days). The L2 strength is tuned inside
 * the training data at each season cut-off (1 July): each grid value is fitted on the rows
 * before the last `validationDays` and scored by log loss on those days; the best is refitted
 * on all rows. `previous` caches the rows and the choice (same table, same history) and warm
 * starts the optimiser.
 *
 * Prediction: the vector from PredictContext.features when given (backtests), else from the
 * model's own feature state (the serving path: a fit without a precomputed table keeps the
 * state as of its fit day and computes the fixture's vector with the same function).
 */
import type { FeatureTableLike, FitContext, FittedModel, ModelSpec, PredictContext, Prediction, TrainingMatch } from './model.ts';
import { outcomeOf } from '../domain/types.ts';
import { FEATURE_DEFAULTS, FeatureState, MARKET_FEATURES, buildFeatureTable, featureConfigKey, featureNames, featureIndices, pick, type FeatureConfig } from './features.ts';
import { OUTCOME_INDEX, designMatrix, fitSoftmax, parseSoftmaxParams, softmaxLogLik, softmaxProbabilities, type SoftmaxParams } from './softmax-regression.ts';
import { seasonCutoff } from './seasons.ts';
import { historySignatures } from './signature.ts';
import { compareMatches, mergeHyper } from './training-data.ts';

export type SoftmaxHyper = {
  /** Row time decay per day (default 0.0008: half-life ≈ 2.4 years). */
  xi: number;
  /** Rows at most this many days before the fit day (default 6 years). */
  windowDays: number;
  /** Days before the season cut-off used to choose the L2 strength (default 365). */
  validationDays: number;
  /** L2 strength used when there is too little history to tune it (default 0.03; market: 1). */
  l2: number;
};

export const SOFTMAX_DEFAULTS: SoftmaxHyper = { xi: 0.0008, windowDays: 6 * 365, validationDays: 365, l2: 0.03 };

/** Candidate L2 strengths of the results-only softmax and ensemble. */
export const L2_GRID: readonly number[] = [0.003, 0.01, 0.03, 0.1, 0.3];
/** Candidate L2 strengths of market-offset models: up to strong shrinkage towards the price. */
export const MARKET_L2_GRID: readonly number[] = [0.03, 0.1, 0.3, 1, 3, 10];

/** The default results-only columns of `softmax`. */
export const SOFTMAX_COLUMNS: readonly string[] = [
  'elo_diff',
  'pi_gd',
  'dc_ln_h_d',
  'dc_ln_a_d',
  'dc_log_lambda',
  'dc_log_mu',
  'sot_log_lambda',
  'sot_log_mu',
  ...['home', 'away'].flatMap((s) => ['sf', 'sa', 'sotf', 'sota'].map((k) => `form_${s}_${k}_12`)),
  'rest_home',
  'rest_away',
  'new_home',
  'new_away',
];

export interface L2Choice {
  cutoff: number;
  signature: string;
  l2: number;
  scores: { l2: number; logloss: number }[];
}

export interface TrainingRow {
  x: Float64Array;
  y: number;
  day: number;
  /** Offsets for z_H, z_A (market-offset models). */
  off?: [number, number];
}

function offsetsOf(rows: readonly TrainingRow[]): Float64Array | undefined {
  if (rows.length === 0 || !rows[0]!.off) return undefined;
  const o = new Float64Array(2 * rows.length);
  rows.forEach((r, i) => {
    o[2 * i] = r.off![0];
    o[2 * i + 1] = r.off![1];
  });
  return o;
}

/**
 * Choose the L2 strength for rows (day < cutoff): fit each candidate on the rows before
 * cutoff − validationDays, score mean log loss on the rest. Too little data → `fallback`.
 */
export function chooseL2(
  names: readonly string[],
  rows: readonly TrainingRow[],
  cutoff: number,
  hyper: { xi: number; windowDays: number; validationDays: number },
  fallback: number,
  grid: readonly number[] = L2_GRID,
  penalizeIntercept = false,
): { l2: number; scores: { l2: number; logloss: number }[] } {
  const split = cutoff - hyper.validationDays;
  const train = rows.filter((r) => r.day < split && r.day >= split - hyper.windowDays);
  const valid = rows.filter((r) => r.day >= split && r.day < cutoff);
  if (train.length < 300 || valid.length < 100) return { l2: fallback, scores: [] };
  const f = names.length;
  const mTrain = designMatrix(train.map((r) => r.x), f);
  const wTrain = train.map((r) => Math.exp(-hyper.xi * (split - r.day)));
  const mValid = designMatrix(valid.map((r) => r.x), f);
  const yValid = valid.map((r) => r.y);
  const offTrain = offsetsOf(train);
  const offValid = offsetsOf(valid);
  let best = { l2: fallback, ll: -Infinity };
  const scores: { l2: number; logloss: number }[] = [];
  let start: SoftmaxParams | undefined;
  // From strong to weak regularisation, each warm-started from the previous.
  for (const l2 of [...grid].sort((a, b) => b - a)) {
    const fit = fitSoftmax(names, mTrain, train.map((r) => r.y), { l2, weights: wTrain, start, offset: offTrain, penalizeIntercept });
    start = fit;
    const ll = softmaxLogLik(fit, mValid, yValid, undefined, offValid);
    scores.push({ l2, logloss: Math.round(-ll * 1e8) / 1e8 });
    if (ll > best.ll + 1e-12) best = { l2, ll };
  }
  scores.sort((a, b) => a.l2 - b.l2);
  return { l2: best.l2, scores };
}

/** Rows cached between refits of a walk-forward (not serialised). */
export interface RowCache {
  key: unknown;
  asOfDay: number;
  signature: string;
  rows: TrainingRow[];
}

/**
 * Training rows of the matches in [lo, asOfDay), sorted by (day, home, away), reusing the
 * previous fit's rows when it was made on the same history (same `key`, same signature of the
 * matches before its fit day).
 */
export function incrementalRows(
  matches: readonly TrainingMatch[],
  asOfDay: number,
  lo: number,
  key: unknown,
  extras: { stats?: boolean; odds?: boolean },
  make: (m: TrainingMatch) => TrainingRow | undefined,
  prev?: RowCache,
  /** A further cut-off day whose signature the caller needs (computed in the same pass). */
  alsoBefore?: number,
): RowCache & { also?: string } {
  const cuts = [asOfDay, ...(prev ? [prev.asOfDay] : []), ...(alsoBefore !== undefined ? [alsoBefore] : [])];
  const sigs = historySignatures(matches, cuts, extras);
  const sigNow = sigs[0]!;
  const sigPrev = prev ? sigs[1] : undefined;
  const also = alsoBefore !== undefined ? sigs[sigs.length - 1] : undefined;
  let rows: TrainingRow[] = [];
  let from = lo;
  if (prev && prev.key === key && prev.asOfDay <= asOfDay && sigPrev === prev.signature) {
    rows = prev.rows.filter((r) => r.day >= lo);
    from = Math.max(lo, prev.asOfDay);
  }
  const fresh = matches.filter((m) => m.day >= from && m.day < asOfDay).sort(compareMatches);
  let last = '';
  for (const m of fresh) {
    const k = `${m.day}|${m.home}|${m.away}`;
    if (k === last) continue;
    last = k;
    const r = make(m);
    if (r) rows.push(r);
  }
  return { key, asOfDay, signature: sigNow, rows, also };
}

interface SoftmaxState {
  name: string;
  hyper: SoftmaxHyper;
  cfg: FeatureConfig;
  asOfDay: number;
  columns: string[];
  market: boolean;
  params: SoftmaxParams;
  choice: L2Choice;
  nRows: number;
  state?: FeatureState;
  cache?: RowCache;
}

export class SoftmaxModel implements FittedModel {
  readonly kind: string;
  readonly #s: SoftmaxState;
  readonly #idx: number[];
  readonly #dcIdx: number[];
  readonly #mktIdx: number[];

  constructor(s: SoftmaxState) {
    this.#s = s;
    this.kind = s.name;
    const all = featureNames(s.cfg);
    this.#idx = featureIndices(all, s.columns);
    this.#dcIdx = featureIndices(all, ['dc_log_lambda', 'dc_log_mu']);
    this.#mktIdx = featureIndices(all, ['mkt_ln_h_d', 'mkt_ln_a_d']);
  }

  get params(): SoftmaxParams {
    return this.#s.params;
  }

  get l2Choice(): L2Choice {
    return this.#s.choice;
  }

  get rowCache(): RowCache | undefined {
    return this.#s.cache;
  }

  /** The feature state kept for serving (undefined when fitted from a precomputed table). */
  get featureState(): FeatureState | undefined {
    return this.#s.state;
  }

  /** The full feature vector of a fixture: the caller's, else from the model's own state (the serving path). */
  features(home: string, away: string, context: PredictContext = {}): Float64Array {
    if (context.features) return context.features;
    const st = this.#s.state;
    if (!st) throw new Error(`${this.kind}: this fit was made from a precomputed feature table; pass the fixture's features`);
    return st.vector({ day: context.day, home, away, preOdds: this.#s.market ? context.preOdds : null });
  }

  predict(home: string, away: string, context: PredictContext = {}): Prediction {
    const v = this.features(home, away, context);
    const off: [number, number] | undefined = this.#s.market ? [v[this.#mktIdx[0]], v[this.#mktIdx[1]]] : undefined;
    return {
      probabilities: softmaxProbabilities(this.#s.params, pick(v, this.#idx), off),
      expectedGoals: { home: Math.exp(v[this.#dcIdx[0]]), away: Math.exp(v[this.#dcIdx[1]]) },
    };
  }

  teams(): string[] {
    return this.#s.state?.teams() ?? [];
  }

  toJSON(): Record<string, unknown> {
    const s = this.#s;
    return {
      kind: s.name,
      hyper: { ...s.hyper },
      featureConfig: s.cfg,
      featureKey: featureConfigKey(s.cfg),
      asOfDay: s.asOfDay,
      nRows: s.nRows,
      columns: [...s.columns],
      params: { names: s.params.names, mean: s.params.mean, scale: s.params.scale, intercept: s.params.intercept, weights: s.params.weights },
      l2: { cutoff: s.choice.cutoff, l2: s.choice.l2, scores: s.choice.scores },
      featureState: s.state ? s.state.toJSON() : null,
    };
  }
}

export interface SoftmaxSpecOptions {
  market?: boolean;
  hyper?: Partial<SoftmaxHyper>;
  features?: FeatureConfig;
  /** Results-only columns (default SOFTMAX_COLUMNS); the market variant adds the market features. */
  columns?: readonly string[];
}

export function softmaxSpec(options: SoftmaxSpecOptions = {}): ModelSpec<SoftmaxHyper> {
  const market = options.market === true;
  const name = market ? 'softmax+market' : 'softmax';
  const hyper = mergeHyper(name, { ...SOFTMAX_DEFAULTS, l2: market ? 1 : SOFTMAX_DEFAULTS.l2 }, options.hyper);
  const cfg = options.features ?? FEATURE_DEFAULTS;
  const key = featureConfigKey(cfg);
  const all = featureNames(cfg);
  const base = [...(options.columns ?? SOFTMAX_COLUMNS)];
  for (const c of base) if (MARKET_FEATURES.includes(c)) throw new Error(`${name}: "${c}" is a market feature; results-only columns only`);
  const columns = market ? [...base, ...MARKET_FEATURES] : base;
  const idx = featureIndices(all, columns);
  const mktIdx = featureIndices(all, ['mkt_ln_h_d', 'mkt_ln_a_d']);
  const grid = market ? MARKET_L2_GRID : L2_GRID;
  const extras = { stats: true, odds: market };
  return {
    name,
    hyper,
    marketAware: market,
    usesFeatures: true,
    featureKey: key,
    fit(matches, asOfDay, previous, context?: FitContext) {
      const cutoff = seasonCutoff(asOfDay);
      const lo = Math.min(asOfDay - hyper.windowDays, cutoff - hyper.validationDays - hyper.windowDays);
      let state: FeatureState | undefined;
      let table: FeatureTableLike;
      if (context?.features && context.features.configKey === key) {
        table = context.features;
      } else {
        // The serving path: replay the matches, keep the state as of asOfDay.
        const built = buildFeatureTable({ matches: matches.filter((m) => m.day < asOfDay), otherLeagues: context?.otherLeagues, league: context?.league, asOfDay }, cfg);
        built.state.prepare(asOfDay);
        state = built.state;
        table = built.table;
      }
      const prev = previous instanceof SoftmaxModel && previous.kind === name ? previous : undefined;
      const make = (m: TrainingMatch): TrainingRow => {
        const v = table.get(m.day, m.home, m.away);
        if (!v) throw new Error(`${name}: no feature vector for ${m.home} v ${m.away} on day ${m.day}`);
        const row: TrainingRow = { x: pick(v, idx), y: OUTCOME_INDEX[outcomeOf(m.homeGoals, m.awayGoals)], day: m.day };
        if (market) row.off = [v[mktIdx[0]], v[mktIdx[1]]];
        return row;
      };
      const cache = incrementalRows(matches, asOfDay, lo, state ? undefined : table, extras, make, state ? undefined : prev?.rowCache, cutoff);
      const rows = cache.rows;
      // L2 chosen at the season cut-off, from rows before it only (cached via previous).
      const signature = cache.also!;
      let choice: L2Choice;
      if (prev && prev.l2Choice.cutoff === cutoff && prev.l2Choice.signature === signature) choice = prev.l2Choice;
      else {
        const c = chooseL2(columns, rows.filter((r) => r.day < cutoff), cutoff, hyper, hyper.l2, grid, market);
        choice = { cutoff, signature, l2: c.l2, scores: c.scores };
      }
      const train = rows.filter((r) => r.day >= asOfDay - hyper.windowDays);
      if (train.length === 0) throw new Error(`${name}: no matches in the ${hyper.windowDays} days before day ${asOfDay} to fit on`);
      const m = designMatrix(train.map((r) => r.x), columns.length);
      const fit = fitSoftmax(columns, m, train.map((r) => r.y), {
        l2: choice.l2,
        weights: train.map((r) => Math.exp(-hyper.xi * (asOfDay - r.day))),
        start: prev?.params,
        offset: offsetsOf(train),
        penalizeIntercept: market,
        gradientTolerance: 1e-6,
      });
      return new SoftmaxModel({ name, hyper, cfg, asOfDay, columns, market, params: fit, choice, nRows: train.length, state, cache: state ? undefined : { key: cache.key, asOfDay: cache.asOfDay, signature: cache.signature, rows: cache.rows } });
    },
    fromJSON(p) {
      if (p.kind !== name) throw new Error(`${name}.fromJSON: expected kind "${name}", got ${JSON.stringify(p.kind)}`);
      const fcfg = p.featureConfig as FeatureConfig;
      if (featureConfigKey(fcfg) !== p.featureKey) throw new Error(`${name}.fromJSON: feature configuration does not match its key`);
      const l2 = (p.l2 ?? {}) as { cutoff: number; l2: number; scores: { l2: number; logloss: number }[] };
      return new SoftmaxModel({
        name,
        hyper: mergeHyper(name, { ...SOFTMAX_DEFAULTS, l2: market ? 1 : SOFTMAX_DEFAULTS.l2 }, p.hyper as Partial<SoftmaxHyper>),
        cfg: fcfg,
        asOfDay: Number(p.asOfDay),
        columns: [...(p.columns as string[])],
        market,
        params: parseSoftmaxParams(p.params, `${name}.fromJSON params`),
        choice: { cutoff: Number(l2.cutoff), signature: '', l2: Number(l2.l2), scores: l2.scores ?? [] },
        nRows: Number(p.nRows),
        state: p.featureState ? FeatureState.fromJSON(p.featureState as Record<string, unknown>) : undefined,
      });
    },
  };
}

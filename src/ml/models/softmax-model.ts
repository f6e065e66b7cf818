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
 * on all rows (l2-choice.ts, tuned-softmax.ts). `previous` caches the rows (training-rows.ts)
 * and the choice (same table, same history) and warm starts the optimiser.
 *
 * Prediction: the vector from PredictContext.features when given (backtests), else from the
 * model's own feature state (the serving path: a fit without a precomputed table keeps the
 * state as of its fit day and computes the fixture's vector with the same function).
 */
import type { FeatureTableLike, FitContext, FittedModel, ModelSpec, PredictContext, Prediction, TrainingMatch } from './model.ts';
import { outcomeOf } from '../../domain/types.ts';
import { FEATURE_DEFAULTS, FeatureState, MARKET_FEATURES, buildFeatureTable, featureConfigKey, featureNames, featureIndices, pick, type FeatureConfig } from '../features/index.ts';
import { OUTCOME_INDEX, parseSoftmaxParams, softmaxProbabilities, type SoftmaxParams } from './softmax-regression.ts';
import { parseL2Choice, seasonL2Choice, type L2Choice } from './l2-choice.ts';
import { incrementalRows, type RowCache, type TrainingRow } from './training-rows.ts';
import { TunedSoftmaxFit, fitTrainingRows } from './tuned-softmax.ts';
import { seasonCutoff } from '../evaluation/seasons.ts';
import { mergeHyper } from './training-data.ts';

export { L2_GRID, MARKET_L2_GRID, chooseL2, type L2Choice } from './l2-choice.ts';
export { incrementalRows, type RowCache, type TrainingRow } from './training-rows.ts';

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

export class SoftmaxModel extends TunedSoftmaxFit implements FittedModel {
  readonly kind: string;
  readonly #s: SoftmaxState;
  readonly #idx: number[];
  readonly #dcIdx: number[];
  readonly #mktIdx: number[];

  constructor(s: SoftmaxState) {
    super(s);
    this.#s = s;
    this.kind = s.name;
    const all = featureNames(s.cfg);
    this.#idx = featureIndices(all, s.columns);
    this.#dcIdx = featureIndices(all, ['dc_log_lambda', 'dc_log_mu']);
    this.#mktIdx = featureIndices(all, ['mkt_ln_h_d', 'mkt_ln_a_d']);
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
      ...this.fitJSON(),
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
      const choice = seasonL2Choice(columns, rows, cutoff, cache.also!, hyper, market, prev?.l2Choice);
      const train = rows.filter((r) => r.day >= asOfDay - hyper.windowDays);
      if (train.length === 0) throw new Error(`${name}: no matches in the ${hyper.windowDays} days before day ${asOfDay} to fit on`);
      const fit = fitTrainingRows(columns, train, asOfDay, hyper, choice.l2, market, prev?.params);
      return new SoftmaxModel({ name, hyper, cfg, asOfDay, columns, market, params: fit, choice, nRows: train.length, state, cache: state ? undefined : { key: cache.key, asOfDay: cache.asOfDay, signature: cache.signature, rows: cache.rows } });
    },
    fromJSON(p) {
      if (p.kind !== name) throw new Error(`${name}.fromJSON: expected kind "${name}", got ${JSON.stringify(p.kind)}`);
      const fcfg = p.featureConfig as FeatureConfig;
      if (featureConfigKey(fcfg) !== p.featureKey) throw new Error(`${name}.fromJSON: feature configuration does not match its key`);
      return new SoftmaxModel({
        name,
        hyper: mergeHyper(name, { ...SOFTMAX_DEFAULTS, l2: market ? 1 : SOFTMAX_DEFAULTS.l2 }, p.hyper as Partial<SoftmaxHyper>),
        cfg: fcfg,
        asOfDay: Number(p.asOfDay),
        columns: [...(p.columns as string[])],
        market,
        params: parseSoftmaxParams(p.params, `${name}.fromJSON params`),
        choice: parseL2Choice(p.l2),
        nRows: Number(p.nRows),
        state: p.featureState ? FeatureState.fromJSON(p.featureState as Record<string, unknown>) : undefined,
      });
    },
  };
}

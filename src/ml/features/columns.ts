/**
 * The columns of a feature vector: {@link featureNames} lists them in the order
 * {@link FeatureState.vector} writes them (ratings, Dixon-Coles, shots-on-target model, form
 * windows of each side, rest, league averages, newcomers, then the market block),
 * {@link MARKET_FEATURES} names the market-aware ones only `+market` models may read, and
 * {@link featureIndices} / {@link pick} select named columns out of a vector.
 */
import { FEATURE_DEFAULTS, type FeatureConfig } from './config.ts';

const FORM_STATS = ['pts', 'gf', 'ga', 'sf', 'sa', 'sotf', 'sota', 'xgf', 'xga'] as const;
/** Form statistics in the vector: the WhoScored xG proxy only when the configuration asks for it. */
export function formStats(cfg: FeatureConfig): readonly FormStat[] {
  return cfg.whoscoredXg ? FORM_STATS : FORM_STATS.slice(0, 7);
}
export type FormStat = (typeof FORM_STATS)[number];

export function featureNames(cfg: FeatureConfig = FEATURE_DEFAULTS): string[] {
  const names = [
    'elo_diff',
    'pi_gd',
    'pi_home_h',
    'pi_away_a',
    'dc_att_h',
    'dc_def_h',
    'dc_att_a',
    'dc_def_a',
    'dc_log_lambda',
    'dc_log_mu',
    'dc_ln_h_d',
    'dc_ln_a_d',
    'sot_log_lambda',
    'sot_log_mu',
  ];
  for (const side of ['home', 'away']) for (const w of cfg.formWindows) for (const s of formStats(cfg)) names.push(`form_${side}_${s}_${w}`);
  names.push('rest_home', 'rest_away', 'league_home_adv', 'league_draw_rate', 'league_goals', 'new_home', 'new_away');
  names.push(...MARKET_FEATURES);
  return names;
}

/** Market-aware feature names: only `+market` models may read them. */
export const MARKET_FEATURES: readonly string[] = ['mkt_ln_h_d', 'mkt_ln_a_d', 'mkt_missing'];

export const FEATURE_NAMES: readonly string[] = featureNames(FEATURE_DEFAULTS);

/** Indices of the named features in a vector of `names`; throws naming a missing one. */
export function featureIndices(names: readonly string[], wanted: readonly string[]): number[] {
  return wanted.map((w) => {
    const i = names.indexOf(w);
    if (i < 0) throw new Error(`feature "${w}" is not in the table (${names.length} features)`);
    return i;
  });
}

/** The vector restricted to the given indices. */
export function pick(v: ArrayLike<number>, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = v[idx[i]];
  return out;
}

/**
 * The feature function's configuration: {@link FeatureConfig} (Elo, pi-ratings and
 * Dixon-Coles settings, form windows, rest-day cap, league averaging weight, promotion carry,
 * and whether the WhoScored expected-goals proxy is in), its defaults {@link FEATURE_DEFAULTS},
 * and {@link featureConfigKey}, the versioned string a feature table and a model must share.
 */
import { stableJson } from '../../domain/stable-json.ts';

export interface FeatureConfig {
  elo: { k: number; hfa: number; initialRating: number };
  pi: { lambda: number; gamma: number };
  dc: { xi: number; windowDays: number; minNewMatches: number; gradientTolerance: number; minMatches: number };
  formWindows: number[];
  restCap: number;
  restDefault: number;
  /** Per-match weight of the league-level exponentially weighted averages. */
  leagueAlpha: number;
  promotionCarry: number;
  /** 1 = add form windows of the WhoScored expected-goals proxy (goals stand in where absent); 0 = leave them out. */
  whoscoredXg: number;
}

export const FEATURE_DEFAULTS: FeatureConfig = {
  elo: { k: 20, hfa: 60, initialRating: 1500 },
  pi: { lambda: 0.035, gamma: 0.7 },
  dc: { xi: 0.0019, windowDays: 3 * 365 + 1, minNewMatches: 8, gradientTolerance: 1e-6, minMatches: 60 },
  formWindows: [3, 6, 12],
  restCap: 14,
  restDefault: 7,
  leagueAlpha: 1 / 200,
  promotionCarry: 0.5,
  whoscoredXg: 0,
};

/** The feature function's version and configuration, as a string a table and a model must share. */
export function featureConfigKey(cfg: FeatureConfig): string {
  return `time2bet.features/v1:${stableJson(cfg)}`;
}

/**
 * Point-in-time features: ONE function, {@link FeatureState.vector}, computes the feature
 * vector of a fixture from a state that has seen only matches finished before the fixture's
 * day. Offline, {@link buildFeatureTable} replays a league day by day (vectors of a day's
 * fixtures first, then that day's results); online, a fitted model keeps the state as of its
 * fit day and calls the same `vector` for the fixture it is asked about. Matches of the same
 * day never see each other.
 *
 * Features (results-only unless noted; `FEATURE_NAMES` is the column order):
 * - Elo: rating difference /100 (elo.ts update rule; new teams enter as described below).
 * - pi-ratings: expected goal difference, home team's home rating, away team's away rating.
 * - Dixon-Coles (goals, ρ fitted) refitted in the state when ≥ `dc.minNewMatches` results
 *   arrived since its last fit, warm-started from it: attack/defence of both teams, log λ,
 *   log μ, and its H/D/A as ln(pH/pD), ln(pA/pD).
 * - A Poisson model of shots on target (same likelihood, ρ = 0): log expected SoT of each side.
 * - Rolling form over the last 3, 6 and 12 league matches (any venue) of each team: points,
 *   goals for/against, shots for/against, shots on target for/against (and, with
 *   `whoscoredXg: 1`, the WhoScored expected-goals proxy where the warehouse has it, goals
 *   standing in elsewhere); a team with no history gets the league's recent averages.
 * - Rest days of each side (capped; unknown day → the neutral default).
 * - The league's current home advantage (goal difference), draw rate and goals per match
 *   (exponentially weighted over its recent matches).
 * - Newcomer intensity of each side: 1 − (league matches in the last 400 days)/10, floored at 0.
 * - Market-aware (`mkt_*`, {@link MARKET_FEATURES}): the fixture's PRE-MATCH 1X2 price,
 *   margin removed (multiplicative), as ln(pH/pD), ln(pA/pD), and a missing flag (when there
 *   is no price the Dixon-Coles log-odds stand in). Closing prices never enter.
 *
 * Promoted teams: a team new to the league enters Elo and pi at a prior. When the state was
 * given other leagues' matches and the team played one of them in the last 500 days, the
 * prior comes from that league: promoted from a lower tier → the weakest-3 average here plus
 * `promotionCarry` × (its rating there − the top-3 average there); relegated from a higher tier
 * → the top-3 average here plus `promotionCarry` × (its rating there − the bottom-3 average
 * there). Otherwise → the weakest-3 average (elo.ts / pi-ratings.ts rule).
 *
 * Pure and deterministic: inputs are sorted by a total order; no clock, no randomness.
 *
 * This module is the public entry point; the code lives in features/:
 * - config.ts: {@link FeatureConfig}, {@link FEATURE_DEFAULTS}, {@link featureConfigKey}.
 * - columns.ts: the column names ({@link featureNames}, {@link MARKET_FEATURES}) and
 *   {@link featureIndices} / {@link pick}.
 * - ratings.ts: a league's Elo/pi rating book and the Elo update.
 * - promotion.ts: {@link leagueTier} and the entry priors of new teams.
 * - form.ts: rolling per-team form, newcomer days and league averages.
 * - fits.ts: the Dixon-Coles and shots-on-target refits.
 * - parts.ts: the data of one league's state; update.ts: feeding it results.
 * - vector.ts: THE feature function and {@link Fixture}.
 * - serialize.ts: the state's JSON form; state.ts: the {@link FeatureState} class.
 * - table.ts: {@link buildFeatureTable} and {@link FeatureTable}.
 */
export { FEATURE_DEFAULTS, featureConfigKey, type FeatureConfig } from './config.ts';
export { FEATURE_NAMES, MARKET_FEATURES, featureIndices, featureNames, pick } from './columns.ts';
export { leagueTier } from './promotion.ts';
export type { Fixture } from './vector.ts';
export { FeatureState } from './state.ts';
export { FeatureTable, buildFeatureTable, type FeatureTableInput } from './table.ts';

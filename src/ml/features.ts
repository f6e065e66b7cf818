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
 */
import type { Odds1x2 } from '../domain/types.ts';
import type { FeatureTableLike, TrainingMatch } from './model.ts';
import { matchKey } from './model.ts';
import { expectedScore, goalDifferenceMultiplier } from './elo.ts';
import { PiRatings, piExpectedGoals, piWeakestPrior, type PiRating } from './pi-ratings.ts';
import { DIXON_COLES_DEFAULTS, DixonColesModel, dixonColesFromJSON, fitDixonColes, type DixonColesHyper } from './dixon-coles.ts';
import { multiplicative } from './demargin.ts';
import { compareMatches, compareStrings } from './training-data.ts';
import { stableKey } from './stable.ts';

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
  return `time2bet.features/v1:${stableKey(cfg)}`;
}

const FORM_STATS = ['pts', 'gf', 'ga', 'sf', 'sa', 'sotf', 'sota', 'xgf', 'xga'] as const;
/** Form statistics in the vector: the WhoScored xG proxy only when the configuration asks for it. */
function formStats(cfg: FeatureConfig): readonly FormStat[] {
  return cfg.whoscoredXg ? FORM_STATS : FORM_STATS.slice(0, 7);
}
type FormStat = (typeof FORM_STATS)[number];

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

/** Division of a league code: E0 (Premier League) → 1, E1 → 2; D1, SP1, I1, F1 → 1, D2 → 2. */
export function leagueTier(league: string): number | undefined {
  const m = /^([A-Z]+)(\d)$/.exec(league);
  if (!m) return undefined;
  const n = Number(m[2]);
  return m[1] === 'E' ? n + 1 : n;
}

export interface Fixture {
  day: number;
  home: string;
  away: string;
  preOdds?: Odds1x2 | null;
}

interface FormEntry {
  day: number;
  pts: number;
  gf: number;
  ga: number;
  sf: number | null;
  sa: number | null;
  sotf: number | null;
  sota: number | null;
  xgf: number | null;
  xga: number | null;
}

interface RatingBook {
  elo: Map<string, number>;
  pi: PiRatings;
  lastDay: Map<string, number>;
}

function newBook(cfg: FeatureConfig): RatingBook {
  return { elo: new Map(), pi: new PiRatings(cfg.pi.lambda, cfg.pi.gamma), lastDay: new Map() };
}

function meanOf(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

function lowest(values: Iterable<number>, k: number, highest = false): number | undefined {
  const s = [...values].sort((a, b) => (highest ? b - a : a - b)).slice(0, k);
  return s.length ? meanOf(s) : undefined;
}

/** Elo update of one match (elo.ts rule), in place. */
function eloUpdate(ratings: Map<string, number>, m: TrainingMatch, cfg: FeatureConfig): void {
  const rh = ratings.get(m.home)!;
  const ra = ratings.get(m.away)!;
  const w = m.homeGoals > m.awayGoals ? 1 : m.homeGoals === m.awayGoals ? 0.5 : 0;
  const delta = cfg.elo.k * goalDifferenceMultiplier(m.homeGoals - m.awayGoals) * (w - expectedScore(rh - ra + cfg.elo.hfa));
  ratings.set(m.home, rh + delta);
  ratings.set(m.away, ra - delta);
}

const DC_HYPER = (cfg: FeatureConfig, fitRho: number): DixonColesHyper => ({
  xi: cfg.dc.xi,
  windowDays: cfg.dc.windowDays,
  ridge: DIXON_COLES_DEFAULTS.ridge,
  fitRho,
  gradientTolerance: cfg.dc.gradientTolerance,
});

/**
 * The online state of one league. `updateDay` adds a day's results (and other leagues'
 * results, for priors); `vector` reads features of a fixture on a later day.
 */
export class FeatureState {
  readonly cfg: FeatureConfig;
  readonly league: string | undefined;
  readonly names: string[];
  #book: RatingBook;
  #others = new Map<string, RatingBook>();
  #form = new Map<string, FormEntry[]>();
  #recent = new Map<string, number[]>(); // team → days of its league matches (last 400 days kept)
  #league = { homeAdv: 0.35, drawRate: 0.26, goals: 2.7, pts: 1.37, gpm: 1.35, spm: 12.5, sotpm: 4.4, xgpm: 1.35 };
  #window: TrainingMatch[] = [];
  #dc: DixonColesModel | undefined;
  #sot: DixonColesModel | undefined;
  #newSinceFit = 0;
  #lastDay = -Infinity;
  #frozen = false;

  constructor(cfg: FeatureConfig = FEATURE_DEFAULTS, league?: string) {
    this.cfg = cfg;
    this.league = league;
    this.names = featureNames(cfg);
    this.#book = newBook(cfg);
  }

  /** Day of the latest result added (−Infinity when none). */
  get lastDay(): number {
    return this.#lastDay;
  }

  teams(): string[] {
    return [...this.#book.elo.keys()].sort(compareStrings);
  }

  #priorFor(team: string, day: number): { elo: number; pi: PiRating } {
    const b = this.#book;
    const weakElo = lowest(b.elo.values(), 3) ?? this.cfg.elo.initialRating;
    const weakPi = piWeakestPrior(b.pi.ratings);
    const myTier = this.league ? leagueTier(this.league) : undefined;
    let from: { league: string; book: RatingBook; day: number } | undefined;
    for (const [lg, ob] of this.#others) {
      const d = ob.lastDay.get(team);
      if (d === undefined || day - d > 500) continue;
      if (!from || d > from.day || (d === from.day && compareStrings(lg, from.league) < 0)) from = { league: lg, book: ob, day: d };
    }
    const theirTier = from ? leagueTier(from.league) : undefined;
    if (!from || myTier === undefined || theirTier === undefined || theirTier === myTier || b.elo.size < 3) return { elo: weakElo, pi: weakPi };
    const carry = this.cfg.promotionCarry;
    const r = from.book.elo.get(team)!;
    const p = from.book.pi.get(team);
    const others = [...from.book.pi.ratings.entries()];
    const sumOf = (x: PiRating) => x.home + x.away;
    const sortedPi = others.sort((x, y) => sumOf(x[1]) - sumOf(y[1]) || compareStrings(x[0], y[0])).map((e) => e[1]);
    const avgPi = (list: PiRating[]): PiRating => ({ home: meanOf(list.map((x) => x.home)), away: meanOf(list.map((x) => x.away)) });
    if (theirTier > myTier) {
      // Promoted: ranked against the top of the lower league.
      const top = lowest(from.book.elo.values(), 3, true)!;
      const topPi = avgPi(sortedPi.slice(-3));
      return {
        elo: weakElo + carry * (r - top),
        pi: { home: weakPi.home + carry * (p.home - topPi.home), away: weakPi.away + carry * (p.away - topPi.away) },
      };
    }
    // Relegated: ranked against the bottom of the higher league.
    const strongElo = lowest(b.elo.values(), 3, true)!;
    const strongPi = avgPi([...b.pi.ratings.entries()].sort((x, y) => sumOf(y[1]) - sumOf(x[1]) || compareStrings(x[0], y[0])).slice(0, 3).map((e) => e[1]));
    const bottom = lowest(from.book.elo.values(), 3)!;
    const bottomPi = avgPi(sortedPi.slice(0, 3));
    return {
      elo: strongElo + carry * (r - bottom),
      pi: { home: strongPi.home + carry * (p.home - bottomPi.home), away: strongPi.away + carry * (p.away - bottomPi.away) },
    };
  }

  /** Add one day's finished matches of another league (for promoted-team priors). */
  updateOtherLeague(league: string, matches: readonly TrainingMatch[]): void {
    this.#checkMutable();
    let b = this.#others.get(league);
    if (!b) {
      b = newBook(this.cfg);
      this.#others.set(league, b);
    }
    for (const m of [...matches].sort(compareMatches)) {
      for (const t of [m.home, m.away]) {
        if (!b.elo.has(t)) {
          b.elo.set(t, lowest(b.elo.values(), 3) ?? this.cfg.elo.initialRating);
          b.pi.enter(t, piWeakestPrior(b.pi.ratings));
        }
      }
      eloUpdate(b.elo, m, this.cfg);
      b.pi.update(m.home, m.away, m.homeGoals, m.awayGoals);
      b.lastDay.set(m.home, m.day);
      b.lastDay.set(m.away, m.day);
    }
  }

  #checkMutable(): void {
    if (this.#frozen) throw new Error('FeatureState: a state restored from JSON is read-only (it can compute vectors, not take new results)');
  }

  /** Add the finished league matches of one day (all with the same day, later than any added before). */
  updateDay(matches: readonly TrainingMatch[]): void {
    this.#checkMutable();
    if (matches.length === 0) return;
    const day = matches[0].day;
    if (!(day > this.#lastDay)) throw new Error(`FeatureState.updateDay: day ${day} is not after the last day added (${this.#lastDay})`);
    const ordered = [...matches].sort(compareMatches);
    // Enter newcomers first, all at priors from the state before this day.
    const entering = new Map<string, { elo: number; pi: PiRating }>();
    for (const m of ordered) {
      if (m.day !== day) throw new Error('FeatureState.updateDay: matches of different days');
      for (const t of [m.home, m.away]) if (!this.#book.elo.has(t) && !entering.has(t)) entering.set(t, this.#priorFor(t, day));
    }
    for (const [t, p] of entering) {
      this.#book.elo.set(t, p.elo);
      this.#book.pi.enter(t, p.pi);
    }
    const L = this.#league;
    const a = this.cfg.leagueAlpha;
    for (const m of ordered) {
      eloUpdate(this.#book.elo, m, this.cfg);
      this.#book.pi.update(m.home, m.away, m.homeGoals, m.awayGoals);
      this.#book.lastDay.set(m.home, day);
      this.#book.lastDay.set(m.away, day);
      const hs = m.stats?.home;
      const as = m.stats?.away;
      const val = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      const ph = m.homeGoals > m.awayGoals ? 3 : m.homeGoals === m.awayGoals ? 1 : 0;
      const pa = m.homeGoals < m.awayGoals ? 3 : m.homeGoals === m.awayGoals ? 1 : 0;
      this.#pushForm(m.home, { day, pts: ph, gf: m.homeGoals, ga: m.awayGoals, sf: val(hs?.shots), sa: val(as?.shots), sotf: val(hs?.shotsOnTarget), sota: val(as?.shotsOnTarget), xgf: val(hs?.xg), xga: val(as?.xg) });
      this.#pushForm(m.away, { day, pts: pa, gf: m.awayGoals, ga: m.homeGoals, sf: val(as?.shots), sa: val(hs?.shots), sotf: val(as?.shotsOnTarget), sota: val(hs?.shotsOnTarget), xgf: val(as?.xg), xga: val(hs?.xg) });
      for (const t of [m.home, m.away]) {
        const list = this.#recent.get(t) ?? [];
        list.push(day);
        while (list.length && day - list[0] > 400) list.shift();
        this.#recent.set(t, list);
      }
      L.homeAdv += a * (m.homeGoals - m.awayGoals - L.homeAdv);
      L.drawRate += a * ((m.homeGoals === m.awayGoals ? 1 : 0) - L.drawRate);
      L.goals += a * (m.homeGoals + m.awayGoals - L.goals);
      L.pts += a * ((ph + pa) / 2 - L.pts);
      L.gpm += a * ((m.homeGoals + m.awayGoals) / 2 - L.gpm);
      const sh = val(hs?.shots);
      const sa = val(as?.shots);
      if (sh !== null && sa !== null) L.spm += a * ((sh + sa) / 2 - L.spm);
      const th = val(hs?.shotsOnTarget);
      const ta = val(as?.shotsOnTarget);
      if (th !== null && ta !== null) L.sotpm += a * ((th + ta) / 2 - L.sotpm);
      const xh = val(hs?.xg);
      const xa = val(as?.xg);
      if (xh !== null && xa !== null) L.xgpm += a * ((xh + xa) / 2 - L.xgpm);
      this.#window.push(m);
    }
    this.#newSinceFit += ordered.length;
    this.#lastDay = day;
  }

  #pushForm(team: string, e: FormEntry): void {
    const maxW = Math.max(...this.cfg.formWindows);
    const list = this.#form.get(team) ?? [];
    list.push(e);
    if (list.length > maxW) list.shift();
    this.#form.set(team, list);
  }

  /** Refit the Dixon-Coles components as of `day` when enough new results arrived. */
  #ensureFits(day: number): void {
    if (this.#frozen) return;
    if (this.#newSinceFit < this.cfg.dc.minNewMatches && (this.#dc || this.#newSinceFit === 0)) return;
    const lo = day - this.cfg.dc.windowDays;
    let cut = 0;
    while (cut < this.#window.length && this.#window[cut].day < lo) cut++;
    if (cut > 0) this.#window = this.#window.slice(cut);
    if (this.#window.length < this.cfg.dc.minMatches) return;
    this.#dc = fitDixonColes(this.#window, day, DC_HYPER(this.cfg, 1), this.#dc);
    const sotMatches: TrainingMatch[] = [];
    for (const m of this.#window) {
      const h = m.stats?.home.shotsOnTarget;
      const a = m.stats?.away.shotsOnTarget;
      if (typeof h === 'number' && typeof a === 'number' && Number.isInteger(h) && Number.isInteger(a) && h >= 0 && a >= 0) {
        sotMatches.push({ day: m.day, home: m.home, away: m.away, homeGoals: h, awayGoals: a });
      }
    }
    this.#sot = sotMatches.length >= this.cfg.dc.minMatches ? fitDixonColes(sotMatches, day, DC_HYPER(this.cfg, 0), this.#sot, 'poisson') : undefined;
    this.#newSinceFit = 0;
  }

  /** Make the state ready to answer for fixtures from `day` on (refits if due), as a fit at `day` does. */
  prepare(day: number): void {
    if (day <= this.#lastDay) throw new Error(`FeatureState.prepare: day ${day} is not after the last result (${this.#lastDay})`);
    this.#ensureFits(day);
  }

  #formMeans(team: string, w: number): Record<FormStat, number> {
    const L = this.#league;
    const all = this.#form.get(team) ?? [];
    const list = all.slice(Math.max(0, all.length - w));
    const mean = (get: (e: FormEntry) => number | null, fallback: number): number => {
      let s = 0;
      let n = 0;
      for (const e of list) {
        const v = get(e);
        if (v !== null) {
          s += v;
          n++;
        }
      }
      return n ? s / n : fallback;
    };
    const gf = mean((e) => e.gf, L.gpm);
    const ga = mean((e) => e.ga, L.gpm);
    return {
      pts: mean((e) => e.pts, L.pts),
      gf,
      ga,
      sf: mean((e) => e.sf, L.spm),
      sa: mean((e) => e.sa, L.spm),
      sotf: mean((e) => e.sotf, L.sotpm),
      sota: mean((e) => e.sota, L.sotpm),
      xgf: mean((e) => e.xgf ?? e.gf, L.xgpm),
      xga: mean((e) => e.xga ?? e.ga, L.xgpm),
    };
  }

  #newcomer(team: string, day: number): number {
    const list = this.#recent.get(team) ?? [];
    let n = 0;
    for (const d of list) if (day - d <= 400) n++;
    return Math.max(0, 1 - n / 10);
  }

  /**
   * THE feature function: the vector of a fixture on `fixture.day` (> every result added),
   * in {@link featureNames} order. A fixture without a day (serving) uses the last fit day for
   * the rating fits and the neutral rest default.
   */
  vector(fixture: Fixture | { day?: number; home: string; away: string; preOdds?: Odds1x2 | null }): Float64Array {
    const day = fixture.day ?? this.#lastDay + 1;
    if (!(day > this.#lastDay)) throw new Error(`FeatureState.vector: fixture day ${day} is not after the last result added (${this.#lastDay}); features would see the fixture's own day`);
    this.#ensureFits(day);
    const { home, away } = fixture;
    const out = new Float64Array(this.names.length);
    let k = 0;
    const b = this.#book;
    const ph = b.elo.has(home) ? undefined : this.#priorFor(home, day);
    const pa = b.elo.has(away) ? undefined : this.#priorFor(away, day);
    const eh = ph ? ph.elo : b.elo.get(home)!;
    const ea = pa ? pa.elo : b.elo.get(away)!;
    const pih = ph ? ph.pi : b.pi.get(home);
    const pia = pa ? pa.pi : b.pi.get(away);
    out[k++] = (eh - ea) / 100;
    out[k++] = piExpectedGoals(pih.home) - piExpectedGoals(pia.away);
    out[k++] = pih.home;
    out[k++] = pia.away;
    let dcLogOdds: [number, number] = [Math.log(0.46 / 0.26), Math.log(0.28 / 0.26)];
    if (this.#dc) {
      const sh = this.#dc.strength(home);
      const sa = this.#dc.strength(away);
      const { lambda, mu } = this.#dc.rates(home, away);
      const p = this.#dc.predict(home, away).probabilities;
      dcLogOdds = [Math.log(p.home / p.draw), Math.log(p.away / p.draw)];
      out[k++] = sh.attack;
      out[k++] = sh.defence;
      out[k++] = sa.attack;
      out[k++] = sa.defence;
      out[k++] = Math.log(lambda);
      out[k++] = Math.log(mu);
    } else {
      const L = this.#league;
      const gh = Math.max(0.2, L.goals / 2 + L.homeAdv / 2);
      const ga = Math.max(0.2, L.goals / 2 - L.homeAdv / 2);
      out[k++] = 0;
      out[k++] = 0;
      out[k++] = 0;
      out[k++] = 0;
      out[k++] = Math.log(gh);
      out[k++] = Math.log(ga);
    }
    out[k++] = dcLogOdds[0];
    out[k++] = dcLogOdds[1];
    if (this.#sot) {
      const r = this.#sot.rates(home, away);
      out[k++] = Math.log(r.lambda);
      out[k++] = Math.log(r.mu);
    } else {
      out[k++] = Math.log(this.#league.sotpm);
      out[k++] = Math.log(this.#league.sotpm);
    }
    for (const team of [home, away]) {
      for (const w of this.cfg.formWindows) {
        const f = this.#formMeans(team, w);
        for (const s of formStats(this.cfg)) out[k++] = f[s];
      }
    }
    const rest = (team: string): number => {
      if (fixture.day === undefined) return this.cfg.restDefault;
      const d = b.lastDay.get(team);
      return d === undefined ? this.cfg.restCap : Math.min(this.cfg.restCap, day - d);
    };
    out[k++] = rest(home);
    out[k++] = rest(away);
    out[k++] = this.#league.homeAdv;
    out[k++] = this.#league.drawRate;
    out[k++] = this.#league.goals;
    out[k++] = this.#newcomer(home, day);
    out[k++] = this.#newcomer(away, day);
    // Market-aware block.
    let mkt: [number, number, number] = [dcLogOdds[0], dcLogOdds[1], 1];
    const o = fixture.preOdds;
    if (o && o.home > 1 && o.draw > 1 && o.away > 1 && Number.isFinite(o.home + o.draw + o.away)) {
      const p = multiplicative(o);
      mkt = [Math.log(p.home / p.draw), Math.log(p.away / p.draw), 0];
    }
    out[k++] = mkt[0];
    out[k++] = mkt[1];
    out[k++] = mkt[2];
    if (k !== out.length) throw new Error(`FeatureState.vector: wrote ${k} of ${out.length} features`);
    return out;
  }

  toJSON(): Record<string, unknown> {
    const book = (bk: RatingBook) => ({
      elo: [...bk.elo.entries()],
      pi: [...bk.pi.ratings.entries()].map(([t, r]) => [t, r.home, r.away]),
      lastDay: [...bk.lastDay.entries()],
    });
    return {
      kind: 'feature-state',
      configKey: featureConfigKey(this.cfg),
      cfg: this.cfg,
      league: this.league ?? null,
      lastDay: Number.isFinite(this.#lastDay) ? this.#lastDay : null,
      book: book(this.#book),
      others: [...this.#others.entries()].map(([lg, bk]) => [lg, book(bk)]),
      form: [...this.#form.entries()],
      recent: [...this.#recent.entries()],
      leagueStats: { ...this.#league },
      dc: this.#dc ? this.#dc.toJSON() : null,
      sot: this.#sot ? this.#sot.toJSON() : null,
      newSinceFit: this.#newSinceFit,
    };
  }

  /** Restore a state saved by toJSON; it computes the same vectors and is read-only. */
  static fromJSON(j: Record<string, unknown>): FeatureState {
    if (j.kind !== 'feature-state') throw new Error(`FeatureState.fromJSON: expected kind "feature-state", got ${JSON.stringify(j.kind)}`);
    const cfg = j.cfg as FeatureConfig;
    if (featureConfigKey(cfg) !== j.configKey) throw new Error('FeatureState.fromJSON: the configuration does not match its key');
    const s = new FeatureState(cfg, typeof j.league === 'string' ? j.league : undefined);
    const book = (o: { elo: [string, number][]; pi: [string, number, number][]; lastDay: [string, number][] }): RatingBook => {
      const bk = newBook(cfg);
      for (const [t, r] of o.elo) bk.elo.set(t, r);
      for (const [t, h, a] of o.pi) bk.pi.enter(t, { home: h, away: a });
      for (const [t, d] of o.lastDay) bk.lastDay.set(t, d);
      return bk;
    };
    s.#book = book(j.book as never);
    for (const [lg, bk] of j.others as [string, never][]) s.#others.set(lg, book(bk));
    for (const [t, list] of j.form as [string, FormEntry[]][]) s.#form.set(t, list.map((e) => ({ ...e })));
    for (const [t, list] of j.recent as [string, number[]][]) s.#recent.set(t, [...list]);
    Object.assign(s.#league, j.leagueStats as object);
    s.#dc = j.dc ? dixonColesFromJSON(j.dc as Record<string, unknown>) : undefined;
    s.#sot = j.sot ? dixonColesFromJSON(j.sot as Record<string, unknown>, 'poisson') : undefined;
    s.#newSinceFit = Number(j.newSinceFit);
    s.#lastDay = j.lastDay === null ? -Infinity : Number(j.lastDay);
    s.#frozen = true;
    return s;
  }
}

/** A feature table: one vector per match (and fixture), computed point in time. */
export class FeatureTable implements FeatureTableLike {
  readonly rows = new Map<string, Float64Array>();
  constructor(
    readonly names: readonly string[],
    readonly configKey: string,
  ) {}

  get(day: number, home: string, away: string): Float64Array | undefined {
    return this.rows.get(matchKey(day, home, away));
  }

  get size(): number {
    return this.rows.size;
  }
}

export interface FeatureTableInput {
  /** Finished matches of the league (their results feed the state after their day). */
  matches: readonly TrainingMatch[];
  /** Further fixtures to compute vectors for (e.g. not yet played); results, if any, are ignored. */
  fixtures?: readonly Fixture[];
  /** Finished matches of other leagues (with `league` set), for promoted-team priors. */
  otherLeagues?: readonly TrainingMatch[];
  league?: string;
  /** Only results before this day enter the state (default: all). */
  asOfDay?: number;
}

/**
 * Replay a league day by day: each day, first the vectors of that day's matches and fixtures
 * (from the state before the day), then the day's results. Returns the table and the final
 * state (which has seen every result before `asOfDay`).
 */
export function buildFeatureTable(input: FeatureTableInput, cfg: FeatureConfig = FEATURE_DEFAULTS): { table: FeatureTable; state: FeatureState } {
  const asOf = input.asOfDay ?? Infinity;
  const state = new FeatureState(cfg, input.league);
  const table = new FeatureTable(state.names, featureConfigKey(cfg));
  const byDay = new Map<number, { results: TrainingMatch[]; fixtures: Fixture[]; others: TrainingMatch[] }>();
  const slot = (d: number) => {
    let s = byDay.get(d);
    if (!s) {
      s = { results: [], fixtures: [], others: [] };
      byDay.set(d, s);
    }
    return s;
  };
  for (const m of input.matches) {
    if (m.day >= asOf) continue;
    slot(m.day).results.push(m);
    slot(m.day).fixtures.push(m);
  }
  for (const f of input.fixtures ?? []) slot(f.day).fixtures.push(f);
  for (const m of input.otherLeagues ?? []) if (m.day < asOf && m.league && m.league !== input.league) slot(m.day).others.push(m);
  const days = [...byDay.keys()].sort((a, b) => a - b);
  for (const d of days) {
    const s = byDay.get(d)!;
    const fx = [...s.fixtures].sort((a, b) => compareStrings(a.home, b.home) || compareStrings(a.away, b.away));
    for (const f of fx) {
      const key = matchKey(f.day, f.home, f.away);
      if (!table.rows.has(key)) table.rows.set(key, state.vector(f));
    }
    if (s.results.length) state.updateDay(s.results);
    if (s.others.length) {
      const byLeague = new Map<string, TrainingMatch[]>();
      for (const m of s.others) (byLeague.get(m.league!) ?? byLeague.set(m.league!, []).get(m.league!)!).push(m);
      for (const lg of [...byLeague.keys()].sort(compareStrings)) state.updateOtherLeague(lg, byLeague.get(lg)!);
    }
  }
  return { table, state };
}

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


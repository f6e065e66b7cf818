/**
 * Diagonal-inflated Poisson (Karlis & Ntzoufras 2003, The Statistician 52(3)) as a ModelSpec
 * named `diagonal-poisson`: independent Poisson goals mixed with extra mass on the draws,
 *   P(x, y) = (1 − π)·Pois(x; λ)·Pois(y; μ) + π·[x = y]·D(x),
 * λ = exp(home + att_h + def_a), μ = exp(att_a + def_h) as in Dixon-Coles, and D a discrete
 * distribution on the scores 0-0, 1-1, 2-2, 3-3 (softmax of η_0 = 0, η_1, η_2, η_3).
 * It models the excess of draws that independent Poisson goals miss.
 *
 * Fitted like dixon-coles.ts: time-weighted likelihood (φ = exp(−ξ·age), a window), attacks
 * summing to 0, a small ridge on attacks and defences, the analytic gradient, L-BFGS and warm
 * starts from the previous fit. A team the fit never saw gets the weakest teams' average.
 */
import type { FittedModel, ModelSpec, Prediction, TrainingMatch } from './model.ts';
import { buildDcData, type DcData } from './dixon-coles-likelihood.ts';
import { weakestTeamsPrior, type TeamStrength } from './dixon-coles.ts';
import { minimizeLbfgs, type ObjectiveFn } from './lbfgs.ts';
import { marketsFromGrid, MAX_GOALS } from './score-grid.ts';
import { compareStrings, mergeHyper, selectMatches, teamsOf } from './training-data.ts';

export type DiagonalPoissonHyper = {
  xi: number;
  windowDays: number;
  ridge: number;
  gradientTolerance: number;
};

export const DIAGONAL_POISSON_DEFAULTS: DiagonalPoissonHyper = { xi: 0.0019, windowDays: 3 * 365 + 1, ridge: 0.01, gradientTolerance: 1e-8 };

/** Highest score k of the inflated draws k-k. */
export const DIAGONAL_MAX = 3;

const LOG_FACT = [0, 0, Math.log(2), Math.log(6), Math.log(24), Math.log(120), Math.log(720), Math.log(5040), Math.log(40320), Math.log(362880), Math.log(3628800)];
function logFactorial(k: number): number {
  if (k < LOG_FACT.length) return LOG_FACT[k];
  let s = LOG_FACT[LOG_FACT.length - 1];
  for (let i = LOG_FACT.length; i <= k; i++) s += Math.log(i);
  return s;
}

export interface DiagonalParams {
  attack: Float64Array;
  defence: Float64Array;
  home: number;
  /** Mixing weight π of the diagonal. */
  inflation: number;
  /** D(0..DIAGONAL_MAX). */
  diagonal: number[];
}

function diagonalFromEta(eta: ArrayLike<number>): number[] {
  const e = [1, Math.exp(eta[0]), Math.exp(eta[1]), Math.exp(eta[2])];
  const s = e[0] + e[1] + e[2] + e[3];
  return e.map((v) => v / s);
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Free vector: [att_0..att_{n−2}, def_0..def_{n−1}, home, φ (logit π), η_1, η_2, η_3]. */
export function diagonalParameterCount(n: number): number {
  return 2 * n + 4;
}

export function unpackDiagonal(x: ArrayLike<number>, n: number): DiagonalParams {
  const attack = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    attack[i] = x[i];
    s += x[i];
  }
  attack[n - 1] = -s;
  const defence = new Float64Array(n);
  for (let i = 0; i < n; i++) defence[i] = x[n - 1 + i];
  return { attack, defence, home: x[2 * n - 1], inflation: sigmoid(x[2 * n]), diagonal: diagonalFromEta([x[2 * n + 1], x[2 * n + 2], x[2 * n + 3]]) };
}

export function packDiagonal(p: DiagonalParams): Float64Array {
  const n = p.attack.length;
  let c = 0;
  for (let i = 0; i < n; i++) c += p.attack[i];
  c /= n;
  const x = new Float64Array(diagonalParameterCount(n));
  for (let i = 0; i < n - 1; i++) x[i] = p.attack[i] - c;
  for (let i = 0; i < n; i++) x[n - 1 + i] = p.defence[i] + c;
  x[2 * n - 1] = p.home;
  const pi = Math.min(Math.max(p.inflation, 1e-6), 1 - 1e-6);
  x[2 * n] = Math.log(pi / (1 - pi));
  const d0 = Math.max(p.diagonal[0], 1e-12);
  for (let k = 1; k <= DIAGONAL_MAX; k++) x[2 * n + k] = Math.log(Math.max(p.diagonal[k], 1e-12) / d0);
  return x;
}

/** Weight-normalised negative log-likelihood plus ridge, and its gradient, in one pass. */
export function diagonalObjective(data: DcData, ridge: number): ObjectiveFn {
  const n = data.teams.length;
  const nm = data.homeIdx.length;
  const { homeIdx, awayIdx, homeGoals, awayGoals, weight } = data;
  const W = data.totalWeight;
  const att = new Float64Array(n);
  const def = new Float64Array(n);
  const gAtt = new Float64Array(n);
  const gDef = new Float64Array(n);
  const gEta = new Float64Array(DIAGONAL_MAX + 1);
  return (x: Float64Array, grad: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n - 1; i++) {
      att[i] = x[i];
      s += x[i];
    }
    att[n - 1] = -s;
    for (let i = 0; i < n; i++) def[i] = x[n - 1 + i];
    const home = x[2 * n - 1];
    const pi = sigmoid(x[2 * n]);
    const D = diagonalFromEta([x[2 * n + 1], x[2 * n + 2], x[2 * n + 3]]);
    const log1mPi = Math.log(1 - pi);
    gAtt.fill(0);
    gDef.fill(0);
    gEta.fill(0);
    let gHome = 0;
    let gPhi = 0;
    let ll = 0;
    for (let m = 0; m < nm; m++) {
      const h = homeIdx[m];
      const a = awayIdx[m];
      const w = weight[m];
      const xg = homeGoals[m];
      const yg = awayGoals[m];
      const lnL = home + att[h] + def[a];
      const lnM = att[a] + def[h];
      const lam = Math.exp(lnL);
      const mu = Math.exp(lnM);
      let dL = xg - lam;
      let dM = yg - mu;
      let l: number;
      if (xg === yg && xg <= DIAGONAL_MAX) {
        const lpp = xg * lnL - lam + yg * lnM - mu - 2 * logFactorial(xg);
        const pp = (1 - pi) * Math.exp(lpp);
        const dd = pi * D[xg];
        const p = pp + dd;
        if (!(p > 0)) return Infinity;
        l = Math.log(p);
        const r = pp / p;
        dL *= r;
        dM *= r;
        // ∂ℓ/∂φ = π(1−π)(D − PP)/P = (dd·(1−π) − pp·π)/P
        gPhi += (w * (dd * (1 - pi) - pp * pi)) / p;
        const q = dd / p;
        for (let j = 1; j <= DIAGONAL_MAX; j++) gEta[j] += w * q * ((j === xg ? 1 : 0) - D[j]);
      } else {
        l = log1mPi + xg * lnL - lam + yg * lnM - mu;
        gPhi -= w * pi;
      }
      ll += w * l;
      const wdL = w * dL;
      const wdM = w * dM;
      gHome += wdL;
      gAtt[h] += wdL;
      gDef[a] += wdL;
      gAtt[a] += wdM;
      gDef[h] += wdM;
    }
    let pen = 0;
    for (let i = 0; i < n; i++) {
      pen += att[i] * att[i] + def[i] * def[i];
      gAtt[i] -= 2 * ridge * att[i];
      gDef[i] -= 2 * ridge * def[i];
    }
    const last = gAtt[n - 1];
    for (let i = 0; i < n - 1; i++) grad[i] = -(gAtt[i] - last) / W;
    for (let i = 0; i < n; i++) grad[n - 1 + i] = -gDef[i] / W;
    grad[2 * n - 1] = -gHome / W;
    grad[2 * n] = -gPhi / W;
    for (let j = 1; j <= DIAGONAL_MAX; j++) grad[2 * n + j] = -gEta[j] / W;
    return (-ll + ridge * pen) / W;
  };
}

/** Score grid 0..MAX_GOALS² of the mixture (rows = home goals). */
export function diagonalGrid(lambda: number, mu: number, inflation: number, diagonal: readonly number[]): number[][] {
  const ph = [Math.exp(-lambda)];
  const pa = [Math.exp(-mu)];
  for (let k = 1; k <= MAX_GOALS; k++) {
    ph.push((ph[k - 1] * lambda) / k);
    pa.push((pa[k - 1] * mu) / k);
  }
  const grid: number[][] = [];
  let total = 0;
  for (let i = 0; i <= MAX_GOALS; i++) {
    const row: number[] = [];
    for (let j = 0; j <= MAX_GOALS; j++) {
      let p = (1 - inflation) * ph[i] * pa[j];
      if (i === j && i <= DIAGONAL_MAX) p += inflation * diagonal[i];
      row.push(p);
      total += p;
    }
    grid.push(row);
  }
  for (const row of grid) for (let j = 0; j < row.length; j++) row[j] /= total;
  return grid;
}

interface DiagState {
  hyper: DiagonalPoissonHyper;
  asOfDay: number;
  home: number;
  inflation: number;
  diagonal: number[];
  strengths: Map<string, TeamStrength>;
  prior: { attack: number; defence: number };
  fit: { nMatches: number; iterations: number; converged: boolean; objective: number; warmStart: boolean };
}

export class DiagonalPoissonModel implements FittedModel {
  readonly kind = 'diagonal-poisson';
  readonly #s: DiagState;
  constructor(s: DiagState) {
    this.#s = s;
  }

  get inflation(): number {
    return this.#s.inflation;
  }

  get diagonal(): number[] {
    return [...this.#s.diagonal];
  }

  get home(): number {
    return this.#s.home;
  }

  strength(team: string): TeamStrength {
    const s = this.#s.strengths.get(team);
    return s ? { ...s } : { team, ...this.#s.prior };
  }

  rates(home: string, away: string): { lambda: number; mu: number } {
    const h = this.strength(home);
    const a = this.strength(away);
    return { lambda: Math.exp(this.#s.home + h.attack + a.defence), mu: Math.exp(a.attack + h.defence) };
  }

  predict(home: string, away: string): Prediction {
    const { lambda, mu } = this.rates(home, away);
    const g = marketsFromGrid(diagonalGrid(lambda, mu, this.#s.inflation, this.#s.diagonal));
    return { probabilities: g.probabilities, expectedGoals: g.meanGoals };
  }

  teams(): string[] {
    return [...this.#s.strengths.keys()];
  }

  toJSON(): Record<string, unknown> {
    const s = this.#s;
    return {
      kind: this.kind,
      hyper: { ...s.hyper },
      asOfDay: s.asOfDay,
      home: s.home,
      inflation: s.inflation,
      diagonal: [...s.diagonal],
      prior: { ...s.prior },
      teams: [...s.strengths.values()].map((t) => ({ team: t.team, attack: t.attack, defence: t.defence })),
      fit: { ...s.fit },
    };
  }
}

function coldStart(data: DcData): DiagonalParams {
  const n = data.teams.length;
  let gh = 0;
  let ga = 0;
  for (let m = 0; m < data.weight.length; m++) {
    gh += data.weight[m] * data.homeGoals[m];
    ga += data.weight[m] * data.awayGoals[m];
  }
  const mh = Math.max(gh / data.totalWeight, 0.1);
  const ma = Math.max(ga / data.totalWeight, 0.1);
  return { attack: new Float64Array(n), defence: new Float64Array(n).fill(Math.log(ma)), home: Math.log(mh / ma), inflation: 0.05, diagonal: [0.4, 0.4, 0.15, 0.05] };
}

function fitDiagonal(matches: readonly TrainingMatch[], asOfDay: number, hyper: DiagonalPoissonHyper, previous?: FittedModel): DiagonalPoissonModel {
  const selected = selectMatches(matches, asOfDay, asOfDay - hyper.windowDays);
  const teams = teamsOf(selected);
  const data = buildDcData(
    selected.map((m) => ({ home: m.home, away: m.away, homeGoals: m.homeGoals, awayGoals: m.awayGoals, weight: Math.exp(-hyper.xi * (asOfDay - m.day)) })),
    teams,
  );
  const n = teams.length;
  if (selected.length === 0 || n < 2) throw new Error(`diagonal-poisson: no matches in the ${hyper.windowDays} days before day ${asOfDay} to fit on`);
  let start = coldStart(data);
  let warm = false;
  if (previous instanceof DiagonalPoissonModel) {
    const attack = new Float64Array(n);
    const defence = new Float64Array(n);
    teams.forEach((t, i) => {
      const s = previous.strength(t);
      attack[i] = s.attack;
      defence[i] = s.defence;
    });
    start = { attack, defence, home: previous.home, inflation: previous.inflation, diagonal: previous.diagonal };
    warm = true;
  }
  const res = minimizeLbfgs(diagonalObjective(data, hyper.ridge), packDiagonal(start), { gradientTolerance: hyper.gradientTolerance, maxIterations: 5000, memory: 20 });
  if (!Number.isFinite(res.value)) throw new Error('diagonal-poisson: the fit diverged');
  const p = unpackDiagonal(res.x, n);
  const strengths = new Map<string, TeamStrength>();
  teams.forEach((team, i) => strengths.set(team, { team, attack: p.attack[i], defence: p.defence[i] }));
  return new DiagonalPoissonModel({
    hyper: { ...hyper },
    asOfDay,
    home: p.home,
    inflation: p.inflation,
    diagonal: p.diagonal,
    strengths,
    prior: weakestTeamsPrior(strengths.values()),
    fit: { nMatches: selected.length, iterations: res.iterations, converged: res.converged, objective: res.value, warmStart: warm },
  });
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`diagonal-poisson.fromJSON: ${what} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

export function diagonalPoissonFromJSON(params: Record<string, unknown>): DiagonalPoissonModel {
  if (params.kind !== 'diagonal-poisson') throw new Error(`diagonal-poisson.fromJSON: expected kind "diagonal-poisson", got ${JSON.stringify(params.kind)}`);
  const h = (params.hyper ?? {}) as Record<string, unknown>;
  const hyper = mergeHyper<DiagonalPoissonHyper>('diagonal-poisson', DIAGONAL_POISSON_DEFAULTS, {
    xi: num(h.xi, 'hyper.xi'),
    windowDays: num(h.windowDays, 'hyper.windowDays'),
    ridge: num(h.ridge, 'hyper.ridge'),
    gradientTolerance: num(h.gradientTolerance, 'hyper.gradientTolerance'),
  });
  if (!Array.isArray(params.teams) || !Array.isArray(params.diagonal) || params.diagonal.length !== DIAGONAL_MAX + 1) {
    throw new Error('diagonal-poisson.fromJSON: teams must be an array and diagonal 4 numbers');
  }
  const list: TeamStrength[] = params.teams.map((t, i) => {
    const o = t as Record<string, unknown>;
    if (typeof o?.team !== 'string') throw new Error(`diagonal-poisson.fromJSON: teams[${i}].team must be a string`);
    return { team: o.team, attack: num(o.attack, `teams[${i}].attack`), defence: num(o.defence, `teams[${i}].defence`) };
  });
  list.sort((a, b) => compareStrings(a.team, b.team));
  const prior = (params.prior ?? {}) as Record<string, unknown>;
  const fit = (params.fit ?? {}) as Record<string, unknown>;
  return new DiagonalPoissonModel({
    hyper,
    asOfDay: num(params.asOfDay, 'asOfDay'),
    home: num(params.home, 'home'),
    inflation: num(params.inflation, 'inflation'),
    diagonal: params.diagonal.map((v, i) => num(v, `diagonal[${i}]`)),
    strengths: new Map(list.map((t) => [t.team, t])),
    prior: { attack: num(prior.attack, 'prior.attack'), defence: num(prior.defence, 'prior.defence') },
    fit: {
      nMatches: num(fit.nMatches, 'fit.nMatches'),
      iterations: num(fit.iterations, 'fit.iterations'),
      converged: fit.converged === true,
      objective: num(fit.objective, 'fit.objective'),
      warmStart: fit.warmStart === true,
    },
  });
}

export function diagonalPoissonSpec(hyper?: Partial<DiagonalPoissonHyper>): ModelSpec<DiagonalPoissonHyper> {
  const h = mergeHyper('diagonal-poisson', DIAGONAL_POISSON_DEFAULTS, hyper);
  if (!(h.xi >= 0) || !(h.windowDays > 0) || !(h.ridge >= 0) || !(h.gradientTolerance > 0)) {
    throw new Error(`diagonal-poisson: need xi ≥ 0, windowDays > 0, ridge ≥ 0 and gradientTolerance > 0; got ${JSON.stringify(h)}`);
  }
  return {
    name: 'diagonal-poisson',
    hyper: h,
    fit: (matches, asOfDay, previous) => fitDiagonal(matches, asOfDay, h, previous),
    fromJSON: diagonalPoissonFromJSON,
  };
}

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
import type { FittedModel, ModelSpec, Prediction, TrainingMatch } from '../models/model.ts';
import type { DcData } from './dixon-coles-likelihood.ts';
import { expectKind, jsonReader, readHyper } from '../models/model-base.ts';
import type { ObjectiveFn } from '../numeric/lbfgs.ts';
import { marketsFromGrid, MAX_GOALS, normaliseGrid, poissonPmf, productGrid } from './score-grid.ts';
import { packStrengths, StrengthPass, unpackStrengths, type Strengths } from './strength-likelihood.ts';
import { coldStrengths, fitStrengths, readStrengthTable, requireMatches, StrengthModel, strengthsOf, timeWeightedData, type StrengthState } from './strength-model.ts';
import { mergeHyper } from '../models/training-data.ts';

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

export interface DiagonalParams extends Strengths {
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
  const { attack, defence } = unpackStrengths(x, n);
  return { attack, defence, home: x[2 * n - 1], inflation: sigmoid(x[2 * n]), diagonal: diagonalFromEta([x[2 * n + 1], x[2 * n + 2], x[2 * n + 3]]) };
}

export function packDiagonal(p: DiagonalParams): Float64Array {
  const n = p.attack.length;
  const x = packStrengths(p, new Float64Array(diagonalParameterCount(n)));
  const pi = Math.min(Math.max(p.inflation, 1e-6), 1 - 1e-6);
  x[2 * n] = Math.log(pi / (1 - pi));
  const d0 = Math.max(p.diagonal[0], 1e-12);
  for (let k = 1; k <= DIAGONAL_MAX; k++) x[2 * n + k] = Math.log(Math.max(p.diagonal[k], 1e-12) / d0);
  return x;
}

/** Weight-normalised negative log-likelihood plus ridge, and its gradient, in one pass (see StrengthPass). */
export function diagonalObjective(data: DcData, ridge: number): ObjectiveFn {
  const { homeIdx, awayIdx, homeGoals, awayGoals, weight } = data;
  const nm = homeIdx.length;
  const pass = new StrengthPass(data, ridge);
  const { n, att, def } = pass;
  const gEta = new Float64Array(DIAGONAL_MAX + 1);
  return (x: Float64Array, grad: Float64Array): number => {
    const home = pass.begin(x);
    const pi = sigmoid(x[2 * n]);
    const D = diagonalFromEta([x[2 * n + 1], x[2 * n + 2], x[2 * n + 3]]);
    const log1mPi = Math.log(1 - pi);
    gEta.fill(0);
    let gPhi = 0;
    let ll = 0;
    let gHome = 0;
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
      gHome += wdL;
      pass.add(h, a, wdL, w * dM);
    }
    grad[2 * n] = -gPhi / pass.W;
    for (let j = 1; j <= DIAGONAL_MAX; j++) grad[2 * n + j] = -gEta[j] / pass.W;
    return pass.finish(ll, gHome, grad);
  };
}

/** Score grid 0..MAX_GOALS² of the mixture (rows = home goals). */
export function diagonalGrid(lambda: number, mu: number, inflation: number, diagonal: readonly number[]): number[][] {
  const ph = poissonPmf(lambda, MAX_GOALS);
  for (let k = 0; k <= MAX_GOALS; k++) ph[k] *= 1 - inflation;
  const grid = productGrid(ph, poissonPmf(mu, MAX_GOALS));
  for (let k = 0; k <= DIAGONAL_MAX; k++) grid[k][k] += inflation * diagonal[k];
  return normaliseGrid(grid);
}

interface DiagFitInfo {
  nMatches: number;
  iterations: number;
  converged: boolean;
  objective: number;
  warmStart: boolean;
}

interface DiagState extends StrengthState<DiagonalPoissonHyper, DiagFitInfo> {
  inflation: number;
  diagonal: number[];
}

export class DiagonalPoissonModel extends StrengthModel<DiagState> implements FittedModel {
  override readonly kind = 'diagonal-poisson';

  get inflation(): number {
    return this.state.inflation;
  }

  get diagonal(): number[] {
    return [...this.state.diagonal];
  }

  predict(home: string, away: string): Prediction {
    const { lambda, mu } = this.rates(home, away);
    const g = marketsFromGrid(diagonalGrid(lambda, mu, this.state.inflation, this.state.diagonal));
    return { probabilities: g.probabilities, expectedGoals: g.meanGoals };
  }

  protected override ownJSON(): Record<string, unknown> {
    return { inflation: this.state.inflation, diagonal: [...this.state.diagonal] };
  }
}

function fitDiagonal(matches: readonly TrainingMatch[], asOfDay: number, hyper: DiagonalPoissonHyper, previous?: FittedModel): DiagonalPoissonModel {
  const data = timeWeightedData(matches, asOfDay, hyper);
  requireMatches('diagonal-poisson', data, hyper.windowDays, asOfDay);
  const warm = previous instanceof DiagonalPoissonModel;
  const start: DiagonalParams = warm
    ? { ...strengthsOf(data.teams, previous), inflation: previous.inflation, diagonal: previous.diagonal }
    : { ...coldStrengths(data), inflation: 0.05, diagonal: [0.4, 0.4, 0.15, 0.05] };
  const objective = diagonalObjective(data, hyper.ridge);
  const { res, p, strengths, prior } = fitStrengths('diagonal-poisson', data.teams, objective, packDiagonal(start), hyper.gradientTolerance, unpackDiagonal);
  return new DiagonalPoissonModel({
    hyper: { ...hyper },
    asOfDay,
    home: p.home,
    inflation: p.inflation,
    diagonal: p.diagonal,
    strengths,
    prior,
    fit: { nMatches: data.homeIdx.length, iterations: res.iterations, converged: res.converged, objective: res.value, warmStart: warm },
  });
}

export function diagonalPoissonFromJSON(params: Record<string, unknown>): DiagonalPoissonModel {
  expectKind(params, 'diagonal-poisson');
  const j = jsonReader('diagonal-poisson', { lenientObjects: true });
  const hyper = readHyper('diagonal-poisson', DIAGONAL_POISSON_DEFAULTS, j.obj(params.hyper, 'hyper'), j);
  if (!Array.isArray(params.teams) || !Array.isArray(params.diagonal) || params.diagonal.length !== DIAGONAL_MAX + 1) {
    j.fail('teams must be an array and diagonal 4 numbers');
  }
  const table = readStrengthTable(params, j);
  const fit = j.obj(params.fit, 'fit');
  return new DiagonalPoissonModel({
    hyper,
    asOfDay: j.num(params.asOfDay, 'asOfDay'),
    home: j.num(params.home, 'home'),
    inflation: j.num(params.inflation, 'inflation'),
    diagonal: (params.diagonal as unknown[]).map((v, i) => j.num(v, `diagonal[${i}]`)),
    ...table,
    fit: {
      nMatches: j.num(fit.nMatches, 'fit.nMatches'),
      iterations: j.num(fit.iterations, 'fit.iterations'),
      converged: fit.converged === true,
      objective: j.num(fit.objective, 'fit.objective'),
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

/**
 * The Dixon-Coles (1997) weighted log-likelihood and its analytic gradient, over typed arrays,
 * in one pass per evaluation.
 *
 * Goals: home ~ Pois(λ), away ~ Pois(μ), λ = exp(home + att_h + def_a), μ = exp(att_a + def_h),
 * times τ(x, y) for the four low scores (see score-grid.ts). `def` is a weakness: higher concedes
 * more.
 *
 * Free parameters (length 2n + 1 for n teams, teams in sorted order):
 *   x = [att_0 … att_{n−2}, def_0 … def_{n−1}, home, θ]
 * with att_{n−1} = −Σ_{i<n−1} att_i (attacks sum to 0: the identifiability constraint, as a
 * reparametrisation) and ρ = RHO_BOUND·tanh(θ).
 *
 * Objective (minimised) = [−Σ_m w_m·ℓ_m + ridge·Σ_i (att_i² + def_i²)] / Σ_m w_m, where ℓ_m drops
 * the constant −ln(x!·y!). Dividing by the total weight makes the gradient tolerance independent
 * of the sample size; the ridge is in log-likelihood units (matches' worth).
 */
import type { ObjectiveFn } from '../numeric/lbfgs.ts';
import { packStrengths, StrengthPass, unpackStrengths } from './strength-likelihood.ts';

/**
 * |ρ| < 0.2 keeps every τ positive whenever λ < 5 and λμ < 5, which covers league football;
 * fitted values are typically −0.05 … −0.15.
 */
export const RHO_BOUND = 0.2;

export interface DcData {
  /** Sorted team names; indices below refer to it. */
  teams: string[];
  homeIdx: Int32Array;
  awayIdx: Int32Array;
  homeGoals: Float64Array;
  awayGoals: Float64Array;
  weight: Float64Array;
  /** 0: no τ; 1: 0-0; 2: 0-1; 3: 1-0; 4: 1-1. */
  lowScore: Uint8Array;
  totalWeight: number;
}

export interface DcParams {
  attack: Float64Array;
  defence: Float64Array;
  home: number;
  rho: number;
}

export interface DcMatchInput {
  home: string;
  away: string;
  homeGoals: number;
  awayGoals: number;
  weight: number;
}

/** Pack matches into typed arrays. `teams` must be sorted and contain every team of the matches. */
export function buildDcData(matches: readonly DcMatchInput[], teams: string[]): DcData {
  const index = new Map(teams.map((t, i) => [t, i]));
  const n = matches.length;
  const data: DcData = {
    teams,
    homeIdx: new Int32Array(n),
    awayIdx: new Int32Array(n),
    homeGoals: new Float64Array(n),
    awayGoals: new Float64Array(n),
    weight: new Float64Array(n),
    lowScore: new Uint8Array(n),
    totalWeight: 0,
  };
  for (let m = 0; m < n; m++) {
    const r = matches[m];
    const h = index.get(r.home);
    const a = index.get(r.away);
    if (h === undefined || a === undefined) throw new Error(`buildDcData: team of ${r.home} v ${r.away} missing from the team list`);
    data.homeIdx[m] = h;
    data.awayIdx[m] = a;
    data.homeGoals[m] = r.homeGoals;
    data.awayGoals[m] = r.awayGoals;
    data.weight[m] = r.weight;
    data.totalWeight += r.weight;
    const x = r.homeGoals;
    const y = r.awayGoals;
    data.lowScore[m] = x === 0 && y === 0 ? 1 : x === 0 && y === 1 ? 2 : x === 1 && y === 0 ? 3 : x === 1 && y === 1 ? 4 : 0;
  }
  return data;
}

export function parameterCount(nTeams: number): number {
  return 2 * nTeams + 1;
}

/** Free vector → model parameters. */
export function unpackParams(x: ArrayLike<number>, nTeams: number): DcParams {
  const { attack, defence } = unpackStrengths(x, nTeams);
  return { attack, defence, home: x[2 * nTeams - 1], rho: RHO_BOUND * Math.tanh(x[2 * nTeams]) };
}

/** Model parameters → free vector (attacks centred, see packStrengths); |ρ| is kept inside the open bound. */
export function packParams(p: DcParams): Float64Array {
  const n = p.attack.length;
  const x = packStrengths(p, new Float64Array(parameterCount(n)));
  const r = Math.max(-0.999, Math.min(0.999, p.rho / RHO_BOUND));
  x[2 * n] = Math.atanh(r);
  return x;
}

/**
 * The objective over the free vector, value and gradient in one pass. With `fitRho` false the
 * gradient for θ is 0, so a minimiser started at θ = 0 keeps ρ = 0.
 */
export function dixonColesObjective(data: DcData, ridge: number, fitRho: boolean): ObjectiveFn {
  const { homeIdx, awayIdx, homeGoals, awayGoals, weight, lowScore } = data;
  const nm = homeIdx.length;
  const pass = new StrengthPass(data, ridge);
  const { n, att, def } = pass;

  return (x: Float64Array, grad: Float64Array): number => {
    const home = pass.begin(x);
    const th = Math.tanh(x[2 * n]);
    const rho = RHO_BOUND * th;
    let gRho = 0;
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
      let l = xg * lnL - lam + yg * lnM - mu;
      let dL = xg - lam; // ∂ℓ/∂ln λ
      let dM = yg - mu; // ∂ℓ/∂ln μ
      const code = lowScore[m];
      if (code !== 0) {
        let t: number;
        if (code === 1) {
          t = 1 - lam * mu * rho;
          if (!(t > 0)) return Infinity;
          dL -= (lam * mu * rho) / t;
          dM -= (lam * mu * rho) / t;
          gRho -= (w * lam * mu) / t;
        } else if (code === 2) {
          t = 1 + lam * rho;
          if (!(t > 0)) return Infinity;
          dL += (lam * rho) / t;
          gRho += (w * lam) / t;
        } else if (code === 3) {
          t = 1 + mu * rho;
          if (!(t > 0)) return Infinity;
          dM += (mu * rho) / t;
          gRho += (w * mu) / t;
        } else {
          t = 1 - rho;
          gRho -= w / t;
        }
        l += Math.log(t);
      }
      ll += w * l;
      const wdL = w * dL;
      gHome += wdL;
      pass.add(h, a, wdL, w * dM);
    }

    grad[2 * n] = fitRho ? (-gRho * RHO_BOUND * (1 - th * th)) / pass.W : 0;
    return pass.finish(ll, gHome, grad);
  };
}

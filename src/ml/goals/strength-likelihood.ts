/**
 * The weighted Poisson likelihood pass that dixon-coles-likelihood.ts and diagonal-poisson.ts
 * share, over typed arrays, value and gradient in one pass.
 *
 * Both models rate a match by λ = exp(home + att_h + def_a) (home goals) and
 * μ = exp(att_a + def_h) (away goals), and both lay out their free vector as
 *   x = [att_0 … att_{n−2}, def_0 … def_{n−1}, home, own parameters …]
 * with att_{n−1} = −Σ_{i<n−1} att_i (attacks sum to 0). The objective (minimised) is
 * [−Σ_m w_m·ℓ_m + ridge·Σ_i (att_i² + def_i²)] / Σ_m w_m; a model supplies ℓ_m, its slopes
 * and the gradient of its own parameters (see {@link StrengthPass}).
 */
import type { DcData } from './dixon-coles-likelihood.ts';

/** Attack and defence of every team, sorted by team name as in the data. */
export interface Strengths {
  attack: Float64Array;
  defence: Float64Array;
}

/** Attacks (summing to 0) and defences of `n` teams from the free vector, into the given arrays. */
export function unpackStrengths(x: ArrayLike<number>, n: number, attack: Float64Array = new Float64Array(n), defence: Float64Array = new Float64Array(n)): Strengths {
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    attack[i] = x[i];
    s += x[i];
  }
  attack[n - 1] = -s;
  for (let i = 0; i < n; i++) defence[i] = x[n - 1 + i];
  return { attack, defence };
}

/**
 * Attacks, defences and home into the head of the free vector `x`. Attacks are first centred
 * (subtracting their mean c from every attack and adding it to every defence leaves every λ
 * and μ unchanged).
 */
export function packStrengths(p: Strengths & { home: number }, x: Float64Array): Float64Array {
  const n = p.attack.length;
  let c = 0;
  for (let i = 0; i < n; i++) c += p.attack[i];
  c /= n;
  for (let i = 0; i < n - 1; i++) x[i] = p.attack[i] - c;
  for (let i = 0; i < n; i++) x[n - 1 + i] = p.defence[i] + c;
  x[2 * n - 1] = p.home;
  return x;
}

/**
 * The working arrays of one objective and the steps of an evaluation that do not depend on the
 * model. A model's objective runs, per evaluation:
 *   const home = pass.begin(x);
 *   for each match m: ln λ = home + att[h] + def[a], ln μ = att[a] + def[h], its own ℓ_m and
 *     slopes dL = ∂ℓ_m/∂ln λ, dM = ∂ℓ_m/∂ln μ; pass.add(h, a, w·dL, w·dM);
 *   write its own gradient entries; return pass.finish(Σ w·ℓ, Σ w·dL, grad);
 * The match loop itself stays in each model: a shared loop calling back into the model for
 * every match made Dixon-Coles fits a quarter to a third slower (bench/ml-dixon-coles.ts).
 */
export class StrengthPass {
  readonly n: number;
  /** Total weight: the objective and gradient are divided by it. */
  readonly W: number;
  /** Attacks and defences of the current evaluation (after {@link begin}). */
  readonly att: Float64Array;
  readonly def: Float64Array;
  readonly gAtt: Float64Array;
  readonly gDef: Float64Array;

  constructor(
    data: DcData,
    readonly ridge: number,
  ) {
    this.n = data.teams.length;
    this.W = data.totalWeight;
    this.att = new Float64Array(this.n);
    this.def = new Float64Array(this.n);
    this.gAtt = new Float64Array(this.n);
    this.gDef = new Float64Array(this.n);
  }

  /** Unpack the attacks and defences of `x`, reset the gradient sums; the home effect. */
  begin(x: Float64Array): number {
    unpackStrengths(x, this.n, this.att, this.def);
    this.gAtt.fill(0);
    this.gDef.fill(0);
    return x[2 * this.n - 1];
  }

  /** Add a match's weighted slopes w·∂ℓ/∂ln λ and w·∂ℓ/∂ln μ (home team h, away team a). */
  add(h: number, a: number, wdL: number, wdM: number): void {
    this.gAtt[h] += wdL;
    this.gDef[a] += wdL;
    this.gAtt[a] += wdM;
    this.gDef[h] += wdM;
  }

  /**
   * Ridge, then the chain rule to grad[0 … 2n − 1] (everything negated and divided by W); the
   * objective for the weighted log-likelihood `ll` and home-effect slope sum `gHome` (Σ w·dL).
   */
  finish(ll: number, gHome: number, grad: Float64Array): number {
    const { n, W, ridge, att, def, gAtt, gDef } = this;
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
    return (-ll + ridge * pen) / W;
  }
}

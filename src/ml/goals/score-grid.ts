/**
 * Score grids: P(home goals = i, away goals = j) for i, j = 0..maxGoals from two Poisson rates
 * with the Dixon-Coles low-score correction τ, and the markets that derive from a grid.
 */
import type { Probabilities } from '../../domain/types.ts';

/** Largest score the grids hold (0..10 goals per side). */
export const MAX_GOALS = 10;

/**
 * Dixon-Coles τ(x, y) for home goals x and away goals y: 1 − λμρ at 0-0, 1 + λρ at 0-1,
 * 1 + μρ at 1-0, 1 − ρ at 1-1, and 1 elsewhere.
 */
export function tau(x: number, y: number, lambda: number, mu: number, rho: number): number {
  if (x === 0 && y === 0) return 1 - lambda * mu * rho;
  if (x === 0 && y === 1) return 1 + lambda * rho;
  if (x === 1 && y === 0) return 1 + mu * rho;
  if (x === 1 && y === 1) return 1 - rho;
  return 1;
}

/** Pois(k; rate) for k = 0..maxGoals. */
export function poissonPmf(rate: number, maxGoals: number): number[] {
  const p = new Array<number>(maxGoals + 1);
  p[0] = Math.exp(-rate);
  for (let k = 1; k <= maxGoals; k++) p[k] = (p[k - 1] * rate) / k;
  return p;
}

/** grid[i][j] = pHome[i]·pAway[j]: independent goals, before a model's own adjustments. */
export function productGrid(pHome: readonly number[], pAway: readonly number[]): number[][] {
  const grid: number[][] = [];
  for (let i = 0; i < pHome.length; i++) {
    const row = new Array<number>(pAway.length);
    for (let j = 0; j < pAway.length; j++) row[j] = pHome[i] * pAway[j];
    grid.push(row);
  }
  return grid;
}

/** Divide every cell by the sum of the grid (summed row by row), in place; the grid. */
export function normaliseGrid(grid: number[][]): number[][] {
  let total = 0;
  for (const row of grid) for (let j = 0; j < row.length; j++) total += row[j];
  for (const row of grid) for (let j = 0; j < row.length; j++) row[j] /= total;
  return grid;
}

/**
 * grid[i][j] = P(home i, away j) ∝ Pois(i; λ)·Pois(j; μ)·τ(i, j), for 0 ≤ i, j ≤ maxGoals,
 * normalised to sum to 1 (which also spreads the small mass beyond maxGoals). A τ that would be
 * negative for extreme rates is clamped to 0.
 */
export function scoreGrid(lambda: number, mu: number, rho = 0, maxGoals = MAX_GOALS): number[][] {
  if (!(lambda > 0) || !(mu > 0) || !Number.isFinite(lambda) || !Number.isFinite(mu) || !Number.isFinite(rho)) {
    throw new Error(`scoreGrid: need finite rates > 0 and a finite rho, got lambda=${lambda}, mu=${mu}, rho=${rho}`);
  }
  if (!Number.isInteger(maxGoals) || maxGoals < 1) throw new Error(`scoreGrid: maxGoals must be an integer ≥ 1, got ${maxGoals}`);
  const grid = productGrid(poissonPmf(lambda, maxGoals), poissonPmf(mu, maxGoals));
  for (let i = 0; i <= 1; i++) for (let j = 0; j <= 1; j++) grid[i][j] *= Math.max(0, tau(i, j, lambda, mu, rho));
  return normaliseGrid(grid);
}

export interface GridMarkets {
  /** Home win, draw, away win. */
  probabilities: Probabilities;
  /** P(total goals ≥ 3) and P(total goals ≤ 2). */
  over25: number;
  under25: number;
  /** Mean goals of each side under the (truncated, τ-corrected) grid. */
  meanGoals: { home: number; away: number };
}

/** 1X2, over/under 2.5 and mean goals of a score grid (rows = home goals, columns = away goals). */
export function marketsFromGrid(grid: readonly (readonly number[])[]): GridMarkets {
  let home = 0;
  let draw = 0;
  let away = 0;
  let under = 0;
  let over = 0;
  let mh = 0;
  let ma = 0;
  for (let i = 0; i < grid.length; i++) {
    const row = grid[i];
    for (let j = 0; j < row.length; j++) {
      const p = row[j];
      if (i > j) home += p;
      else if (i === j) draw += p;
      else away += p;
      if (i + j <= 2) under += p;
      else over += p;
      mh += i * p;
      ma += j * p;
    }
  }
  return { probabilities: { home, draw, away }, over25: over, under25: under, meanGoals: { home: mh, away: ma } };
}

/**
 * Dixon-Coles fit time on three real EPL seasons (2019/20-2021/22, ~1,140 matches), as of the
 * day after the last match.
 *
 *   node --import tsx bench/ml-dixon-coles.ts
 *
 * Prints median and p90 of 15 cold fits, the iteration count, warm-start fits (from the same
 * day's fit and from the fit a week earlier) and, for comparison, numeric.uncmin (dense BFGS)
 * on the same objective with the same analytic gradient.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import numeric from 'numeric';
import type { TrainingMatch } from '../src/ml/models/model.ts';
import { DIXON_COLES_DEFAULTS, dixonColesData, dixonColesSpec, type DixonColesModel } from '../src/ml/goals/dixon-coles.ts';
import { dixonColesObjective, packParams, parameterCount, unpackParams } from '../src/ml/goals/dixon-coles-likelihood.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEASONS = ['2019-2020', '2020-2021', '2021-2022'];
const RUNS = 15;

function loadSeason(season: string): TrainingMatch[] {
  const file = path.join(ROOT, 'data', 'football-data', 'E0', `${season}.csv`);
  const rows = parse(readFileSync(file), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows
    .filter((r) => r.HomeTeam && r.AwayTeam && r.FTHG !== '' && r.FTAG !== '')
    .map((r) => {
      const m = /^(\d{2})\/(\d{2})\/(\d{2}|\d{4})$/.exec(r.Date);
      if (!m) throw new Error(`${file}: bad date "${r.Date}"`);
      const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      return {
        day: Math.round(Date.UTC(year, Number(m[2]) - 1, Number(m[1])) / 86_400_000),
        home: r.HomeTeam,
        away: r.AwayTeam,
        homeGoals: Number(r.FTHG),
        awayGoals: Number(r.FTAG),
      };
    });
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/** Wall-clock and CPU (user + system) milliseconds of one call. CPU time is less sensitive to a busy machine. */
function timeIt<T>(f: () => T): { ms: number; cpuMs: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = f();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

function fmt(sorted: number[]): string {
  return `median ${quantile(sorted, 0.5).toFixed(2).padStart(6)}  p90 ${quantile(sorted, 0.9).toFixed(2).padStart(6)}  min ${sorted[0].toFixed(2).padStart(6)}`;
}

function summary(label: string, runs: { ms: number; cpuMs: number }[]): void {
  const wall = runs.map((r) => r.ms).sort((a, b) => a - b);
  const cpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
  console.log(`${label.padEnd(40)} wall ms: ${fmt(wall)}   cpu ms: ${fmt(cpu)}   (n=${runs.length})`);
}

const matches = SEASONS.flatMap(loadSeason);
const asOfDay = Math.max(...matches.map((m) => m.day)) + 1;
const spec = dixonColesSpec();
console.log(`Dixon-Coles on E0 ${SEASONS.join(', ')}: ${matches.length} matches, as of day ${asOfDay}; node ${process.version}`);

const WARMUP = 10;
const warmup: string[] = [];
for (let i = 0; i < WARMUP; i++) warmup.push(timeIt(() => spec.fit(matches, asOfDay)).ms.toFixed(1));
console.log(`JIT warm-up fits (not counted): ${warmup.join(', ')} ms`);

const cold: { ms: number; cpuMs: number }[] = [];
let model!: DixonColesModel;
for (let i = 0; i < RUNS; i++) {
  const r = timeIt(() => spec.fit(matches, asOfDay) as DixonColesModel);
  cold.push(r);
  model = r.value;
}
const info = model.fitInfo;
console.log(
  `fit: ${info.nMatches} matches in window, ${model.teams().length} teams, ${parameterCount(model.teams().length)} parameters; ` +
    `${info.iterations} L-BFGS iterations, ${info.evaluations} evaluations, converged=${info.converged}; home=${model.home.toFixed(4)} rho=${model.rho.toFixed(4)}`,
);
summary('cold start', cold);

const warmSame: { ms: number; cpuMs: number }[] = [];
let warmModel!: DixonColesModel;
for (let i = 0; i < RUNS; i++) {
  const r = timeIt(() => spec.fit(matches, asOfDay, model) as DixonColesModel);
  warmSame.push(r);
  warmModel = r.value;
}
summary('warm start from the same fit', warmSame);
console.log(`  ${warmModel.fitInfo.iterations} iterations`);

const weekEarlier = spec.fit(matches, asOfDay - 7) as DixonColesModel;
const warmWeek: { ms: number; cpuMs: number }[] = [];
let warmWeekModel!: DixonColesModel;
for (let i = 0; i < RUNS; i++) {
  const r = timeIt(() => spec.fit(matches, asOfDay, weekEarlier) as DixonColesModel);
  warmWeek.push(r);
  warmWeekModel = r.value;
}
summary('warm start from the fit 7 days before', warmWeek);
let maxDiff = 0;
for (const h of model.teams()) {
  for (const a of model.teams()) {
    if (h === a) continue;
    const p = model.predict(h, a).probabilities;
    const q = warmWeekModel.predict(h, a).probabilities;
    maxDiff = Math.max(maxDiff, Math.abs(p.home - q.home), Math.abs(p.draw - q.draw), Math.abs(p.away - q.away));
  }
}
console.log(`  ${warmWeekModel.fitInfo.iterations} iterations; max |Δp| vs the cold fit over all pairings: ${maxDiff.toExponential(2)}`);

// numeric.uncmin (dense BFGS, Armijo backtracking) on the same objective and analytic gradient.
const data = dixonColesData(matches, asOfDay, DIXON_COLES_DEFAULTS);
const fg = dixonColesObjective(data, DIXON_COLES_DEFAULTS.ridge, true);
const n = data.teams.length;
const x0 = Array.from(
  packParams({ attack: new Float64Array(n), defence: new Float64Array(n).fill(Math.log(1.2)), home: 0.2, rho: 0 }),
);
const g = new Float64Array(x0.length);
const uncminTimes: { ms: number; cpuMs: number }[] = [];
let uncminIt = 0;
let uncminF = 0;
let uncminSol: number[] = [];
for (let i = 0; i < 5; i++) {
  const r = timeIt(() =>
    numeric.uncmin(
      (x: number[]) => fg(Float64Array.from(x), g),
      x0,
      1e-10,
      (x: number[]) => {
        fg(Float64Array.from(x), g);
        return Array.from(g);
      },
      5000,
    ),
  );
  uncminTimes.push(r);
  uncminIt = r.value.iterations;
  uncminF = r.value.f as number;
  uncminSol = r.value.solution;
}
summary('numeric.uncmin, same analytic gradient', uncminTimes);
const u = unpackParams(uncminSol, n);
console.log(
  `  ${uncminIt} iterations; objective ${uncminF.toFixed(10)} vs L-BFGS ${info.objective.toFixed(10)}; home ${u.home.toFixed(4)} rho ${u.rho.toFixed(4)}`,
);

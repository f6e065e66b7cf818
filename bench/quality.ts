/**
 * Prediction-quality benchmark (issue 4 targets): `npm run bench:quality`.
 *
 *   node --import tsx bench/quality.ts [--quick]
 *
 * Reads the bundled football-data CSVs directly (no warehouse: this times the models, not the
 * ingestion), then
 *  1. times the point-in-time feature table of every bundled match (all leagues);
 *  2. runs the full multi-season, all-model walk-forward backtest of the bundled E0 seasons
 *     (every season after the first is a test season) and times it;
 *  3. walks the other bundled leagues forward (every season after each league's first);
 * and prints the pooled RPS gaps to Pinnacle closing (both variants), per season, for
 * E0 2015-16..2022-23 (the headline), the other leagues, and everything pooled.
 * `--quick` runs only E0 2015-16..2022-23; `--e0` only E0 (every season after the first).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isoToDay } from '../src/domain/types.ts';
import { buildFeatureTable, modelSpecs, type TrainingMatch } from '../src/ml/index.ts';
import { runLeagueBacktest, type BacktestMatch } from '../src/ml/evaluation/backtest.ts';
import { qualityReport, type ForecastRecord, type QualityReport } from '../src/ml/evaluation/quality.ts';
import { bestModel, isMarketAware } from '../src/ml/evaluation/quality-report.ts';
import { seasonCutoff } from '../src/ml/evaluation/seasons.ts';
import { bundledMatches } from '../test/quality/helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.join(ROOT, 'data', 'football-data');
const quick = process.argv.includes('--quick');
const e0Only = process.argv.includes('--e0');

/** Every bundled season of `league`, ids from `firstId`. */
function loadLeague(league: string, firstId: number): BacktestMatch[] {
  const seasons = readdirSync(path.join(DATA, league)).filter((f) => f.endsWith('.csv')).sort().map((f) => f.slice(0, -'.csv'.length));
  return bundledMatches(league, seasons, firstId, DATA);
}

const cpuS = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

const leagues = readdirSync(DATA).filter((d) => /^[A-Z]+\d$/.test(d)).sort();
const all = new Map<string, BacktestMatch[]>();
let nextId = 1;
for (const l of leagues) {
  const list = loadLeague(l, nextId);
  nextId += list.length + 1;
  all.set(l, list);
}
const others = (league: string): TrainingMatch[] => [...all].filter(([l]) => l !== league).flatMap(([, list]) => list);
const seasonsOf = (league: string) => [...new Set(all.get(league)!.map((m) => m.season))].sort();

// 1. Feature table of every bundled match.
{
  const t0 = performance.now();
  const c0 = cpuS();
  let rows = 0;
  for (const l of leagues) rows += buildFeatureTable({ matches: all.get(l)!, otherLeagues: others(l), league: l }).table.size;
  console.log(`feature tables: ${rows} matches in ${leagues.length} leagues in ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${(cpuS() - c0).toFixed(1)} s CPU`);
}

const specs = modelSpecs({}, { market: true });
const names = specs.map((s) => s.name);

function run(league: string, tests: string[]): { records: ForecastRecord[]; wall: number; cpu: number; refits: number; walked: number; timings: { featuresMs: number; models: Record<string, number> } } {
  const t0 = performance.now();
  const c0 = cpuS();
  const matches = all.get(league)!;
  const firstTest = isoToDay(`${tests[0]!.slice(0, 4)}-07-01`);
  const r = runLeagueBacktest({
    league,
    matches,
    otherLeagues: others(league),
    testSeasons: tests,
    specs,
    refitDays: 7,
    oosStart: Math.max(seasonCutoff(matches[0]!.day + 365), seasonCutoff(firstTest) - 5 * 365),
  }, () => performance.now());
  return { records: r.records, wall: (performance.now() - t0) / 1000, cpu: cpuS() - c0, refits: r.refits, walked: r.walked, timings: r.timings };
}

// 2. E0: every season after the first (or only the headline seasons with --quick).
const e0Seasons = seasonsOf('E0').slice(1).filter((s) => !quick || s >= '2015-2016');
const e0 = run('E0', e0Seasons);
console.log(
  `E0 backtest, ${e0Seasons.length} test seasons (${e0Seasons[0]}..${e0Seasons[e0Seasons.length - 1]}), ${specs.length} models, ${e0.walked} matches walked, ${e0.refits} refits: ${e0.wall.toFixed(1)} s wall, ${e0.cpu.toFixed(1)} s CPU (target < 120 s)`,
);
console.log(`  time by stage (wall s): features ${(e0.timings.featuresMs / 1000).toFixed(1)}; ${Object.entries(e0.timings.models).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')}`);
const records: ForecastRecord[] = [...e0.records];

// 3. Other leagues.
if (!quick && !e0Only) {
  for (const l of leagues.filter((x) => x !== 'E0')) {
    const tests = seasonsOf(l).slice(1);
    const r = run(l, tests);
    console.log(`${l} backtest, ${tests.length} test seasons: ${r.wall.toFixed(1)} s wall, ${r.cpu.toFixed(1)} s CPU`);
    records.push(...r.records);
  }
}

const sg = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(4)}`);

function summary(title: string, q: QualityReport): void {
  const br = bestModel(q, (n) => !isMarketAware(n))!;
  const bm = bestModel(q, isMarketAware)!;
  console.log(`\n== ${title}: ${q.pooled.matches} matches, market RPS ${q.pooled.market.rps.toFixed(4)} (${q.pooled.market.source})`);
  console.log(`best results-only ${br}: pooled RPS gap ${sg(q.gaps[br]!.rps.mean)} ± ${q.gaps[br]!.rps.se.toFixed(4)}  (target ≤ +0.0040)`);
  console.log(
    `best market-aware ${bm}: pooled RPS gap ${sg(q.gaps[bm]!.rps.mean)} ± ${q.gaps[bm]!.rps.se.toFixed(4)} (target ≤ +0.0015); vs Pinnacle pre-match ${sg(q.gaps[bm]!.rpsVsPinnaclePre?.mean)} ± ${q.gaps[bm]!.rpsVsPinnaclePre?.se.toFixed(4) ?? '—'} (target < 0)`,
  );
  if (q.pinnaclePre) console.log(`Pinnacle pre-match vs closing: ${sg(q.pinnaclePre.gapToMarket.mean)} ± ${q.pinnaclePre.gapToMarket.se.toFixed(4)} on ${q.pinnaclePre.matches} matches`);
  const order = [...names].sort((a, b) => q.gaps[a]!.rps.mean - q.gaps[b]!.rps.mean);
  const head = ['model', 'pooled', '±se', 'vsPre', ...q.segments.map((s) => `${s.league}${s.season.slice(2, 4)}`)];
  const rows = order.map((n) => [n, sg(q.gaps[n]!.rps.mean), q.gaps[n]!.rps.se.toFixed(4), sg(q.gaps[n]!.rpsVsPinnaclePre?.mean), ...q.segments.map((s) => sg(s.gaps[n]!.rps.mean))]);
  const w = head.map((_, c) => Math.max(head[c]!.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(w[c]!) : x.padStart(w[c]!))).join(' ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

summary('E0 2015-16..2022-23', qualityReport(records.filter((r) => r.league === 'E0' && r.season >= '2015-2016' && r.season <= '2022-2023'), names));
if (!quick) summary('E0 all test seasons', qualityReport(records.filter((r) => r.league === 'E0'), names));
if (!quick && !e0Only) {
  summary('other leagues', qualityReport(records.filter((r) => r.league !== 'E0'), names));
  summary('all leagues pooled', qualityReport(records, names));
}

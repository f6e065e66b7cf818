/**
 * `time2bet backtest`: walk-forward evaluation next to the market.
 *
 * - `--season YYYY-YYYY` (one league): the original single-season contract,
 *   `{"league","season","matches","market":{…},"models":{"<name>":{…}},"refits"}`.
 * - `--seasons A..B` (one or more leagues, comma-separated, or `all`): the same pooled fields
 *   (`season` is then "A..B" and `league` the list) plus `seasons` (one object per league-season
 *   in the single-season shape), `gaps` (paired model − market gaps with standard errors),
 *   `pinnaclePre` and `calibration` (ECE per outcome).
 *
 * `--models a,b` picks models (default: every results-only model and its `+market` variant).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../config.ts';
import { withContext } from './context.ts';
import { formatReport } from './table.ts';
import { backtestSeason, backtestSeasons, UnknownSeasonError, type SeasonsBacktest } from '../stages/backtest.ts';
import { openWarehouse, type Warehouse } from '../warehouse/db.ts';
import { leagueSeasons } from '../warehouse/queries.ts';
import { loadFootballDataFolder } from '../ingest/football-data/load.ts';
import { ALL_MODELS, modelSpecs, selectModelSpecs, type ModelSpec } from '../ml/index.ts';
import { progress, say, type Progress } from './progress.ts';

const SEASON_RE = /^(\d{4})-(\d{4})$/;

/** `2015-2016..2022-2023` → its two ends (checked). */
export function parseSeasonRange(v: string): { from: string; to: string } {
  const m = /^(\d{4}-\d{4})\.\.(\d{4}-\d{4})$/.exec(v.trim());
  const ok = (s: string) => {
    const x = SEASON_RE.exec(s);
    return x !== null && Number(x[2]) === Number(x[1]) + 1;
  };
  if (!m || !ok(m[1]!) || !ok(m[2]!) || m[1]! > m[2]!) {
    throw new Error(`--seasons "${v}": expected FIRST..LAST seasons, e.g. 2015-2016..2022-2023`);
  }
  return { from: m[1]!, to: m[2]! };
}

/** `--models a,b` → specs (registry order); default every model with its market variant. */
export function specsFor(models?: string): ModelSpec[] {
  if (models === undefined) return modelSpecs({}, { market: true });
  const names = models.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error(`--models: expected a comma-separated list of: ${ALL_MODELS.join(', ')}`);
  return selectModelSpecs(names);
}

/** Multi-season output: the pooled contract fields plus per-season objects, gaps and calibration. */
export function seasonsJson(r: SeasonsBacktest, range: string): Record<string, unknown> {
  const q = r.report;
  return {
    league: r.leagues.join(','),
    season: range,
    matches: q.pooled.matches,
    market: q.pooled.market,
    models: q.pooled.models,
    refits: r.refits,
    seasons: q.segments.map((s) => ({ league: s.league, season: s.season, matches: s.matches, market: s.market, models: s.models, gaps: s.gaps })),
    gaps: q.gaps,
    pinnaclePre: q.pinnaclePre ?? null,
    calibration: Object.fromEntries(
      Object.entries(q.calibration).map(([n, c]) => [n, { ece: round(c.ece), home: round(c.home.ece), draw: round(c.draw.ece), away: round(c.away.ece) }]),
    ),
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function formatGaps(r: SeasonsBacktest): string {
  const q = r.report;
  const names = [...q.models].sort((a, b) => q.gaps[a]!.rps.mean - q.gaps[b]!.rps.mean);
  const f = (x: number | undefined, d = 4) => (x !== undefined && Number.isFinite(x) ? (x >= 0 ? '+' : '') + x.toFixed(d) : '—');
  const lines = ['RPS gap to the market (model − market, paired; ± standard error), pooled and per season:'];
  const head = ['model', 'pooled', '± se', 'vs Pinnacle pre', ...q.segments.map((s) => `${s.league} ${s.season.slice(2, 4)}/${s.season.slice(7, 9)}`)];
  const rows = names.map((n) => [n, f(q.gaps[n]!.rps.mean), q.gaps[n]!.rps.se.toFixed(4), f(q.gaps[n]!.rpsVsPinnaclePre?.mean), ...q.segments.map((s) => f(s.gaps[n]!.rps.mean))]);
  const widths = head.map((_, c) => Math.max(head[c]!.length, ...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  lines.push(line(head), ...rows.map(line));
  if (q.pinnaclePre) lines.push(`Pinnacle pre-match price vs the market on ${q.pinnaclePre.matches} matches: ${f(q.pinnaclePre.gapToMarket.mean)} ± ${q.pinnaclePre.gapToMarket.se.toFixed(4)}`);
  return lines.join('\n');
}

/** One progress bar per league, replaced when the walk moves to the next league. */
function leagueBars(): { update: (league: string, done: number, total: number) => void; stop: () => void } {
  let cur: { league: string; bar: Progress } | undefined;
  return {
    update(league, done, total) {
      if (cur?.league !== league) {
        cur?.bar.stop();
        cur = { league, bar: progress(`backtest ${league}`, total) };
      }
      cur.bar.update(done);
    },
    stop: () => cur?.bar.stop(),
  };
}

async function resolveLeagues(wh: Warehouse, spec: string): Promise<string[]> {
  const known = Object.keys(await leagueSeasons(wh.db));
  if (spec === 'all') return known;
  const list = spec.split(',').map((s) => s.trim()).filter(Boolean);
  for (const l of list) if (!known.includes(l)) throw new UnknownSeasonError(`league "${l}" is not in the data; leagues present: ${known.length ? known.join(', ') : '(none)'}`);
  return list;
}

export function registerBacktestCommand(program: Command, cfg: () => Config): void {
  program
    .command('backtest')
    .description('walk forward through seasons: every match predicted only from earlier matches; scored next to the market')
    .requiredOption('--league <code>', 'league code, e.g. E0 (with --seasons also a comma-separated list, or "all")')
    .option('--season <YYYY-YYYY>', 'one season, e.g. 2022-2023')
    .option('--seasons <A..B>', 'a range of seasons, e.g. 2015-2016..2022-2023: per season and pooled')
    .option('--models <names>', `comma-separated models (default all): ${ALL_MODELS.join(', ')}`)
    .option('--data <folder>', 'load this folder of football-data CSVs into a fresh temporary warehouse (never yours)')
    .addOption(new Option('--refit-days <n>', 'refit interval in days').argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--refit-days "${v}": expected a whole number ≥ 1`);
      return n;
    }))
    .option('--json', 'print one JSON object on stdout')
    .action(async (opts: { league: string; season?: string; seasons?: string; models?: string; data?: string; refitDays?: number; json?: boolean }) => {
      const c = cfg();
      const refitDays = opts.refitDays ?? c.refitDays;
      if ((opts.season === undefined) === (opts.seasons === undefined)) throw new Error('give exactly one of --season YYYY-YYYY and --seasons A..B');
      const range = opts.seasons !== undefined ? parseSeasonRange(opts.seasons) : undefined;
      const specs = specsFor(opts.models);
      const run = async (wh: Warehouse) => {
        if (!range) {
          const bars = leagueBars();
          const r = await backtestSeason(wh, { league: opts.league, season: opts.season!, specs, refitDays, onProgress: (d, t) => bars.update(opts.league, d, t) }).finally(bars.stop);
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ league: r.league, season: r.season, matches: r.matches, market: r.market, models: r.models, refits: r.refits })}\n`);
          } else {
            process.stdout.write(`${formatReport(`Walk-forward backtest ${r.league} ${r.season} (refit every ${refitDays} days, ${r.refits} refits):`, r)}\n`);
          }
          return;
        }
        const leagues = await resolveLeagues(wh, opts.league);
        const bars = leagueBars();
        const r = await backtestSeasons(wh, {
          leagues,
          ...range,
          specs,
          refitDays,
          onLeague: opts.json ? undefined : (l, s) => say(`backtest: ${l} ${s[0]}..${s[s.length - 1]} (${s.length} seasons)`),
          onProgress: bars.update,
        }).finally(bars.stop);
        const label = `${range.from}..${range.to}`;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(seasonsJson(r, label))}\n`);
        } else {
          process.stdout.write(`${formatReport(`Walk-forward backtest ${r.leagues.join(', ')} ${label}, pooled (refit every ${refitDays} days):`, { ...r.report.pooled })}\n\n${formatGaps(r)}\n`);
        }
      };
      if (opts.data) {
        const folder = path.resolve(opts.data);
        if (!existsSync(folder)) throw new UnknownSeasonError(`--data "${opts.data}": no such folder`);
        const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
        try {
          const results = await loadFootballDataFolder(wh, folder);
          if (results.length === 0) throw new UnknownSeasonError(`--data "${opts.data}": no .csv files found below it`);
          await run(wh);
        } finally {
          await wh.close();
        }
      } else {
        await withContext(c, async (ctx) => run(ctx.wh));
      }
    });
}

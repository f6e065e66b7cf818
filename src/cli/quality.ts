/**
 * `time2bet report quality`: walk every model forward through the chosen seasons and leagues,
 * and write docs/model-quality.md (tables) with its reliability plot (SVG).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { withContext } from './context.ts';
import { say } from './progress.ts';
import { backtestSeasons, UnknownSeasonError } from '../stages/backtest.ts';
import { openWarehouse, type Warehouse } from '../warehouse/db.ts';
import { leagueSeasons } from '../warehouse/queries.ts';
import { loadFootballDataFolder } from '../ingest/football-data/load.ts';
import { qualityReport } from '../ml/evaluation/quality.ts';
import { plotSeries, qualityMarkdown, reliabilitySvg, type ReportSection } from '../ml/evaluation/quality-report.ts';
import { parseSeasonRange, specsFor } from './backtest.ts';

export interface QualityOptions {
  league: string;
  seasons: string;
  headline: string;
  headlineSeasons: string;
  models?: string;
  out: string;
  refitDays: number;
  command: string;
}

/** Run the evaluation and write the report and its plot; returns the files written. */
export async function writeQualityReport(wh: Warehouse, o: QualityOptions): Promise<{ markdown: string; svg: string }> {
  const range = parseSeasonRange(o.seasons);
  const head = parseSeasonRange(o.headlineSeasons);
  const known = Object.keys(await leagueSeasons(wh.db));
  const leagues = o.league === 'all' ? known : o.league.split(',').map((s) => s.trim()).filter(Boolean);
  for (const l of leagues) if (!known.includes(l)) throw new UnknownSeasonError(`league "${l}" is not in the data; leagues present: ${known.join(', ') || '(none)'}`);
  const specs = specsFor(o.models);
  const names = specs.map((s) => s.name);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await backtestSeasons(wh, {
    leagues,
    ...range,
    specs,
    refitDays: o.refitDays,
    now: () => performance.now(),
    onLeague: (l, s) => say(`report quality: ${l} ${s[0]}..${s[s.length - 1]} (${s.length} seasons)`),
  });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const sections: ReportSection[] = [];
  const headRecords = r.records.filter((x) => x.league === o.headline && x.season >= head.from && x.season <= head.to);
  if (headRecords.length) sections.push({ title: `${o.headline} ${head.from} to ${head.to}`, report: qualityReport(headRecords, names) });
  sections.push({ title: `All leagues (${leagues.join(', ')}), ${range.from} to ${range.to}`, report: r.report });
  const others = r.records.filter((x) => x.league !== o.headline);
  if (others.length && headRecords.length) sections.push({ title: `Other leagues (${leagues.filter((l) => l !== o.headline).join(', ')})`, report: qualityReport(others, names), perSeason: false });
  const mdFile = path.resolve(o.out);
  const svgName = `${path.basename(mdFile, path.extname(mdFile))}-reliability.svg`;
  const svgFile = path.join(path.dirname(mdFile), svgName);
  const notes = [
    `Data: ${r.seasons.length} league-seasons; ${r.report.pooled.matches} scored matches. Refits: ${r.refits} (every ${o.refitDays} days).`,
    `Run time: ${wallS.toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU (feature tables ${(r.timings.featuresMs / 1000).toFixed(1)} s).`,
    'Models: elo, pi (pi-ratings), poisson, dixon-coles, diagonal-poisson (diagonal-inflated Poisson), softmax (multinomial regression with L2 over the point-in-time features), ensemble (stacked over the others’ out-of-sample forecasts); `<model>+market` adds the pre-match price as an offset to correct.',
  ];
  await mkdir(path.dirname(mdFile), { recursive: true });
  const main = sections[0]!;
  await writeFile(svgFile, reliabilitySvg(plotSeries(main.report), `Reliability, ${main.title}`));
  await writeFile(mdFile, qualityMarkdown({ command: o.command, sections, plotFile: svgName, notes }));
  return { markdown: mdFile, svg: svgFile };
}

export function registerQualityCommands(program: Command, cfg: () => Config): void {
  let report = program.commands.find((c) => c.name() === 'report');
  report ??= program.command('report').description('generated reports');
  report
    .command('quality')
    .description('walk every model forward against the market and write docs/model-quality.md with a reliability plot')
    .option('--league <codes>', 'leagues: comma-separated codes or "all"', 'all')
    .option('--seasons <A..B>', 'seasons to evaluate (a league’s first season is never a test season)', '2015-2016..2024-2025')
    .option('--headline <code>', 'league of the headline section', 'E0')
    .option('--headline-seasons <A..B>', 'seasons of the headline section', '2015-2016..2022-2023')
    .option('--models <names>', 'comma-separated models (default all)')
    .option('--out <file>', 'Markdown file to write (the SVG goes next to it)', 'docs/model-quality.md')
    .option('--data <folder>', 'load this folder of football-data CSVs into a fresh temporary warehouse (never yours)')
    .action(async (opts: { league: string; seasons: string; headline: string; headlineSeasons: string; models?: string; out: string; data?: string }) => {
      const c = cfg();
      const args = process.argv.slice(2).join(' ');
      const o: QualityOptions = { ...opts, refitDays: c.refitDays, command: `time2bet ${args}` };
      const run = async (wh: Warehouse) => {
        const files = await writeQualityReport(wh, o);
        say(`report quality: wrote ${path.relative(process.cwd(), files.markdown)} and ${path.relative(process.cwd(), files.svg)}`);
      };
      if (opts.data) {
        const folder = path.resolve(opts.data);
        if (!existsSync(folder)) throw new UnknownSeasonError(`--data "${opts.data}": no such folder`);
        const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
        try {
          await loadFootballDataFolder(wh, folder);
          await run(wh);
        } finally {
          await wh.close();
        }
      } else {
        await withContext(c, async (ctx) => run(ctx.wh));
      }
    });
}

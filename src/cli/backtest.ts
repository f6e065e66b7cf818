/** `time2bet backtest`: walk-forward evaluation of one season next to the market. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../config.ts';
import { withContext } from './context.ts';
import { formatReport } from './table.ts';
import { backtestSeason, UnknownSeasonError } from '../orchestrate/stages/backtest.ts';
import { openWarehouse } from '../warehouse/db.ts';
import { loadFootballDataFolder } from '../ingest/football-data/load.ts';
import { modelSpecs } from '../ml/index.ts';

export function registerBacktestCommand(program: Command, cfg: () => Config): void {
  program
    .command('backtest')
    .description('walk forward through one season: every match predicted only from earlier matches; scored next to the market')
    .requiredOption('--league <code>', 'league code, e.g. E0')
    .requiredOption('--season <YYYY-YYYY>', 'season, e.g. 2022-2023')
    .option('--data <folder>', 'load this folder of football-data CSVs into a fresh temporary warehouse (never yours)')
    .addOption(new Option('--refit-days <n>', 'refit interval in days').argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--refit-days "${v}": expected a whole number ≥ 1`);
      return n;
    }))
    .option('--json', 'print one JSON object on stdout')
    .action(async (opts: { league: string; season: string; data?: string; refitDays?: number; json?: boolean }) => {
      const c = cfg();
      const refitDays = opts.refitDays ?? c.refitDays;
      const run = async (wh: Awaited<ReturnType<typeof openWarehouse>>) => {
        const r = await backtestSeason(wh, { league: opts.league, season: opts.season, specs: modelSpecs(), refitDays });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ league: r.league, season: r.season, matches: r.matches, market: r.market, models: r.models, refits: r.refits })}\n`);
        } else {
          process.stdout.write(`${formatReport(`Walk-forward backtest ${r.league} ${r.season} (refit every ${refitDays} days, ${r.refits} refits):`, r)}\n`);
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

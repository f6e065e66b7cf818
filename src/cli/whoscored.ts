/** `time2bet scrape whoscored`, `ingest whoscored`, `parse whoscored`: the WhoScored source's verbs. */
import path from 'node:path';
import { Command, Option } from 'commander';
import type { Config } from '../config.ts';
import { withContext } from './context.ts';
import { progress, say, stepProgress } from './progress.ts';
import { ingestWhoScoredFolder, parseWhoScoredFile, reparseWhoScored, scrapeWhoScored, type WhoScoredLoadReport } from '../ingest/whoscored/index.ts';

const ms = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} "${v}": expected a number of milliseconds ≥ 0`);
  return n;
};

function printLoad(r: WhoScoredLoadReport): void {
  say(`whoscored: ${r.files} files, ${r.stored} stored in the raw zone, ${r.parsed} parsed, ${r.loaded} loaded (${r.alreadyLoaded} already loaded); matches +${r.matches.inserted} inserted, ${r.matches.updated} updated`);
  for (const e of r.errors) say(`  error: ${e}`);
  for (const s of r.skipped) say(`  skipped: ${s}`);
}

/** The `whoscored` sub-verb of an existing group (`ingest`), or the group created if absent. */
function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

export function registerWhoScoredCommands(program: Command, cfg: () => Config): void {
  group(program, 'scrape', 'crawl a web source politely into the raw zone and the warehouse')
    .command('whoscored')
    .description('crawl a WhoScored season: tournament → seasons → stages → calendar → monthly fixtures → match centres (and previews); resumes where it stopped')
    .requiredOption('--league <name>', 'league, e.g. "ENG-Premier League" or E0')
    .requiredOption('--season <YYYY-YYYY>', 'season, e.g. 2020-2021')
    .option('--base-url <url>', 'site to crawl (tests serve saved pages locally)', 'https://www.whoscored.com')
    .addOption(new Option('--fetcher <kind>', 'plain HTTP or a real browser (Debian chromium)').choices(['http', 'browser']).default('browser'))
    .addOption(new Option('--delay-ms <ms>', 'pause between two requests to the host').argParser(ms('--delay-ms')).default(5000))
    .addOption(new Option('--jitter-ms <ms>', 'extra random pause, uniform in [0, jitter)').argParser(ms('--jitter-ms')).default(5000))
    .addOption(new Option('--timeout-ms <ms>', 'per-attempt timeout').argParser(ms('--timeout-ms')).default(30000))
    .addOption(new Option('--previews <which>', 'match previews to fetch').choices(['upcoming', 'all', 'none']).default('upcoming'))
    .option('--match <id...>', 'crawl only these WhoScored match ids (after the listings)')
    .addOption(new Option('--max-matches <n>', 'stop after this many match pages').argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`--max-matches "${v}": expected a whole number ≥ 0`);
      return n;
    }))
    .option('--user-agent <ua>', 'User-Agent (add a contact address for live crawls)')
    .option('--no-robots', 'do not honour robots.txt (only for your own test servers)')
    .action(async (o: { league: string; season: string; baseUrl: string; fetcher: 'http' | 'browser'; delayMs: number; jitterMs: number; timeoutMs: number; previews: 'upcoming' | 'all' | 'none'; userAgent?: string; robots: boolean; match?: string[]; maxMatches?: number }) => {
      await withContext(cfg(), async (ctx) => {
        const ac = new AbortController();
        const stop = () => ac.abort();
        process.once('SIGINT', stop);
        let bar: ReturnType<typeof progress> | undefined;
        let phase = '';
        try {
          const r = await scrapeWhoScored({
            wh: ctx.wh,
            lake: ctx.lake,
            league: o.league,
            season: o.season,
            baseUrl: o.baseUrl,
            previews: o.previews,
            signal: ac.signal,
            ...(o.match ? { matchIds: o.match.map((m) => {
              const n = Number(m);
              if (!Number.isInteger(n) || n <= 0) throw new Error(`--match "${m}": expected a WhoScored match id (a positive integer)`);
              return n;
            }) } : {}),
            ...(o.maxMatches !== undefined ? { maxMatches: o.maxMatches } : {}),
            fetcher: { kind: o.fetcher, delayMs: o.delayMs, jitterMs: o.jitterMs, timeoutMs: o.timeoutMs, respectRobots: o.robots, ...(o.userAgent ? { userAgent: o.userAgent } : {}) },
            onProgress: (p) => {
              if (p.phase !== phase) {
                bar?.stop();
                phase = p.phase;
                bar = progress(`whoscored ${p.phase}`, Math.max(1, p.total));
              }
              bar?.update(p.done, `${p.outcome} ${p.kind}`, p.total);
            },
          });
          bar?.stop();
          const c = r.counts;
          say(`whoscored ${r.league} ${r.season}: ${r.status}${r.message ? ` — ${r.message}` : ''}`);
          say(`  pages: ${c.fetched} fetched, ${c.cached} cached, ${c.blocked} blocked, ${c.failed} failed, ${c.parsed} parsed, ${c.loaded} loaded; matches +${r.matches.inserted} inserted, ${r.matches.updated} updated`);
          for (const e of r.errors.slice(0, 10)) say(`  error: ${e}`);
          if (r.status !== 'success') process.exitCode = 1;
        } finally {
          process.off('SIGINT', stop);
        }
      });
    });

  group(program, 'ingest', 'load source data into the warehouse')
    .command('whoscored')
    .description('load saved WhoScored pages/JSON (no network), or rebuild the parsed tables from the raw zone')
    .option('--from <folder>', 'folder of saved pages and JSON files')
    .option('--reparse', 'rebuild parsed tables from the raw zone alone')
    .action(async (o: { from?: string; reparse?: boolean }) => {
      if (!o.from === !o.reparse) throw new Error('ingest whoscored: give exactly one of --from <folder> or --reparse');
      await withContext(cfg(), async (ctx) => {
        const shown = stepProgress('whoscored');
        const r = await (o.from
          ? ingestWhoScoredFolder({ wh: ctx.wh, lake: ctx.lake, from: path.resolve(o.from), onProgress: shown.onProgress })
          : reparseWhoScored({ wh: ctx.wh, lake: ctx.lake, onProgress: shown.onProgress })
        ).finally(shown.stop);
        printLoad(r);
        if (r.errors.length) process.exitCode = 1;
      });
    });

  group(program, 'parse', 'print what a parser reads from a saved file (no warehouse)')
    .command('whoscored')
    .description('parse one saved WhoScored page or JSON file (match centre: id, date, teams, HT/FT score, team statistics)')
    .argument('<file>', 'saved page (.html, .html.gz) or JSON')
    .option('--json', 'print JSON (default)')
    .action(async (file: string) => {
      process.stdout.write(`${JSON.stringify(await parseWhoScoredFile(path.resolve(file)), null, 2)}\n`);
    });
}

/** `time2bet <verb>`: each verb is a thin call into the folders of the pipeline. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ConfigError, describeConfig, loadConfig, PACKAGE_ROOT, type Config } from './config.ts';
import { secretValues } from './config-redact.ts';
import { scrubSecrets } from './domain/redact.ts';
import { withContext } from './cli/context.ts';
import { serveUntilSignal } from './cli/serve.ts';
import { formatReport } from './cli/table.ts';
import { say, stopwatch } from './cli/progress.ts';
import { runPipeline, ingestBundled } from './cli/pipeline.ts';
import { registerDagCommands } from './cli/dags.ts';
import { registerBacktestCommand } from './cli/backtest.ts';
import { registerWhoScoredCommands } from './cli/whoscored.ts';
import { registerDataCommands } from './cli/data.ts';
import { registerTrackingCommands } from './cli/tracking.ts';
import { registerQualityCommands } from './cli/quality.ts';
import { registerKeysCommands } from './cli/keys.ts';
import { prepareServerAuth } from './serve/auth/binding.ts';

let config: Config | undefined;
function cfg(): Config {
  config ??= loadConfig();
  return config;
}

const program = new Command();
program
  .name('time2bet')
  .description('Football match prediction: ingest → warehouse → models → walk-forward evaluation → registry → API')
  .version((JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version)
  .option('--verbose', 'print stack traces of errors')
  .showHelpAfterError();

program
  .command('start')
  .description('load the bundled data, evaluate and train the models, register the best one, serve the API and run the DAG scheduler')
  .action(async () => {
    const sinceStart = stopwatch();
    const c = cfg();
    await withContext(c, async (ctx) => {
      say(`warehouse: ${ctx.wh.location}; lake: ${ctx.lake.location} (open after ${sinceStart()})`);
      await prepareServerAuth(c, ctx.wh.db, c.host); // refuse a forbidden address before the pipeline runs
      const r = await runPipeline(c, ctx.wh, ctx.lake);
      process.stdout.write(`\n${formatReport('Walk-forward evaluation, latest season of each league (pooled):', r.evaluation)}\n\n`);
      await serveUntilSignal(ctx, { scheduler: true, sinceStart });
    });
  });

program
  .command('serve')
  .description('serve the API with the current champion (no ingestion, training or scheduler: a stateless replica)')
  .action(async () => withContext(cfg(), (ctx) => serveUntilSignal(ctx)));

program
  .command('config')
  .description('print the resolved configuration (secrets redacted)')
  .option('--json', 'print JSON')
  .action((opts: { json?: boolean }) => {
    const d = describeConfig(cfg());
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v.value])), null, 2)}\n`);
      return;
    }
    const w = Math.max(...Object.keys(d).map((k) => k.length)) + 1;
    for (const [k, v] of Object.entries(d)) process.stdout.write(`${k.padEnd(w)} ${String(v.value).padEnd(48)} ${v.env}: ${v.doc}\n`);
  });

const ingest = program.command('ingest').description('load source data into the warehouse');
ingest
  .command('football-data')
  .description('load football-data.co.uk CSVs (idempotent; a changed file updates its rows)')
  .option('--from <folder>', 'folder of CSVs (any layout below it); default: the bundled data ($TIME2BET_DATA_DIR)')
  .action(async (opts: { from?: string }) => {
    const c = cfg();
    await withContext(opts.from ? { ...c, dataDir: path.resolve(opts.from) } : c, async (ctx) => ingestBundled(ctx.cfg, ctx.wh));
  });

registerBacktestCommand(program, cfg);

registerWhoScoredCommands(program, cfg);
// Verbs of other areas register here: one import and one call each.
registerDataCommands(program, cfg);
registerDagCommands(program, cfg);
registerTrackingCommands(program, cfg);
registerQualityCommands(program, cfg);
registerKeysCommands(program, cfg);

program.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as Error & { code?: string; exitCode?: number };
  if (err.code?.startsWith('commander.')) {
    // --help and --version exit 0; usage errors were already printed by commander.
    process.exit(err.exitCode ?? 1);
  }
  if (err instanceof ConfigError) {
    say(`time2bet: ${err.message}`);
    process.exit(2);
  }
  // A message may echo a connection string or key: no secret of the configuration is printed.
  const secrets = config ? secretValues(config) : [];
  say(`time2bet: ${scrubSecrets(err.message, secrets)}`);
  if (program.opts<{ verbose?: boolean }>().verbose) say(scrubSecrets(err.stack ?? '', secrets));
  process.exit(1);
}

/**
 * `time2bet tracking-server` (the MLflow-compatible server alone) and the registry verbs
 * `time2bet models list|show|promote|rollback`. The registry verbs go through the tracking
 * client, so with MLFLOW_TRACKING_URI set they act on that server's registry.
 */
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { withContext, type Context } from './context.ts';
import { say } from './progress.ts';
import { buildSecuredTrackingServer } from '../serve/auth/tracking-server.ts';
import { httpLimitsOf } from '../tracking/server/http-hygiene.ts';
import { prepareServerAuth } from '../serve/auth/binding.ts';
import { trackingClientFor } from '../tracking/open.ts';
import { CHAMPION, Registry, type ModelVersion } from '../registry/registry.ts';
import { PROMOTION_TAGS, promoteManually, rollback } from '../registry/promotion.ts';
import { REGISTERED_MODEL } from '../stages/train.ts';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port "${v}": expected an integer 0-65535`);
  return n;
}

function version(v: string): number {
  const n = Number(v.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`version "${v}": expected a version number such as 3`);
  return n;
}

const registryOf = (ctx: Context) => new Registry(trackingClientFor(ctx.cfg, ctx.wh, ctx.lake));
const rpsOf = (v: ModelVersion) => (v.metrics.pooled as { rps?: number } | undefined)?.rps;
const out = (s: string): void => void process.stdout.write(`${s}\n`);

function summary(v: ModelVersion) {
  return {
    name: v.name,
    version: v.version,
    kind: v.kind,
    aliases: v.aliases,
    rps: rpsOf(v) ?? null,
    dataFingerprint: v.dataFingerprint,
    createdAt: v.createdAt.toISOString(),
    runId: v.runId ?? null,
    source: v.source,
    promotion: v.tags[PROMOTION_TAGS.decision] ?? null,
    reason: v.tags[PROMOTION_TAGS.reason] ?? null,
  };
}

async function listVersions(ctx: Context, json: boolean): Promise<void> {
  const versions = await registryOf(ctx).list(REGISTERED_MODEL);
  if (json) return out(JSON.stringify(versions.map(summary), null, 2));
  if (versions.length === 0) say('no model versions yet: run `time2bet start`');
  for (const v of versions) {
    const decision = v.tags[PROMOTION_TAGS.decision];
    out(
      `${v.name} v${v.version}  ${v.kind.padEnd(12)} RPS ${rpsOf(v)?.toFixed(4) ?? '—     '}  ${v.createdAt.toISOString()}  ${v.aliases.map((a) => `@${a}`).join(' ').padEnd(10)} ${decision ? `${decision}: ${v.tags[PROMOTION_TAGS.reason] ?? ''}` : ''}`.trimEnd(),
    );
  }
}

export function registerTrackingCommands(program: Command, cfg: () => Config): void {
  program
    .command('tracking-server')
    .description('run the MLflow-compatible tracking server and model registry alone (REST API under /api/2.0/mlflow)')
    .option('--port <n>', 'port to listen on (0 = any free port)', port, 5000)
    .option('--host <host>', 'address to listen on (default: $HOST)')
    .action(async (opts: { port: number; host?: string }) => {
      const c = cfg();
      await withContext(c, async (ctx) => {
        const host = opts.host ?? c.host;
        const { notice, auth } = await prepareServerAuth(c, ctx.wh.db, host);
        say(notice);
        const { app } = await buildSecuredTrackingServer({ wh: ctx.wh, lake: ctx.lake }, { logLevel: c.logLevel, auth, http: httpLimitsOf(c) });
        await app.listen({ host, port: opts.port });
        const addr = app.server.address();
        const bound = typeof addr === 'object' && addr ? addr.port : opts.port;
        out(`tracking server listening on http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`);
        say(`warehouse: ${ctx.wh.location}; artifacts: ${ctx.lake.location}/mlartifacts; MLFLOW_TRACKING_URI=http://<this host>:${bound}`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await app.close();
      });
    });

  let models = program.commands.find((c) => c.name() === 'models');
  models ??= program.command('models').description('the model registry');
  const list = models.commands.find((c) => c.name() === 'list') ?? models.command('list').option('--json', 'print JSON');
  list
    .description('list the registered versions with their aliases and promotion decisions')
    .action(async (opts: { json?: boolean }) => withContext(cfg(), (ctx) => listVersions(ctx, Boolean(opts.json))));

  models
    .command('show')
    .description('one version (default: the champion): kind, run, artifact, metrics and the promotion record')
    .argument('[version]', `a version number or an alias (default: ${CHAMPION})`)
    .option('--json', 'print JSON')
    .action(async (which: string | undefined, opts: { json?: boolean }) =>
      withContext(cfg(), async (ctx) => {
        const registry = registryOf(ctx);
        const ref = which ?? CHAMPION;
        const v = /^v?\d+$/.test(ref) ? await registry.get(REGISTERED_MODEL, version(ref)) : await registry.byAlias(REGISTERED_MODEL, ref);
        if (!v) throw new Error(`model ${REGISTERED_MODEL} has no version with alias "${ref}"`);
        const run = v.runId ? await registry.client.getRun(v.runId).catch(() => undefined) : undefined;
        const metrics = Object.fromEntries((run?.data.metrics ?? []).map((m) => [m.key, m.value]));
        if (opts.json) return out(JSON.stringify({ ...summary(v), tags: v.tags, metrics: v.metrics, runMetrics: metrics }, null, 2));
        out(`${v.name} v${v.version} (${v.kind})${v.aliases.length ? `  ${v.aliases.map((a) => `@${a}`).join(' ')}` : ''}`);
        out(`  created          ${v.createdAt.toISOString()}`);
        out(`  source           ${v.source}`);
        out(`  run              ${v.runId ?? '—'}${run ? ` (${run.info.run_name}, ${run.info.status})` : ''}`);
        out(`  data             ${v.dataFingerprint}`);
        for (const k of ['rps', 'logloss', 'brier', 'accuracy', 'market.rps', 'rps_minus_market']) if (k in metrics) out(`  ${k.padEnd(16)} ${metrics[k]}`);
        for (const [k, val] of Object.entries(v.tags).filter(([k]) => k.startsWith('time2bet.promotion') || k === PROMOTION_TAGS.demoted)) {
          if (k !== PROMOTION_TAGS.gate) out(`  ${k.replace('time2bet.', '').padEnd(16)} ${val}`);
        }
      }),
    );

  models
    .command('promote')
    .description('make a version the champion by hand (recorded with your reason)')
    .argument('<version>', 'version number')
    .option('--reason <text>', 'why', 'promoted by hand')
    .action(async (v: string, opts: { reason: string }) =>
      withContext(cfg(), async (ctx) => {
        const r = await promoteManually(registryOf(ctx), REGISTERED_MODEL, version(v), opts.reason, new Date());
        say(r.decision.promote ? `${REGISTERED_MODEL} v${r.champion.version} is now @${CHAMPION}${r.previous ? ` (was v${r.previous.version})` : ''}` : r.decision.reason);
      }),
    );

  models
    .command('rollback')
    .description('move the champion back to the version it replaced (or to --to <version>)')
    .option('--to <version>', 'version to restore')
    .option('--reason <text>', 'why', 'rolled back by hand')
    .action(async (opts: { to?: string; reason: string }) =>
      withContext(cfg(), async (ctx) => {
        const r = await rollback(registryOf(ctx), REGISTERED_MODEL, { to: opts.to ? version(opts.to) : undefined, reason: opts.reason, at: new Date() });
        say(`${REGISTERED_MODEL} v${r.champion.version} is @${CHAMPION} again (was v${r.previous!.version})`);
      }),
    );
}

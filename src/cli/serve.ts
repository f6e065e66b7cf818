/** Start the HTTP API on the configured model version (`models:/time2bet@champion` by default). */
import type { Context } from './context.ts';
import { Registry } from '../registry/registry.ts';
import { trackingClientFor } from '../tracking/open.ts';
import { Predictor } from '../serve/predictor.ts';
import { buildApp } from '../serve/app.ts';
import { httpLimitsOf } from '../tracking/server/http-hygiene.ts';
import { createMetrics } from '../serve/metrics.ts';
import { registerWhoScoredPageMetrics } from '../ingest/whoscored/page-metrics.ts';
import { prepareServerAuth } from '../serve/auth/binding.ts';
import { modelSpecs } from '../ml/index.ts';
import { teamDirectory } from '../warehouse/queries.ts';
import { redactUrl } from '../domain/redact.ts';
import { say } from './progress.ts';
import { startEmbeddedScheduler } from '../orchestrate/scheduler/embedded.ts';
import { registerOrchestrationMetrics } from '../orchestrate/metrics.ts';
import type { Registry as MetricsRegistry } from 'prom-client';

export async function serveChampion(ctx: Context): Promise<{ close: () => Promise<void>; url: string; metrics: MetricsRegistry }> {
  // Before anything else: a server that may not listen where asked says so at once.
  const { notice, auth } = await prepareServerAuth(ctx.cfg, ctx.wh.db, ctx.cfg.host);
  const registry = new Registry(trackingClientFor(ctx.cfg, ctx.wh, ctx.lake));
  const champion = await registry.resolve(ctx.cfg.modelUri).catch((e: Error) => {
    throw new Error(`cannot resolve ${ctx.cfg.modelUri} (${e.message}): run \`time2bet start\` (or \`time2bet train\`) first`);
  });
  const artifact = await registry.loadArtifact(champion);
  const { aliases } = await teamDirectory(ctx.wh.db);
  const predictor = new Predictor(artifact, champion.version, modelSpecs(), aliases);
  // The built-in tracking server shares the port unless runs and models live on another server.
  const tracking = ctx.cfg.mlflowTrackingUri ? undefined : { wh: ctx.wh, lake: ctx.lake };
  const { app, metrics } = await buildApp({ predictor, ping: () => ctx.wh.ping(), logLevel: ctx.cfg.logLevel, tracking, auth, http: httpLimitsOf(ctx.cfg), metrics: createMetrics([registerWhoScoredPageMetrics]) });
  await app.listen({ host: ctx.cfg.host, port: ctx.cfg.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : ctx.cfg.port;
  const base = `http://${ctx.cfg.host === '0.0.0.0' ? 'localhost' : ctx.cfg.host}:${port}`;
  say(notice);
  say(`serving ${ctx.cfg.modelUri} = ${champion.name} v${champion.version} (${champion.kind}) on ${base}`);
  say(`  POST ${base}/v1/predictions   {"home":"Arsenal","away":"Chelsea"}`);
  say(`  GET  ${base}/v1/teams   ${base}/docs   ${base}/metrics   ${base}/healthz   ${base}/readyz`);
  say(tracking ? `  MLflow tracking + registry: MLFLOW_TRACKING_URI=${base}  (e.g. GET ${base}/api/2.0/mlflow/registered-models/alias?name=${champion.name}&alias=champion)` : `  runs and models: ${redactUrl(ctx.cfg.mlflowTrackingUri ?? '')}`);
  return { close: () => app.close(), url: base, metrics: metrics.registry };
}

/**
 * Keep serving until SIGINT/SIGTERM, then close cleanly. With `scheduler`, the DAG scheduler
 * (built-in DAGs, the configured executor) runs in the same process, as `time2bet start` does.
 */
export async function serveUntilSignal(ctx: Context, opts: { scheduler?: boolean; sinceStart?: () => string } = {}): Promise<void> {
  const server = await serveChampion(ctx);
  registerOrchestrationMetrics(server.metrics, ctx.wh);
  const orchestration = opts.scheduler ? await startEmbeddedScheduler({ cfg: ctx.cfg, wh: ctx.wh, lake: ctx.lake, say }) : undefined;
  if (orchestration) say(`  scheduler: ${[...orchestration.dags.keys()].join(', ')} (time2bet dags list)`);
  if (opts.sinceStart) say(`ready in ${opts.sinceStart()}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  say('shutting down');
  await orchestration?.stop();
  await server.close();
}

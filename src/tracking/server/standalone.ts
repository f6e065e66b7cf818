/** The tracking server on its own (`time2bet tracking-server`): the MLflow plugin plus /health and /version. */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { mlflowPlugin, type TrackingDeps } from './plugin.ts';
import { DEFAULT_HTTP_LIMITS, installHttpHygiene, serverOptions, type HttpLimits } from './http-hygiene.ts';

/** The MLflow REST API version this server follows (the routes it serves are a subset). */
export const MLFLOW_API_COMPAT = '2.x';

/**
 * `setup` runs before any route is added: the process that listens passes its authentication
 * hooks here (src/serve/auth), so this folder stays the protocol only.
 */
export async function buildTrackingServer(
  deps: TrackingDeps,
  opts: { logLevel?: string; setup?: (app: FastifyInstance) => Promise<unknown>; http?: Partial<HttpLimits> } = {},
): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...opts.http };
  const app = Fastify({ ...serverOptions(limits), logger: { level: opts.logLevel ?? 'warn' }, logController: new LogController({ disableRequestLogging: true }) });
  installHttpHygiene(app);
  if (opts.setup) await opts.setup(app);
  await app.register(mlflowPlugin, { ...deps, limits });
  app.get('/health', async (_req, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', async (_req, reply) => reply.type('text/plain').send(`time2bet tracking (MLflow REST API ${MLFLOW_API_COMPAT} subset)`));
  return app;
}

/**
 * The MLflow-compatible server as a Fastify plugin: tracking and registry routes under
 * `/api/2.0/mlflow` (and `/ajax-api/2.0/mlflow`, the prefix MLflow's web UI calls), proxied
 * artifacts under `/api/2.0/mlflow-artifacts`. Errors are MLflow's `{error_code, message}`.
 * Mount it in any Fastify app (the prediction API does), or run it alone (`tracking-server`).
 */
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import { invalidParameter, MlflowError } from '../errors.ts';
import type { ServerContext, TrackingDeps } from './context.ts';
import { BODY_BYTES, trackingRoutes } from './tracking-routes.ts';
import { registryRoutes } from './registry-routes.ts';
import { artifactRoutes } from './artifact-routes.ts';

export type { TrackingDeps } from './context.ts';

export const API_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;
export const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;
/** JSON bodies up to this size are read, so that log-batch can answer MLflow's own 1 MB error. */
const JSON_BODY_LIMIT = 16 * 1024 * 1024;

function jsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: JSON_BODY_LIMIT }, (req, body, done) => {
    const text = String(body);
    (req as unknown as Record<symbol, number>)[BODY_BYTES] = Buffer.byteLength(text);
    if (!text.trim()) return done(null, {});
    try {
      let v: unknown = JSON.parse(text);
      if (typeof v === 'string') v = JSON.parse(v); // old clients double-encode
      done(null, v);
    } catch (e) {
      done(invalidParameter(`Malformed JSON request body: ${(e as Error).message}`));
    }
  });
}

function notFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `No endpoint ${req.method} ${req.url.split('?')[0]} in MLflow's REST API subset served here.` });
  });
}

export const mlflowPlugin: FastifyPluginAsync<TrackingDeps> = async (app, deps) => {
  const ctx: ServerContext = { db: deps.wh.db, lake: deps.lake, now: deps.now ?? Date.now };
  // MLflow's API is documented by MLflow; keep it out of the host app's OpenAPI page.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true } as typeof route.schema;
  });
  app.setErrorHandler((err: FastifyError | MlflowError, req, reply) => {
    if (err instanceof MlflowError) return reply.code(err.status).send(err.toJSON());
    const status = (err as FastifyError).statusCode ?? 500;
    if (status === 413) return reply.code(400).send({ error_code: 'INVALID_PARAMETER_VALUE', message: `Request body too large: ${err.message}` });
    if (status >= 400 && status < 500) return reply.code(status).send({ error_code: 'BAD_REQUEST', message: err.message });
    req.log.error(err);
    return reply.code(500).send({ error_code: 'INTERNAL_ERROR', message: `internal error: ${err.message}` });
  });
  for (const prefix of API_PREFIXES) {
    await app.register(
      async (sub) => {
        jsonBodies(sub);
        notFoundHandler(sub);
        trackingRoutes(sub, ctx);
        registryRoutes(sub, ctx);
      },
      { prefix },
    );
  }
  for (const prefix of ARTIFACT_PREFIXES) {
    await app.register(
      async (sub) => {
        notFoundHandler(sub);
        artifactRoutes(sub, ctx);
      },
      { prefix },
    );
  }
};

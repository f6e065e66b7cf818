/**
 * The MLflow-compatible server as a Fastify plugin: tracking and registry routes under
 * `/api/2.0/mlflow` (and `/ajax-api/2.0/mlflow`, the prefix MLflow's web UI calls), proxied
 * artifacts under `/api/2.0/mlflow-artifacts`. Errors are MLflow's `{error_code, message}`.
 * Mount it in any Fastify app (the prediction API does), or run it alone (`tracking-server`).
 */
import { Transform } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import { invalidParameter, MlflowError } from '../errors.ts';
import type { ServerContext, TrackingDeps } from './context.ts';
import { BODY_BYTES, trackingRoutes } from './tracking-routes.ts';
import { registryRoutes } from './registry-routes.ts';
import { artifactRoutes } from './artifact-routes.ts';
import { DEFAULT_HTTP_LIMITS, HttpInputError, type HttpLimits } from './http-hygiene.ts';
import { findUnsafeString } from './input-guard.ts';

export type { TrackingDeps } from './context.ts';
export type MlflowPluginOptions = TrackingDeps & { limits?: Partial<HttpLimits> };

export const API_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'] as const;
export const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'] as const;
/**
 * JSON bodies up to `limit` bytes (1 MiB by default: above MLflow's 1,000,000-byte log-batch
 * limit, so log-batch still answers MLflow's own message). Strings with NUL bytes and
 * structures nested too deeply are refused here, once for every route, naming the field.
 */
function jsonBodies(app: FastifyInstance, limit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limit }, (req, body, done) => {
    const text = String(body);
    (req as unknown as Record<symbol, number>)[BODY_BYTES] = Buffer.byteLength(text);
    if (!text.trim()) return done(null, {});
    let v: unknown;
    try {
      v = JSON.parse(text);
      if (typeof v === 'string') v = JSON.parse(v); // old clients double-encode
    } catch (e) {
      return done(invalidParameter(`Malformed JSON request body: ${(e as Error).message}`));
    }
    const bad = findUnsafeString(v);
    done(bad ? invalidParameter(`Invalid value for parameter '${bad.path}' in the request body: ${bad.why}`) : null, bad ? undefined : v);
  });
  // Query strings and path parameters get the same check.
  app.addHook('preValidation', async (req) => {
    for (const [where, value] of [['query', req.query], ['path', req.params]] as const) {
      const bad = findUnsafeString(value);
      if (bad) throw invalidParameter(`Invalid value for parameter '${bad.path}' in the ${where}: ${bad.why}`);
    }
  });
}

/** Request bodies of artifact uploads are counted as they stream; above the limit the upload fails with 400. */
function artifactBodyLimit(app: FastifyInstance, limit: number): void {
  app.addHook('preParsing', async (req, _reply, payload) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      throw invalidParameter(`Artifact upload too large: header content-length ${declared} exceeds the limit of ${limit} bytes`);
    }
    let seen = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        if (seen > limit) cb(invalidParameter(`Artifact upload too large: the body exceeds the limit of ${limit} bytes`));
        else cb(null, chunk);
      },
    });
    payload.on('error', (e) => counted.destroy(e));
    return payload.pipe(counted);
  });
}

function notFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `No endpoint ${req.method} ${req.url.split('?')[0]} in MLflow's REST API subset served here.` });
  });
}

export const mlflowPlugin: FastifyPluginAsync<MlflowPluginOptions> = async (app, deps) => {
  const ctx: ServerContext = { db: deps.wh.db, lake: deps.lake, now: deps.now ?? Date.now };
  const limits = { ...DEFAULT_HTTP_LIMITS, ...deps.limits };
  // MLflow's API is documented by MLflow; keep it out of the host app's OpenAPI page.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true } as typeof route.schema;
  });
  app.setErrorHandler((err: FastifyError | MlflowError, req, reply) => {
    if (err instanceof MlflowError && err.status !== 500) return reply.code(err.status).send(err.toJSON());
    const status = (err as FastifyError).statusCode ?? 500;
    if (status === 413) return reply.code(400).send({ error_code: 'INVALID_PARAMETER_VALUE', message: `Request body too large (limit ${limits.mlflowBodyBytes} bytes): ${err.message}` });
    if (err instanceof HttpInputError || (status >= 400 && status < 500)) {
      return reply.code(status).send({ error_code: 'BAD_REQUEST', message: err.message });
    }
    // Anything else is ours: details in the log only, the client gets the request id to quote.
    req.log.error({ err, reqId: req.id }, 'MLflow request failed');
    return reply.code(500).send({ error_code: 'INTERNAL_ERROR', message: `Internal error (request id ${req.id})` });
  });
  for (const prefix of API_PREFIXES) {
    await app.register(
      async (sub) => {
        jsonBodies(sub, limits.mlflowBodyBytes);
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
        artifactBodyLimit(sub, limits.artifactBodyBytes);
        artifactRoutes(sub, ctx);
      },
      { prefix },
    );
  }
};

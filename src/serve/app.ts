/**
 * The HTTP API (Fastify, schema-first, OpenAPI at /docs). Predictions come from the champion
 * model held in memory; the warehouse is touched only by /readyz.
 */
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Predictor } from './predictor.ts';
import { PredictionInputError } from './predictor.ts';
import { createMetrics, type ApiMetrics } from './metrics.ts';
import { MetricsLogController } from './request-metrics.ts';
import { lazyChildLoggerFactory } from './request-logger.ts';
import { mlflowPlugin, type TrackingDeps } from '../tracking/server/plugin.ts';
import { installAuth, type AuthOptions, type RouteEntry } from './auth/hook.ts';
import { DEFAULT_HTTP_LIMITS, HttpInputError, installHttpHygiene, serverOptions, type HttpLimits } from '../tracking/server/http-hygiene.ts';

export interface AppDeps {
  predictor: Predictor;
  /** Is the warehouse reachable? */
  ping: () => Promise<boolean>;
  logLevel?: string;
  /** Injected for tests; a fresh registry by default. */
  metrics?: ApiMetrics;
  /** Wall clock for the model-loaded gauge (edges own the clock). */
  now?: () => number;
  /** Mount the MLflow-compatible tracking server and registry here (same port, under /api/2.0/mlflow…). */
  tracking?: TrackingDeps;
  /** API keys, scopes and rate limits (keys are read from the tracking warehouse unless `auth.db` is given). */
  auth?: AuthOptions;
  /** Timeouts and body limits (src/config.ts); the same for the standalone tracking server. */
  http?: Partial<HttpLimits>;
}

const Probabilities = Type.Object({ home: Type.Number(), draw: Type.Number(), away: Type.Number() });
const ErrorBody = Type.Object({
  error: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
  suggestions: Type.Optional(Type.Array(Type.String())),
});
const PredictionRequest = Type.Object(
  {
    league: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'League code, e.g. E0; inferred from the teams when omitted' })),
    home: Type.String({ minLength: 1, maxLength: 100, description: 'Home team (any known spelling)' }),
    away: Type.String({ minLength: 1, maxLength: 100, description: 'Away team (any known spelling)' }),
    date: Type.Optional(Type.String({ format: 'date', description: 'Match date YYYY-MM-DD (informational; the champion as of now is used)' })),
  },
  { additionalProperties: false },
);
const PredictionResponse = Type.Object({
  league: Type.String(),
  home: Type.String(),
  away: Type.String(),
  date: Type.Optional(Type.String()),
  probabilities: Probabilities,
  expected_goals: Type.Object({ home: Type.Number(), away: Type.Number() }),
  model: Type.Object({ name: Type.String(), version: Type.Integer(), kind: Type.String() }),
});

export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; metrics: ApiMetrics; routes: RouteEntry[] }> {
  const metrics = deps.metrics ?? createMetrics();
  const { predictor } = deps;
  const limits = { ...DEFAULT_HTTP_LIMITS, ...deps.http };
  const app = Fastify({
    ...serverOptions(limits),
    logger: { level: deps.logLevel ?? 'warn' },
    logController: new MetricsLogController(metrics.http),
    childLoggerFactory: lazyChildLoggerFactory,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Before any route: every route gets its scope from the one route table (src/serve/auth/route-scopes.ts).
  const routes = await installAuth(app, { db: deps.tracking?.wh.db, ...deps.auth });
  installHttpHygiene(app);

  metrics.modelInfo.set({ model_name: predictor.artifact.name, version: String(predictor.version), alias: 'champion', kind: predictor.artifact.kind }, 1);
  metrics.modelLoaded.set((deps.now ?? Date.now)() / 1000);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof PredictionInputError) {
      return reply.code(422).send({ error: 'invalid_input', message: err.message, field: err.field, suggestions: err.suggestions });
    }
    if (err.validation) {
      const v = err.validation[0];
      const missing = (v?.params as { missingProperty?: string; additionalProperty?: string } | undefined) ?? {};
      const field = missing.missingProperty ?? missing.additionalProperty ?? v?.instancePath?.replace(/^\//, '') ?? '';
      const message =
        missing.additionalProperty !== undefined
          ? `body has unknown field "${missing.additionalProperty}"; allowed: league, home, away, date`
          : `${err.validationContext ?? 'body'}${field && !missing.missingProperty ? `.${field}` : ''} ${v?.message ?? 'is invalid'}`;
      return reply.code(400).send({ error: 'bad_request', message, field });
    }
    const code = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (code === 500) {
      // Details stay in the server log; the client gets the request id to quote.
      req.log.error({ err, reqId: req.id }, 'request failed');
      return reply.code(500).send({ error: 'internal_error', message: `Internal error (request id ${req.id})` });
    }
    const field =
      err instanceof HttpInputError ? err.field
      : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'content-type'
      : err.code?.startsWith('FST_ERR_CTP') ? 'body'
      // a static file route refusing its path (e.g. a NUL byte in /docs/static/*: 403 "Forbidden")
      : Object.hasOwn((req.params as object | undefined) ?? {}, '*') ? 'path'
      : undefined;
    const error = code === 415 ? 'unsupported_media_type' : code === 413 ? 'payload_too_large' : code === 403 ? 'forbidden' : 'bad_request';
    const message = field && !err.message.toLowerCase().includes(field) ? `${field}: ${err.message}` : err.message;
    return reply.code(code).send({ error, message, ...(field ? { field } : {}) });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Time2Bet prediction API', version: '1', description: 'Football match probabilities from the champion model.' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const predictionsByOutcome = metrics.predictions.forModel(predictor.artifact.name, String(predictor.version));

  app.post('/v1/predictions', {
    bodyLimit: limits.predictionBodyBytes,
    schema: {
      summary: 'Predict a match with the champion model',
      body: PredictionRequest,
      response: { 200: PredictionResponse, 400: ErrorBody, 422: ErrorBody },
    },
    handler: async (req) => {
      const r = predictor.predict(req.body);
      const p = r.prediction.probabilities;
      const outcome = p.home >= p.draw && p.home >= p.away ? 'H' : p.draw >= p.away ? 'D' : 'A';
      predictionsByOutcome[outcome].count++;
      return {
        league: r.league,
        home: r.home,
        away: r.away,
        ...(req.body.date ? { date: req.body.date } : {}),
        probabilities: p,
        expected_goals: r.prediction.expectedGoals,
        model: { name: predictor.artifact.name, version: predictor.version, kind: predictor.artifact.kind },
      };
    },
  });

  app.get('/v1/teams', {
    schema: {
      summary: 'Teams the champion knows, with their current league',
      response: { 200: Type.Object({ teams: Type.Array(Type.Object({ name: Type.String(), league: Type.String() })) }) },
    },
    handler: async () => ({ teams: predictor.teams() }),
  });

  app.get('/healthz', { schema: { summary: 'Process is up' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { summary: 'Model loaded and warehouse reachable' } }, async (_req, reply) => {
    const warehouse = await deps.ping();
    const body = { status: warehouse ? 'ready' : 'not_ready', model: { name: predictor.artifact.name, version: predictor.version, kind: predictor.artifact.kind }, warehouse };
    return reply.code(warehouse ? 200 : 503).send(body);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  if (deps.tracking) await app.register(mlflowPlugin, { ...deps.tracking, limits });

  return { app, metrics, routes };
}

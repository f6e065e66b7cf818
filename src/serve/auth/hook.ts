/**
 * Authentication, scopes and rate limits for a Fastify app (the API, and the tracking server
 * when it runs alone). Install it BEFORE any route is added: an onRoute hook gives every route
 * its scope from route-scopes.ts, an onRequest hook checks `Authorization: Bearer <key>`.
 * Until a (non-revoked) key exists every route is open (the server then binds loopback only).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { MlflowError } from '../../tracking/errors.ts';
import { anyActiveKey, grants, touchKey, verifyKey } from './keys.ts';
import { isMlflowUrl, scopeOf, type RouteScope } from './route-scopes.ts';

export interface AuthOptions {
  /** Where keys live; without it no key can exist and every declared route is open. */
  db?: Kysely<Database>;
  /** `off` = no key checks at all (TIME2BET_AUTH=off). */
  auth?: 'on' | 'off';
  predictRequiresKey?: boolean;
  /** Requests per minute per client address and per key; 0 = no limit; absent = no rate limiting. */
  rateLimit?: { ip: number; key: number };
}

export interface RouteEntry {
  method: string;
  url: string;
  scope: RouteScope | 'undeclared';
}

const TOUCH_EVERY_MS = 60_000;

function deny(req: FastifyRequest, reply: FastifyReply, status: 401 | 403, message: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="time2bet"');
  const body = isMlflowUrl(req.url)
    ? { error_code: status === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED', message }
    : { error: status === 401 ? 'unauthorized' : 'forbidden', message };
  return reply.code(status).send(body);
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : '';
}

/** Install the hooks; returns the live table of routes with their scopes (for tests and docs). */
export async function installAuth(app: FastifyInstance, opts: AuthOptions): Promise<RouteEntry[]> {
  const routes: RouteEntry[] = [];
  const keyOf = new WeakMap<FastifyRequest, number>();
  const touched = new Map<number, number>();

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let scope: RouteScope | 'undeclared' = 'read';
    for (const m of methods) {
      const s = scopeOf(m, route.url ?? route.path);
      routes.push({ method: m, url: route.url ?? route.path, scope: s });
      if (s !== 'read') scope = s; // a route of several methods takes the scope of its state-changing one
    }
    route.config = { ...(route.config ?? {}), scope } as typeof route.config;
  });

  // Callback style with a synchronous fast path: reads and open predictions (the hot path) cost
  // no promise; only a route that needs a key goes to the database.
  app.addHook('onRequest', (req, reply, done) => {
    const scope = (req.routeOptions.config as { scope?: RouteScope | 'undeclared' } | undefined)?.scope;
    if (scope === undefined || scope === 'read') return done(); // unknown URL (404) or a read
    if (scope === 'undeclared') return void deny(req, reply, 403, `${req.method} ${req.routeOptions.url} declares no scope: refused (routes must be listed in src/serve/auth/route-scopes.ts)`);
    if (opts.auth === 'off' || !opts.db) return done();
    if (scope === 'predict' && !opts.predictRequiresKey) return done();
    checkKey(req, reply, scope, opts.db).then((replied) => {
      if (!replied) done();
    }, done);
  });

  /** Checks the presented key against `scope`; true when it answered 401/403 itself. */
  async function checkKey(req: FastifyRequest, reply: FastifyReply, scope: Exclude<RouteScope, 'read'>, db: Kysely<Database>): Promise<boolean> {
    const presented = bearer(req);
    const key = presented ? await verifyKey(db, presented) : undefined;
    if (!key) {
      if (!(await anyActiveKey(db))) return false; // no key yet: open (loopback only)
      deny(req, reply, 401, presented === undefined ? `${req.method} ${req.routeOptions.url} needs an API key with the ${scope} scope: send Authorization: Bearer <key> (MLFLOW_TRACKING_TOKEN for MLflow clients)` : 'invalid or revoked API key');
      return true;
    }
    keyOf.set(req, key.id);
    const last = touched.get(key.id) ?? 0;
    if (Date.now() - last > TOUCH_EVERY_MS) {
      touched.set(key.id, Date.now());
      await touchKey(db, key.id);
    }
    if (grants(key.scopes, scope)) return false;
    deny(req, reply, 403, `this API key has scopes [${key.scopes.join(', ')}]; ${req.method} ${req.routeOptions.url} needs ${scope}`);
    return true;
  }

  const limits = opts.rateLimit;
  if (limits && (limits.ip > 0 || limits.key > 0)) {
    await app.register(rateLimit, {
      global: true,
      hook: 'preHandler', // after authentication: a valid key is limited per key, anyone else per address
      timeWindow: 60_000,
      keyGenerator: (req) => (keyOf.has(req) ? `key:${keyOf.get(req)}` : `ip:${req.ip}`),
      max: (_req, k) => (k.startsWith('key:') ? limits.key : limits.ip),
      allowList: (_req, k) => (k.startsWith('key:') ? limits.key : limits.ip) === 0,
      errorResponseBuilder: (req, ctx) => {
        const message = `rate limit exceeded (${ctx.max} requests per minute); retry in ${ctx.after}`;
        if (isMlflowUrl(req.url)) return new MlflowError('REQUEST_LIMIT_EXCEEDED', message, ctx.statusCode);
        return Object.assign(new Error(message), { statusCode: ctx.statusCode });
      },
    });
  }
  return routes;
}

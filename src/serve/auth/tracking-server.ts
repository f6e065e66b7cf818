/** The tracking server process (`time2bet tracking-server`): the MLflow protocol with the API's authentication. */
import type { FastifyInstance } from 'fastify';
import { buildTrackingServer } from '../../tracking/server/standalone.ts';
import type { TrackingDeps } from '../../tracking/server/plugin.ts';
import type { HttpLimits } from '../../tracking/server/http-hygiene.ts';
import { installAuth, type AuthOptions, type RouteEntry } from './hook.ts';

export async function buildSecuredTrackingServer(deps: TrackingDeps, opts: { logLevel?: string; auth?: AuthOptions; http?: Partial<HttpLimits> } = {}): Promise<{ app: FastifyInstance; routes: RouteEntry[] }> {
  let routes: RouteEntry[] = [];
  const app = await buildTrackingServer(deps, {
    logLevel: opts.logLevel,
    http: opts.http,
    setup: async (a) => {
      routes = await installAuth(a, { db: deps.wh.db, ...opts.auth });
    },
  });
  return { app, routes };
}

/**
 * THE route table of scopes: every state-changing route (POST, PUT, PATCH, DELETE) of the API
 * and of the MLflow-compatible server is listed here with the scope it needs. GET and HEAD are
 * `read` (open). A state-changing route missing from this table is refused (fail closed), and
 * test/security/routes.test.ts fails for it. MLflow routes are written once for both prefixes:
 * `mlflow:` = /api/2.0/mlflow and /ajax-api/2.0/mlflow, `artifacts:` = …/mlflow-artifacts.
 */
import type { Scope } from './keys.ts';

/** `read` routes are open; `predict` routes are open unless TIME2BET_PREDICT_REQUIRES_KEY. */
export type RouteScope = Scope | 'read';

const write = 'write' as const;
const admin = 'admin' as const;
const read = 'read' as const;

export const ROUTE_SCOPES = new Map<string, RouteScope>([
  ['POST /v1/predictions', 'predict'],
  // MLflow tracking: writes need `write`, deletes `admin`; searches are POST but read.
  ['POST mlflow:/experiments/create', write],
  ['POST mlflow:/experiments/search', read],
  ['POST mlflow:/experiments/delete', admin],
  ['POST mlflow:/experiments/restore', write],
  ['POST mlflow:/experiments/update', write],
  ['POST mlflow:/experiments/set-experiment-tag', write],
  ['POST mlflow:/experiments/delete-experiment-tag', admin],
  ['POST mlflow:/runs/create', write],
  ['POST mlflow:/runs/update', write],
  ['POST mlflow:/runs/delete', admin],
  ['POST mlflow:/runs/restore', write],
  ['POST mlflow:/runs/search', read],
  ['POST mlflow:/runs/log-metric', write],
  ['POST mlflow:/runs/log-parameter', write],
  ['POST mlflow:/runs/set-tag', write],
  ['POST mlflow:/runs/delete-tag', admin],
  ['POST mlflow:/runs/log-batch', write],
  // MLflow registry: the model lifecycle is `admin`.
  ['POST mlflow:/registered-models/create', admin],
  ['POST mlflow:/registered-models/search', read],
  ['PATCH mlflow:/registered-models/update', admin],
  ['POST mlflow:/registered-models/rename', admin],
  ['DELETE mlflow:/registered-models/delete', admin],
  ['POST mlflow:/registered-models/set-tag', admin],
  ['DELETE mlflow:/registered-models/delete-tag', admin],
  ['POST mlflow:/registered-models/get-latest-versions', read],
  ['POST mlflow:/registered-models/alias', admin],
  ['DELETE mlflow:/registered-models/alias', admin],
  ['POST mlflow:/model-versions/create', admin],
  ['POST mlflow:/model-versions/search', read],
  ['PATCH mlflow:/model-versions/update', admin],
  ['DELETE mlflow:/model-versions/delete', admin],
  ['POST mlflow:/model-versions/set-tag', admin],
  ['DELETE mlflow:/model-versions/delete-tag', admin],
  ['POST mlflow:/model-versions/transition-stage', admin],
  // Proxied artifacts.
  ['PUT artifacts:/artifacts/*', write],
  ['DELETE artifacts:/artifacts/*', admin],
  ['POST artifacts:/mpu/create/*', write],
  ['POST artifacts:/mpu/complete/*', write],
  ['POST artifacts:/mpu/abort/*', write],
]);

const MLFLOW = /^\/(?:ajax-)?api\/2\.0\/mlflow(?=\/|$)/;
const ARTIFACTS = /^\/(?:ajax-)?api\/2\.0\/mlflow-artifacts(?=\/|$)/;

/** Is this URL one of the MLflow server's (errors then take MLflow's JSON shape)? */
export function isMlflowUrl(url: string): boolean {
  return MLFLOW.test(url) || ARTIFACTS.test(url);
}

/** The table key of a route: `METHOD url` with the MLflow prefixes folded. */
export function routeKey(method: string, url: string): string {
  if (ARTIFACTS.test(url)) return `${method} artifacts:${url.replace(ARTIFACTS, '')}`;
  if (MLFLOW.test(url)) return `${method} mlflow:${url.replace(MLFLOW, '')}`;
  return `${method} ${url}`;
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The scope a route needs, or `undeclared` for a state-changing route missing from the table. */
export function scopeOf(method: string, url: string): RouteScope | 'undeclared' {
  const declared = ROUTE_SCOPES.get(routeKey(method, url));
  if (declared) return declared;
  return STATE_CHANGING.has(method) ? 'undeclared' : 'read';
}

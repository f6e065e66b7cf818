/**
 * How the tracking client reaches a server: over HTTP (the built-in server in another process,
 * or any MLflow server), or in process through Fastify's inject (no socket, same routes, same
 * protocol). Either way the client speaks MLflow's REST API only.
 */
import type { FastifyInstance } from 'fastify';
import { MlflowError } from '../errors.ts';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface TransportRequest {
  method: Method;
  /** Absolute path, e.g. `/api/2.0/mlflow/runs/get`. */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  json?: unknown;
  body?: Uint8Array;
  contentType?: string;
}

export interface TransportResponse {
  status: number;
  body: Uint8Array;
}

export interface Transport {
  /** Where requests go, for messages: `http://host:5000` or `in-process`. */
  readonly location: string;
  send(req: TransportRequest): Promise<TransportResponse>;
}

function queryString(q: TransportRequest['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q ?? {})) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function payload(req: TransportRequest): { body?: Uint8Array | string; contentType?: string } {
  if (req.body) return { body: req.body, contentType: req.contentType ?? 'application/octet-stream' };
  if (req.json !== undefined) return { body: JSON.stringify(req.json), contentType: 'application/json' };
  return {};
}

const RETRYABLE = new Set([429, 502, 503, 504]);

/** HTTP to a tracking server (`MLFLOW_TRACKING_URI`); retries connection failures and 429/5xx gateway errors. */
export function httpTransport(baseUrl: string, opts: { timeoutMs?: number; retries?: number; headers?: Record<string, string> } = {}): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  const retries = opts.retries ?? 3;
  return {
    location: base,
    async send(req) {
      const { body, contentType } = payload(req);
      const url = `${base}${req.path}${queryString(req.query)}`;
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(url, {
            method: req.method,
            headers: { ...(contentType ? { 'content-type': contentType } : {}), ...opts.headers },
            body: typeof body === 'string' || body === undefined ? body : Buffer.from(body),
            signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000),
          });
          const bytes = new Uint8Array(await res.arrayBuffer());
          if (RETRYABLE.has(res.status) && attempt < retries) {
            await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
            continue;
          }
          return { status: res.status, body: bytes };
        } catch (e) {
          if (attempt >= retries) {
            throw new MlflowError('TEMPORARILY_UNAVAILABLE', `tracking server ${base} unreachable (${req.method} ${req.path}): ${(e as Error).message}`);
          }
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
        }
      }
    },
  };
}

/** In process: the same routes, called through Fastify's inject. */
export function injectTransport(app: FastifyInstance | (() => Promise<FastifyInstance>)): Transport {
  let ready: Promise<FastifyInstance> | undefined;
  const get = () => (ready ??= typeof app === 'function' ? app() : Promise.resolve(app));
  return {
    location: 'in-process',
    async send(req) {
      const { body, contentType } = payload(req);
      const res = await (await get()).inject({
        method: req.method,
        url: `${req.path}${queryString(req.query)}`,
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : Buffer.from(body), headers: { 'content-type': contentType! } } : {}),
      });
      return { status: res.statusCode, body: new Uint8Array(res.rawPayload) };
    },
  };
}

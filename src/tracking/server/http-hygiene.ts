/**
 * HTTP hygiene shared by both listening processes (the API with the MLflow plugin mounted, and
 * `time2bet tracking-server`): timeouts that drop slow or stalled clients, per-route body limits,
 * and a 415 for bodies the server cannot read (compressed, or in a charset other than UTF-8).
 * The values come from src/config.ts; the defaults here are the same as the configuration's.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

export interface HttpLimits {
  /** Whole request (headers and body) must arrive within this many milliseconds. */
  requestTimeoutMs: number;
  /** An idle socket (no bytes either way) is closed after this many milliseconds. */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this many milliseconds. */
  keepAliveTimeoutMs: number;
  /** POST /v1/predictions body limit in bytes. */
  predictionBodyBytes: number;
  /** MLflow REST JSON body limit in bytes. */
  mlflowBodyBytes: number;
  /** MLflow artifact upload limit in bytes. */
  artifactBodyBytes: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  predictionBodyBytes: 16 * 1024,
  mlflowBodyBytes: 1024 * 1024,
  artifactBodyBytes: 512 * 1024 * 1024,
});

/** The limits from the configuration's settings (src/config.ts); connection timeout = 2 × request timeout. */
export function httpLimitsOf(cfg: { httpRequestTimeoutMs: number; httpKeepAliveTimeoutMs: number; artifactMaxBytes: number }): HttpLimits {
  return {
    ...DEFAULT_HTTP_LIMITS,
    requestTimeoutMs: cfg.httpRequestTimeoutMs,
    connectionTimeoutMs: 2 * cfg.httpRequestTimeoutMs,
    keepAliveTimeoutMs: cfg.httpKeepAliveTimeoutMs,
    artifactBodyBytes: cfg.artifactMaxBytes,
  };
}

/** Fastify server options for the limits (Node checks the request timeout at most every second). */
export function serverOptions(limits: HttpLimits): Pick<FastifyServerOptions, 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'bodyLimit'> & {
  http: { headersTimeout: number; connectionsCheckingInterval: number };
} {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Routes without their own limit (none today) get the small one.
    bodyLimit: limits.predictionBodyBytes,
    http: {
      headersTimeout: Math.min(limits.requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.requestTimeoutMs / 4))),
    },
  };
}

/** A client error carrying an HTTP status (both error handlers answer it with its message). */
export class HttpInputError extends Error {
  override name = 'HttpInputError';
  constructor(
    readonly statusCode: number,
    message: string,
    /** The header or field at fault. */
    readonly field: string,
  ) {
    super(message);
  }
}

/**
 * Refuse, with 415, a request body the server would misread: any `content-encoding` other than
 * identity (the server does not decompress), or a `charset` other than UTF-8.
 */
export function installHttpHygiene(app: FastifyInstance): void {
  // Callback style, not async: this runs on every request, and a synchronous check needs no promise.
  app.addHook('onRequest', (req, _reply, done) => {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && String(encoding).trim().toLowerCase() !== 'identity' && String(encoding).trim() !== '') {
      return done(new HttpInputError(415, `unsupported content-encoding "${String(encoding).slice(0, 40)}": send the body uncompressed (header content-encoding)`, 'content-encoding'));
    }
    const type = req.headers['content-type'];
    if (type !== undefined) {
      const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(String(type));
      if (m && !/^utf-?8$/i.test(m[1]!)) {
        return done(new HttpInputError(415, `unsupported charset "${m[1]!.slice(0, 40)}" in header content-type: send the body as UTF-8`, 'content-type'));
      }
    }
    done();
  });
}

/** Single HTTP attempts with undici: timeouts, redirects, decompression, truncation checks. */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Agent, request } from 'undici';
import { abortError, TransientError, type AttemptResult, type Transport } from './types.ts';

const MAX_REDIRECTS = 5;
const NOT_TRANSIENT = new Set(['UND_ERR_INVALID_ARG', 'ERR_INVALID_URL', 'UND_ERR_NOT_SUPPORTED']);

function flatten(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function decode(raw: Buffer, encoding: string | undefined, url: string): Uint8Array {
  const enc = (encoding ?? '').trim().toLowerCase();
  try {
    if (enc === '' || enc === 'identity') return new Uint8Array(raw);
    if (enc === 'gzip' || enc === 'x-gzip') return new Uint8Array(gunzipSync(raw));
    if (enc === 'br') return new Uint8Array(brotliDecompressSync(raw));
    if (enc === 'deflate') return new Uint8Array(inflateSync(raw));
  } catch (e) {
    throw new TransientError(`GET ${url}: body could not be decompressed (${enc}); truncated? ${(e as Error).message}`, 'TRUNCATED');
  }
  throw new Error(`GET ${url}: unsupported content-encoding "${enc}"`);
}

export class HttpTransport implements Transport {
  readonly kind = 'http' as const;
  readonly #agent: Agent;

  constructor() {
    this.#agent = new Agent({ keepAliveTimeout: 10_000, connections: 4 });
  }

  async attempt(url: string, opts: { userAgent: string; timeoutMs: number; signal?: AbortSignal }): Promise<AttemptResult> {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const res = await request(current, {
          dispatcher: this.#agent,
          method: 'GET',
          headers: {
            'user-agent': opts.userAgent,
            accept: 'text/html,application/json;q=0.9,*/*;q=0.8',
            'accept-encoding': 'gzip, deflate, br',
            'accept-language': 'en-GB,en;q=0.8',
          },
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
          signal,
        });
        const headers = flatten(res.headers);
        if (res.statusCode >= 300 && res.statusCode < 400 && headers.location) {
          await res.body.dump();
          if (hop >= MAX_REDIRECTS) throw new Error(`GET ${url}: more than ${MAX_REDIRECTS} redirects`);
          current = new URL(headers.location, current).toString();
          continue;
        }
        const raw = Buffer.from(await res.body.arrayBuffer());
        const declared = headers['content-length'];
        if (declared !== undefined && !headers['content-encoding'] && Number(declared) !== raw.length) {
          throw new TransientError(`GET ${current}: body truncated (${raw.length} of ${declared} bytes)`, 'TRUNCATED');
        }
        return { finalUrl: current, status: res.statusCode, headers, body: decode(raw, headers['content-encoding'], current) };
      }
    } catch (e) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      if (e instanceof TransientError) throw e;
      const err = e as Error & { code?: string };
      if (timeout.aborted) throw new TransientError(`GET ${current}: timed out after ${opts.timeoutMs} ms`, 'TIMEOUT');
      if (err.code && NOT_TRANSIENT.has(err.code)) throw err;
      if (err.message?.includes('redirects') || err.message?.includes('content-encoding')) throw err;
      // Connection refused/reset, socket closed mid-body, header/body timeouts: worth a retry.
      throw new TransientError(`GET ${current}: ${err.code ? `${err.code} ` : ''}${err.message}`, err.code);
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

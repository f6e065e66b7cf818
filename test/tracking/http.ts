/** Test helpers: the built-in tracking server on a real port, and raw HTTP calls to it (no client code). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { FolderStore } from '../../src/lake/folder-store.ts';
import type { Warehouse } from '../../src/warehouse/db.ts';
import { buildTrackingServer } from '../../src/tracking/server/standalone.ts';

export interface Served {
  url: string;
  lake: FolderStore;
}

const servers = new Map<Warehouse, Promise<Served & { close: () => Promise<void> }>>();
// Registered when the test file imports this module, so it is a file-level hook.
after(async () => {
  for (const s of servers.values()) await (await s).close();
  servers.clear();
});

/** The built-in server over `wh` (one per warehouse per test file), listening on 127.0.0.1. */
export function serverFor(wh: Warehouse): Promise<Served> {
  let s = servers.get(wh);
  if (!s) {
    s = (async () => {
      const lake = new FolderStore(mkdtempSync(path.join(tmpdir(), 't2b-mlflow-lake-')));
      const app = await buildTrackingServer({ wh, lake }, { logLevel: 'silent' });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const addr = app.server.address() as { port: number };
      return { url: `http://127.0.0.1:${addr.port}`, lake, close: () => app.close() };
    })();
    servers.set(wh, s);
  }
  return s;
}

export interface Reply {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

/** One HTTP call the way MLflow clients make it: GET with a query string, others with a JSON body. */
export async function call(base: string, method: string, path: string, params?: unknown): Promise<Reply> {
  let url = `${base}${path}`;
  let body: string | undefined;
  if (method === 'GET' && params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, String(x));
    url += `?${q}`;
  } else if (params !== undefined) body = typeof params === 'string' ? params : JSON.stringify(params);
  const res = await fetch(url, { method, headers: body !== undefined ? { 'content-type': 'application/json' } : {}, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** `call` bound to a server, with paths relative to /api/2.0/mlflow/. */
export function mlflow(base: string) {
  return (method: string, endpoint: string, params?: unknown) => call(base, method, `/api/2.0/mlflow/${endpoint}`, params);
}

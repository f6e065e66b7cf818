/**
 * Issue 13 item 5: a client that declares a body and sends less is dropped within the request
 * timeout (both processes share src/tracking/server/http-hygiene.ts); body limits per route;
 * compressed bodies and charsets other than UTF-8 get 415.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { forEachEngine } from '../helpers/warehouses.ts';
import { fakePredictor } from './fixtures.ts';
import { buildApp } from '../../src/serve/app.ts';
import { buildTrackingServer } from '../../src/tracking/server/standalone.ts';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SHORT = { requestTimeoutMs: 400, connectionTimeoutMs: 800, keepAliveTimeoutMs: 300 };

/** Declare 100 bytes, send 10, then wait: milliseconds until the server closes the socket. */
async function slowBodyClosedAfter(port: number, url: string): Promise<number> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const t0 = Date.now();
  sock.write(`POST ${url} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"home":"A`);
  sock.on('data', () => {});
  return await new Promise<number>((resolve, reject) => {
    const guard = setTimeout(() => {
      sock.destroy();
      reject(new Error('the server kept the slow connection open for 5 s'));
    }, 5_000);
    sock.once('close', () => {
      clearTimeout(guard);
      resolve(Date.now() - t0);
    });
  });
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as net.AddressInfo).port;
}

forEachEngine('a client declaring 100 bytes and sending 10 is dropped within the request timeout (API and tracking server)', async (wh) => {
  const lake = new FolderStore(mkdtempSync(path.join(tmpdir(), 't2b-hyg-')));
  const { app } = await buildApp({ predictor: fakePredictor, ping: async () => true, logLevel: 'silent', tracking: { wh, lake }, http: SHORT });
  const tracking = await buildTrackingServer({ wh, lake }, { logLevel: 'silent', http: SHORT });
  try {
    const ports = new Map([[app, await listen(app)], [tracking, await listen(tracking)]]);
    for (const [server, url] of [[app, '/v1/predictions'], [app, '/api/2.0/mlflow/experiments/create'], [tracking, '/api/2.0/mlflow/experiments/create']] as const) {
      const ms = await slowBodyClosedAfter(ports.get(server)!, url);
      assert.ok(ms >= SHORT.requestTimeoutMs - 50 && ms < SHORT.requestTimeoutMs + 1_500, `${url}: closed after ${ms} ms`);
    }
  } finally {
    await app.close();
    await tracking.close();
  }
});

forEachEngine('body limits per route; content-encoding and non-UTF-8 charsets get 415 on both servers', async (wh) => {
  const lake = new FolderStore(mkdtempSync(path.join(tmpdir(), 't2b-hyg-')));
  const { app } = await buildApp({ predictor: fakePredictor, ping: async () => true, logLevel: 'silent', tracking: { wh, lake }, http: { predictionBodyBytes: 1024, mlflowBodyBytes: 4096, artifactBodyBytes: 2048 } });
  const tracking = await buildTrackingServer({ wh, lake }, { logLevel: 'silent' });
  try {
    const big = await app.inject({ method: 'POST', url: '/v1/predictions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ home: 'A'.repeat(2000), away: 'B' }) });
    assert.equal(big.statusCode, 413, big.body);
    assert.match(big.json().message, /body/i);
    const mlBig = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(5000) }) });
    assert.equal(mlBig.statusCode, 400, mlBig.body);
    assert.match(mlBig.json().message, /too large \(limit 4096 bytes\)/);
    const art = await app.inject({ method: 'PUT', url: '/api/2.0/mlflow-artifacts/artifacts/1/big.bin', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(3000) });
    assert.equal(art.statusCode, 400, art.body);
    assert.match(art.json().message, /Artifact upload too large/);
    const small = await app.inject({ method: 'PUT', url: '/api/2.0/mlflow-artifacts/artifacts/1/small.bin', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(1000) });
    assert.equal(small.statusCode, 200, small.body);

    for (const server of [app, tracking]) {
      for (const [headers, field] of [
        [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'content-encoding'],
        [{ 'content-type': 'application/json', 'content-encoding': 'br' }, 'content-encoding'],
        [{ 'content-type': 'application/json; charset=latin1' }, 'content-type'],
        [{ 'content-type': 'application/json; charset="utf-16"' }, 'content-type'],
      ] as const) {
        const url = server === app ? '/v1/predictions' : '/api/2.0/mlflow/experiments/create';
        const r = await server.inject({ method: 'POST', url, headers, payload: '{"home":"Arsenal","away":"Chelsea","name":"n"}' });
        assert.equal(r.statusCode, 415, `${url} ${JSON.stringify(headers)}: ${r.body}`);
        assert.ok(r.body.includes(field), r.body);
      }
      const ok = await server.inject({ method: 'POST', url: server === app ? '/v1/predictions' : '/api/2.0/mlflow/experiments/create', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: '{"home":"Arsenal","away":"Chelsea","name":"n"}'.replace(server === app ? ',"name":"n"' : '"home":"Arsenal","away":"Chelsea",', '') });
      assert.equal(ok.statusCode, 200, ok.body);
    }
  } finally {
    await app.close();
    await tracking.close();
  }
});

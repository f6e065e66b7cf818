/** Rate limits: per client address without a key, per key with one; 429 with Retry-After beyond them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestWarehouse } from '../helpers/warehouses.ts';
import { createKey } from '../../src/serve/auth/keys.ts';
import { loadConfig } from '../../src/config.ts';
import { bearer, securedApp } from './fixtures.ts';

test('429 with Retry-After beyond the per-address and the per-key limits', async () => {
  const managed = await createTestWarehouse('pglite');
  const { app } = await securedApp(managed.wh, { rateLimit: { ip: 3, key: 5 } });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await app.inject({ method: 'GET', url: '/healthz' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await app.inject({ method: 'GET', url: '/v1/teams' });
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0, `Retry-After: ${limited.headers['retry-after']}`);
    assert.match(limited.json().message, /rate limit exceeded \(3 requests per minute\)/);
    const mlflow = await app.inject({ method: 'GET', url: '/api/2.0/mlflow/experiments/search' });
    assert.equal(mlflow.statusCode, 429);
    assert.equal(mlflow.json().error_code, 'REQUEST_LIMIT_EXCEEDED');

    // A valid key has its own budget (5), counted apart from its address.
    const key = (await createKey(managed.wh.db, 'ci', ['write'])).key;
    const keyed: number[] = [];
    for (let i = 0; i < 6; i++) keyed.push((await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: `e${i}` }, headers: bearer(key) })).statusCode);
    assert.deepEqual(keyed, [200, 200, 200, 200, 200, 429]);
  } finally {
    await app.close();
    await managed.dispose();
  }
});

test('defaults: generous limits, loopback host, auth on, predictions open', () => {
  const cfg = loadConfig({});
  assert.equal(cfg.host, '127.0.0.1');
  assert.equal(cfg.auth, 'on');
  assert.equal(cfg.predictRequiresKey, false);
  assert.ok(cfg.rateLimitIp >= 60_000 && cfg.rateLimitKey >= cfg.rateLimitIp);
  assert.throws(() => loadConfig({ TIME2BET_AUTH: 'maybe' }), /TIME2BET_AUTH="maybe" is invalid: expected on or off/);
});

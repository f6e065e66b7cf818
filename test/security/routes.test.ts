/**
 * Every state-changing route, enumerated from the live route table: once a key exists it answers
 * 401 without a key, 403 with a key of a lower scope, and passes with its own scope. A new route
 * without a declared scope fails here (and is refused at request time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines, createTestWarehouse } from '../helpers/warehouses.ts';
import { createKey, revokeKey, type Scope } from '../../src/serve/auth/keys.ts';
import { STATE_CHANGING } from '../../src/serve/auth/route-scopes.ts';
import { bearer, securedApp } from './fixtures.ts';

const LOWER = new Map<Scope, Scope | undefined>([['admin', 'write'], ['write', 'predict'], ['predict', undefined]]);
const concrete = (url: string) => url.replace('*', 'sec/x.txt');

for (const engine of testEngines()) {
  test(`${engine}: every state-changing route needs its scope once a key exists`, async () => {
    const managed = await createTestWarehouse(engine);
    const { app, routes } = await securedApp(managed.wh, { predictRequiresKey: true });
    try {
      const changing = routes.filter((r) => STATE_CHANGING.has(r.method));
      assert.ok(changing.length >= 40, `expected the MLflow and API routes, got ${changing.length}`);
      for (const r of changing) {
        assert.notEqual(r.scope, 'undeclared', `${r.method} ${r.url} declares no scope in src/serve/auth/route-scopes.ts`);
        if (r.scope === 'read') assert.match(r.url, /\/(search|get-latest-versions)$/, `${r.method} ${r.url} is state-changing but declared read`);
      }

      // No key yet: open (the server binds loopback only then).
      const open = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'before-keys' } });
      assert.equal(open.statusCode, 200, open.body);

      const keys = new Map<Scope, string>();
      for (const s of ['predict', 'write', 'admin'] as const) keys.set(s, (await createKey(managed.wh.db, `k-${s}`, [s])).key);

      for (const r of changing.filter((x) => x.scope !== 'read')) {
        const scope = r.scope as Scope;
        const url = concrete(r.url);
        const what = `${r.method} ${url} (${scope})`;
        const anon = await app.inject({ method: r.method as 'POST', url, payload: {} });
        assert.equal(anon.statusCode, 401, `${what} without a key: ${anon.body}`);
        assert.match(String(anon.headers['www-authenticate']), /^Bearer/, what);
        if (url.startsWith('/api/') || url.startsWith('/ajax-api/')) assert.equal(anon.json().error_code, 'UNAUTHENTICATED', what);
        const lower = LOWER.get(scope);
        if (lower) {
          const wrong = await app.inject({ method: r.method as 'POST', url, payload: {}, headers: bearer(keys.get(lower)!) });
          assert.equal(wrong.statusCode, 403, `${what} with a ${lower} key: ${wrong.body}`);
          assert.match(wrong.body, new RegExp(`needs ${scope}`), what);
        }
        const right = await app.inject({ method: r.method as 'POST', url, payload: {}, headers: bearer(keys.get(scope)!) });
        assert.ok(right.statusCode !== 401 && right.statusCode !== 403, `${what} with its scope: ${right.statusCode} ${right.body}`);
      }

      // Reads stay open; a bad or revoked key is refused; admin implies write.
      assert.equal((await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/search', payload: {} })).statusCode, 200);
      assert.equal((await app.inject({ method: 'GET', url: '/api/2.0/mlflow/experiments/get?experiment_id=0' })).statusCode, 200);
      const made = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'by-admin' }, headers: bearer(keys.get('admin')!) });
      assert.equal(made.statusCode, 200, made.body);
      const forged = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'x' }, headers: bearer(`t2b_${'A'.repeat(43)}`) });
      assert.equal(forged.statusCode, 401);
      const doomed = await createKey(managed.wh.db, 'doomed', ['admin']);
      assert.equal((await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'y' }, headers: bearer(doomed.key) })).statusCode, 200);
      await revokeKey(managed.wh.db, doomed.info.id);
      const revoked = await app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: { name: 'z' }, headers: bearer(doomed.key) });
      assert.equal(revoked.statusCode, 401, revoked.body);
      assert.match(revoked.json().message, /invalid or revoked/);
    } finally {
      await app.close();
      await managed.dispose();
    }
  });
}

test('a state-changing route missing from the scope table is refused (fail closed) and listed as undeclared', async () => {
  const managed = await createTestWarehouse('pglite');
  const { app, routes } = await securedApp(managed.wh);
  try {
    app.post('/v1/new-thing', async () => ({ done: true }));
    await app.ready();
    assert.deepEqual(routes.filter((r) => r.url === '/v1/new-thing').map((r) => r.scope), ['undeclared']);
    const r = await app.inject({ method: 'POST', url: '/v1/new-thing', payload: {} });
    assert.equal(r.statusCode, 403);
    assert.match(r.json().message, /declares no scope/);
  } finally {
    await app.close();
    await managed.dispose();
  }
});

test('predictions are open by default, even once keys exist', async () => {
  const managed = await createTestWarehouse('pglite');
  const { app } = await securedApp(managed.wh);
  try {
    await createKey(managed.wh.db, 'ops', ['admin']);
    const r = await app.inject({ method: 'POST', url: '/v1/predictions', payload: { home: 'Arsenal', away: 'Chelsea' } });
    assert.equal(r.statusCode, 200, r.body);
  } finally {
    await app.close();
    await managed.dispose();
  }
});

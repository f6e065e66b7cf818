/**
 * The forged-artifact scenario of issue 13: with a key existing, an anonymous client cannot
 * upload, register or move @champion; a write key cannot move aliases; bytes changed after
 * registration are refused at load (the server's own checksum, not the client's tag); what
 * @champion depends on cannot be deleted; a deleted training experiment is restored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { trainedWarehouse } from '../helpers/trained.ts';
import { createTestWarehouse, testEngines } from '../helpers/warehouses.ts';
import { createKey } from '../../src/serve/auth/keys.ts';
import { ARTIFACT_SCHEMA, serialiseArtifact, type ModelArtifact } from '../../src/registry/artifact.ts';
import { Registry, VERSION_TAGS } from '../../src/registry/registry.ts';
import { proxiedPath } from '../../src/tracking/store/artifacts.ts';
import { bearer, securedApp } from './fixtures.ts';

const API = '/api/2.0/mlflow';
const ART = '/api/2.0/mlflow-artifacts/artifacts';
const sha = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');

test('forged artifact: refused at registration without the right key, and at load once changed', async () => {
  const t = await trainedWarehouse(['E0/2021-2022.csv', 'E0/2022-2023.csv']);
  const { app } = await securedApp(t.wh, {}, t.lake);
  try {
    const writer = (await createKey(t.wh.db, 'ci', ['write'])).key;
    const admin = (await createKey(t.wh.db, 'ops', ['admin'])).key;
    const forged = serialiseArtifact({ ...t.artifacts[0]!, metrics: { forged: true } });
    const forgedPath = '0/forged/artifacts/model/model.json';
    const create = { name: 'time2bet', source: 'mlflow-artifacts:/0/forged/artifacts/model', tags: [{ key: VERSION_TAGS.sha256, value: forged.sha256 }] };

    // Anonymous: 401 at every step.
    assert.equal((await app.inject({ method: 'PUT', url: `${ART}/${forgedPath}`, payload: forged.bytes })).statusCode, 401);
    assert.equal((await app.inject({ method: 'POST', url: `${API}/model-versions/create`, payload: create })).statusCode, 401);
    assert.equal((await app.inject({ method: 'POST', url: `${API}/registered-models/alias`, payload: { name: 'time2bet', alias: 'champion', version: '1' } })).statusCode, 401);

    // A write key may upload, but not register or move @champion.
    const put = await app.inject({ method: 'PUT', url: `${ART}/${forgedPath}`, payload: forged.bytes, headers: bearer(writer) });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((await app.inject({ method: 'POST', url: `${API}/model-versions/create`, payload: create, headers: bearer(writer) })).statusCode, 403);
    const alias = await app.inject({ method: 'POST', url: `${API}/registered-models/alias`, payload: { name: 'time2bet', alias: 'champion', version: '1' }, headers: bearer(writer) });
    assert.equal(alias.statusCode, 403);
    assert.equal(alias.json().error_code, 'PERMISSION_DENIED');

    // The champion carries the server's own checksum of its artifact.
    const registry = new Registry(t.wh, t.lake);
    const champion = await registry.get('time2bet', t.champion.version);
    assert.deepEqual(Object.keys((await registry.serverChecksums(champion))!), ['model.json']);
    assert.ok((await registry.loadArtifact(champion)).kind, 'the untouched champion loads');

    // The champion's bytes replaced with a write key, and its client tag forged too: refused at load.
    const championPath = `${proxiedPath(champion.source)}/model.json`;
    assert.equal((await app.inject({ method: 'PUT', url: `${ART}/${championPath}`, payload: forged.bytes, headers: bearer(writer) })).statusCode, 200);
    await app.inject({ method: 'POST', url: `${API}/model-versions/set-tag`, payload: { name: 'time2bet', version: String(champion.version), key: VERSION_TAGS.sha256, value: sha(forged.bytes) }, headers: bearer(admin) });
    await assert.rejects(registry.loadArtifact(await registry.get('time2bet', champion.version)), /changed after registration, refusing to load it/);

    // Registered on an empty source, the bytes uploaded afterwards are not trusted either.
    const early = await app.inject({ method: 'POST', url: `${API}/model-versions/create`, payload: { name: 'time2bet', source: 'mlflow-artifacts:/0/late/artifacts/model' }, headers: bearer(admin) });
    assert.equal(early.statusCode, 200, early.body);
    await app.inject({ method: 'PUT', url: `${ART}/0/late/artifacts/model/model.json`, payload: forged.bytes, headers: bearer(writer) });
    await assert.rejects(registry.loadArtifact(await registry.get('time2bet', Number(early.json().model_version.version))), /was not there when the version was registered/);
  } finally {
    await app.close();
    await t.wh.close();
  }
});

for (const engine of testEngines()) {
  test(`${engine}: what @champion depends on cannot be deleted; a deleted training experiment is restored`, async () => {
    const managed = await createTestWarehouse(engine);
    const { app, lake } = await securedApp(managed.wh);
    const admin = bearer((await createKey(managed.wh.db, 'ops', ['admin'])).key);
    const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url: `${API}${url}`, payload: payload as object, headers: admin });
    try {
      const exp = (await post('/experiments/create', { name: 'guarded' })).json().experiment_id as string;
      const run = (await post('/runs/create', { experiment_id: exp })).json().run.info;
      const root = proxiedPath(run.artifact_uri)!;
      await lake.put(`mlartifacts/${root}/model/model.json`, new TextEncoder().encode('{}'));
      await post('/registered-models/create', { name: 'm' });
      const mv = (await post('/model-versions/create', { name: 'm', source: `${run.artifact_uri}/model`, run_id: run.run_id })).json().model_version;
      const sums = await app.inject({ method: 'GET', url: `${API}/model-versions/get-artifact-checksums?name=m&version=${mv.version}` });
      assert.deepEqual(sums.json(), { checksums: { 'model.json': sha('{}') } });
      assert.equal((await post('/registered-models/alias', { name: 'm', alias: 'champion', version: mv.version })).statusCode, 200);

      const refusals = [
        await app.inject({ method: 'DELETE', url: `${API}/model-versions/delete`, payload: { name: 'm', version: mv.version }, headers: admin }),
        await post('/runs/delete', { run_id: run.run_id }),
        await app.inject({ method: 'DELETE', url: `${API}/registered-models/delete`, payload: { name: 'm' }, headers: admin }),
        await post('/experiments/delete', { experiment_id: exp }),
        await app.inject({ method: 'DELETE', url: `${ART}/${root}/model/model.json`, headers: admin }),
        await app.inject({ method: 'DELETE', url: `${ART}/${root.split('/')[0]}`, headers: admin }),
      ];
      for (const r of refusals) {
        assert.equal(r.statusCode, 400, r.body);
        assert.equal(r.json().error_code, 'INVALID_STATE');
        assert.match(r.json().message, /@champion/);
      }
      assert.ok(await lake.get(`mlartifacts/${root}/model/model.json`), 'the artifact is still there');
      // Once the alias moves away, deleting is allowed again.
      assert.equal((await app.inject({ method: 'DELETE', url: `${API}/registered-models/alias`, payload: { name: 'm', alias: 'champion' }, headers: admin })).statusCode, 200);
      assert.equal((await post('/experiments/delete', { experiment_id: exp })).statusCode, 200);

      // A deleted training experiment does not make registration (and so `start`) fail: it is restored.
      const registry = new Registry(managed.wh, lake);
      const training = await registry.client.getOrCreateExperiment('time2bet-training');
      assert.equal((await post('/experiments/delete', { experiment_id: training })).statusCode, 200);
      const t = trainedArtifact();
      const warned: string[] = [];
      const onWarning = (w: Error) => warned.push(w.message);
      process.on('warning', onWarning);
      try {
        await registry.register(t);
      } finally {
        process.off('warning', onWarning);
      }
      assert.equal((await registry.client.getExperiment(training)).lifecycle_stage, 'active');
      await new Promise((r) => setImmediate(r));
      assert.ok(warned.some((m) => /had been deleted; restored it/.test(m)), warned.join('; '));
    } finally {
      await app.close();
      await managed.dispose();
    }
  });
}

/** A minimal artifact: registration only serialises it (its content is not the point here). */
function trainedArtifact(): ModelArtifact {
  return {
    schema: ARTIFACT_SCHEMA,
    name: 'time2bet',
    kind: 'elo',
    hyper: {},
    leagues: {},
    teams: {},
    trainingData: { fingerprint: 'test', matches: 0 },
    features: { inputs: [], description: 'none' },
    metrics: {},
  };
}

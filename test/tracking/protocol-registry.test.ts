/**
 * MLflow REST protocol, registry half, driven only over HTTP: registered models, versions
 * (numbered per model, never reused), tags, aliases (`models:/name@alias`), legacy stages,
 * error codes. On PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { forEachEngine } from '../helpers/warehouses.ts';
import { mlflow, serverFor } from './http.ts';

const errorOf = (r: { status: number; json: any }) => [r.status, r.json?.error_code];

forEachEngine('registered models: create, get, search, update, rename, tags, delete', async (wh) => {
  const api = mlflow((await serverFor(wh)).url);
  const created = await api('POST', 'registered-models/create', { name: 'time2bet', description: 'football', tags: [{ key: 'team', value: 'models' }] });
  assert.equal(created.status, 200, created.text);
  const rm = created.json.registered_model;
  assert.deepEqual(Object.keys(rm).sort(), ['creation_timestamp', 'description', 'last_updated_timestamp', 'name', 'tags']);
  assert.equal(rm.name, 'time2bet');
  assert.deepEqual(rm.tags, [{ key: 'team', value: 'models' }]);
  const dup = await api('POST', 'registered-models/create', { name: 'time2bet' });
  assert.deepEqual(errorOf(dup), [400, 'RESOURCE_ALREADY_EXISTS']);
  assert.equal(dup.json.message, 'Registered Model (name=time2bet) already exists.');
  const missing = await api('GET', 'registered-models/get', { name: 'nope' });
  assert.deepEqual(errorOf(missing), [404, 'RESOURCE_DOES_NOT_EXIST']);
  assert.equal(missing.json.message, 'Registered Model with name=nope not found');
  assert.deepEqual(errorOf(await api('POST', 'registered-models/create', {})), [400, 'INVALID_PARAMETER_VALUE']);

  for (const n of ['alpha', 'beta']) await api('POST', 'registered-models/create', { name: n });
  const all = (await api('GET', 'registered-models/search', { max_results: 2 })).json;
  assert.deepEqual(all.registered_models.map((m: any) => m.name), ['alpha', 'beta']);
  assert.ok(all.next_page_token);
  const next = (await api('GET', 'registered-models/search', { max_results: 2, page_token: all.next_page_token })).json;
  assert.deepEqual(next.registered_models.map((m: any) => m.name), ['time2bet']);
  assert.deepEqual((await api('GET', 'registered-models/search', { filter: "name LIKE 'time%'" })).json.registered_models.map((m: any) => m.name), ['time2bet']);
  assert.deepEqual((await api('GET', 'registered-models/search', { filter: "tags.team = 'models'" })).json.registered_models.map((m: any) => m.name), ['time2bet']);
  assert.deepEqual((await api('GET', 'registered-models/search', { order_by: 'name DESC' })).json.registered_models.map((m: any) => m.name), ['time2bet', 'beta', 'alpha']);

  assert.equal((await api('PATCH', 'registered-models/update', { name: 'alpha', description: 'first' })).json.registered_model.description, 'first');
  await api('POST', 'registered-models/set-tag', { name: 'alpha', key: 'k', value: 'v' });
  await api('DELETE', 'registered-models/delete-tag', { name: 'alpha', key: 'team' });
  const renamed = await api('POST', 'registered-models/rename', { name: 'alpha', new_name: 'gamma' });
  assert.equal(renamed.json.registered_model.name, 'gamma');
  assert.deepEqual(renamed.json.registered_model.tags, [{ key: 'k', value: 'v' }]);
  assert.deepEqual(errorOf(await api('POST', 'registered-models/rename', { name: 'gamma', new_name: 'beta' })), [400, 'RESOURCE_ALREADY_EXISTS']);
  assert.equal((await api('DELETE', 'registered-models/delete', { name: 'gamma' })).status, 200);
  assert.deepEqual(errorOf(await api('GET', 'registered-models/get', { name: 'gamma' })), [404, 'RESOURCE_DOES_NOT_EXIST']);
});

forEachEngine('model versions: numbered per model and never reused, searchable, tagged, described, deleted', async (wh) => {
  const api = mlflow((await serverFor(wh)).url);
  const run = (await api('POST', 'runs/create', { experiment_id: '0' })).json.run.info;
  const noModel = await api('POST', 'model-versions/create', { name: 'ghost', source: 'mlflow-artifacts:/0/x/artifacts/model' });
  assert.deepEqual(errorOf(noModel), [404, 'RESOURCE_DOES_NOT_EXIST']);
  await api('POST', 'registered-models/create', { name: 'm' });
  assert.match((await api('POST', 'model-versions/create', { name: 'm' })).json.message, /Missing value for required parameter 'source'/);
  const source = `${run.artifact_uri}/model`;
  const v1 = (await api('POST', 'model-versions/create', { name: 'm', source, run_id: run.run_id, tags: [{ key: 'time2bet.kind', value: 'elo' }], description: 'first' })).json.model_version;
  assert.deepEqual(
    { ...v1, creation_timestamp: 0, last_updated_timestamp: 0 },
    { name: 'm', version: '1', creation_timestamp: 0, last_updated_timestamp: 0, current_stage: 'None', description: 'first', source, run_id: run.run_id, status: 'READY', tags: [{ key: 'time2bet.kind', value: 'elo' }] },
  );
  const v2 = (await api('POST', 'model-versions/create', { name: 'm', source: `${source}2` })).json.model_version;
  assert.equal(v2.version, '2');
  assert.equal((await api('DELETE', 'model-versions/delete', { name: 'm', version: '2' })).status, 200);
  const gone = await api('GET', 'model-versions/get', { name: 'm', version: '2' });
  assert.deepEqual(errorOf(gone), [404, 'RESOURCE_DOES_NOT_EXIST']);
  assert.equal(gone.json.message, 'Model Version (name=m, version=2) not found');
  assert.equal((await api('POST', 'model-versions/create', { name: 'm', source: `${source}3` })).json.model_version.version, '3', 'numbers are never reused');
  assert.deepEqual(errorOf(await api('GET', 'model-versions/get', { name: 'm', version: 'two' })), [400, 'INVALID_PARAMETER_VALUE']);

  await api('POST', 'model-versions/set-tag', { name: 'm', version: '1', key: 'validation', value: 'passed' });
  await api('PATCH', 'model-versions/update', { name: 'm', version: '1', description: 'the first' });
  const got = (await api('GET', 'model-versions/get', { name: 'm', version: '1' })).json.model_version;
  assert.equal(got.description, 'the first');
  assert.deepEqual(got.tags.map((t: any) => t.key), ['time2bet.kind', 'validation']);
  await api('DELETE', 'model-versions/delete-tag', { name: 'm', version: '1', key: 'validation' });
  assert.equal((await api('GET', 'model-versions/get', { name: 'm', version: '1' })).json.model_version.tags.length, 1);

  const search = async (params: Record<string, unknown>) => ((await api('GET', 'model-versions/search', params)).json.model_versions ?? []).map((v: any) => `${v.name}/${v.version}`);
  assert.deepEqual(await search({ filter: "name = 'm'" }), ['m/3', 'm/1']);
  assert.deepEqual(await search({ filter: `run_id = '${run.run_id}'` }), ['m/1']);
  assert.deepEqual(await search({ filter: `run_id IN ('${run.run_id}', 'other')` }), ['m/1']);
  assert.deepEqual(await search({ filter: "tags.`time2bet.kind` = 'elo'" }), ['m/1']);
  assert.deepEqual(await search({ filter: "name = 'm' and version_number > 1" }), ['m/3']);
  assert.deepEqual(await search({ filter: "name = 'm'", order_by: 'version_number ASC' }), ['m/1', 'm/3']);
  assert.deepEqual(errorOf(await api('GET', 'model-versions/search', { filter: "colour = 'red'" })), [400, 'INVALID_PARAMETER_VALUE']);
  assert.equal((await api('GET', 'model-versions/get-download-uri', { name: 'm', version: '1' })).json.artifact_uri, source);

  const latest = (await api('POST', 'registered-models/get-latest-versions', { name: 'm' })).json.model_versions;
  assert.deepEqual(latest.map((v: any) => v.version), ['3']);
  const staged = (await api('POST', 'model-versions/transition-stage', { name: 'm', version: '1', stage: 'production', archive_existing_versions: true })).json.model_version;
  assert.equal(staged.current_stage, 'Production');
  assert.deepEqual((await api('POST', 'registered-models/get-latest-versions', { name: 'm', stages: ['Production'] })).json.model_versions.map((v: any) => v.version), ['1']);
  assert.deepEqual(errorOf(await api('POST', 'model-versions/transition-stage', { name: 'm', version: '1', stage: 'Live' })), [400, 'INVALID_PARAMETER_VALUE']);
});

forEachEngine('aliases: set, move, resolve, list on the model, delete; reserved and unknown aliases', async (wh) => {
  const api = mlflow((await serverFor(wh)).url);
  await api('POST', 'registered-models/create', { name: 'time2bet' });
  for (let i = 1; i <= 3; i++) await api('POST', 'model-versions/create', { name: 'time2bet', source: `mlflow-artifacts:/0/r${i}/artifacts/model` });
  assert.equal((await api('POST', 'registered-models/alias', { name: 'time2bet', alias: 'champion', version: '1' })).status, 200);
  await api('POST', 'registered-models/alias', { name: 'time2bet', alias: 'challenger', version: '2' });
  const champ = (await api('GET', 'registered-models/alias', { name: 'time2bet', alias: 'champion' })).json.model_version;
  assert.equal(champ.version, '1');
  assert.deepEqual(champ.aliases, ['champion']);

  // Setting an existing alias moves it; a version can carry several aliases.
  await api('POST', 'registered-models/alias', { name: 'time2bet', alias: 'champion', version: '2' });
  const moved = (await api('GET', 'registered-models/alias', { name: 'time2bet', alias: 'champion' })).json.model_version;
  assert.equal(moved.version, '2');
  assert.deepEqual(moved.aliases, ['challenger', 'champion']);
  assert.equal((await api('GET', 'model-versions/get', { name: 'time2bet', version: '1' })).json.model_version.aliases, undefined);
  const rm = (await api('GET', 'registered-models/get', { name: 'time2bet' })).json.registered_model;
  assert.deepEqual(rm.aliases, [{ alias: 'challenger', version: '2' }, { alias: 'champion', version: '2' }]);
  assert.deepEqual(rm.latest_versions.map((v: any) => v.version), ['3']);

  await api('DELETE', 'registered-models/alias', { name: 'time2bet', alias: 'challenger' });
  const unknown = await api('GET', 'registered-models/alias', { name: 'time2bet', alias: 'challenger' });
  assert.deepEqual(errorOf(unknown), [400, 'INVALID_PARAMETER_VALUE']);
  assert.equal(unknown.json.message, 'Registered model alias challenger not found.');
  assert.deepEqual(errorOf(await api('POST', 'registered-models/alias', { name: 'time2bet', alias: 'champion', version: '9' })), [404, 'RESOURCE_DOES_NOT_EXIST']);
  assert.deepEqual(errorOf(await api('POST', 'registered-models/alias', { name: 'nope', alias: 'champion', version: '1' })), [404, 'RESOURCE_DOES_NOT_EXIST']);
  for (const bad of ['latest', 'v2', 'not ok']) {
    assert.deepEqual(errorOf(await api('POST', 'registered-models/alias', { name: 'time2bet', alias: bad, version: '1' })), [400, 'INVALID_PARAMETER_VALUE'], bad);
  }
  // Unlike MLflow, a version with an alias cannot be deleted (the server must stay startable on @champion).
  const refused = await api('DELETE', 'model-versions/delete', { name: 'time2bet', version: '2' });
  assert.deepEqual(errorOf(refused), [400, 'INVALID_STATE']);
  assert.match(refused.json.message, /move or delete alias @champion/);
  await api('DELETE', 'registered-models/alias', { name: 'time2bet', alias: 'champion' });
  assert.equal((await api('DELETE', 'model-versions/delete', { name: 'time2bet', version: '2' })).status, 200);
});

/**
 * MLflow REST protocol, tracking half, driven only over HTTP with MLflow's request and
 * response shapes: experiments, runs, logging, batch limits, search, metric history,
 * artifacts, error codes. On PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import { forEachEngine } from '../helpers/warehouses.ts';
import { call, mlflow, serverFor } from './http.ts';

const errorOf = (r: { status: number; json: any }) => [r.status, r.json?.error_code];

forEachEngine('experiments: create, get, get-by-name, search, rename, delete/restore, error codes', async (wh) => {
  const api = mlflow((await serverFor(wh)).url);
  const created = await api('POST', 'experiments/create', { name: 'exp-a', tags: [{ key: 'team', value: 'models' }] });
  assert.equal(created.status, 200, created.text);
  const id = created.json.experiment_id;
  assert.equal(typeof id, 'string');
  assert.deepEqual(errorOf(await api('POST', 'experiments/create', { name: 'exp-a' })), [400, 'RESOURCE_ALREADY_EXISTS']);
  const missingName = await api('POST', 'experiments/create', {});
  assert.deepEqual(errorOf(missingName), [400, 'INVALID_PARAMETER_VALUE']);
  assert.match(missingName.json.message, /Missing value for required parameter 'name'/);

  const got = (await api('GET', 'experiments/get', { experiment_id: id })).json.experiment;
  assert.deepEqual(Object.keys(got).sort(), ['artifact_location', 'creation_time', 'experiment_id', 'last_update_time', 'lifecycle_stage', 'name', 'tags']);
  assert.equal(got.artifact_location, `mlflow-artifacts:/${id}`);
  assert.equal(got.lifecycle_stage, 'active');
  assert.equal(typeof got.creation_time, 'number');
  assert.deepEqual(got.tags, [{ key: 'team', value: 'models' }]);
  assert.deepEqual((await api('GET', 'experiments/get-by-name', { experiment_name: 'exp-a' })).json.experiment, got);
  const nope = await api('GET', 'experiments/get-by-name', { experiment_name: 'nope' });
  assert.deepEqual(errorOf(nope), [404, 'RESOURCE_DOES_NOT_EXIST']);
  assert.equal(nope.json.message, "Could not find experiment with name 'nope'");
  assert.deepEqual(errorOf(await api('GET', 'experiments/get', { experiment_id: '99999' })), [404, 'RESOURCE_DOES_NOT_EXIST']);
  assert.equal((await api('GET', 'experiments/get', { experiment_id: '0' })).json.experiment.name, 'Default');

  for (const n of ['exp-b', 'exp-c', 'other']) await api('POST', 'experiments/create', { name: n });
  const like = await api('POST', 'experiments/search', { filter: "name LIKE 'exp-%'", order_by: ['name DESC'], max_results: 2 });
  assert.deepEqual(like.json.experiments.map((e: any) => e.name), ['exp-c', 'exp-b']);
  assert.ok(like.json.next_page_token);
  const page2 = await api('POST', 'experiments/search', { filter: "name LIKE 'exp-%'", order_by: ['name DESC'], max_results: 2, page_token: like.json.next_page_token });
  assert.deepEqual(page2.json.experiments.map((e: any) => e.name), ['exp-a']);
  assert.equal(page2.json.next_page_token, undefined);
  const byTag = await api('GET', 'experiments/search', { filter: "tags.team = 'models'" });
  assert.deepEqual(byTag.json.experiments.map((e: any) => e.name), ['exp-a']);

  assert.equal((await api('POST', 'experiments/update', { experiment_id: id, new_name: 'exp-renamed' })).status, 200);
  assert.equal((await api('POST', 'experiments/delete', { experiment_id: id })).status, 200);
  const deleted = await api('POST', 'experiments/search', { view_type: 'DELETED_ONLY' });
  assert.deepEqual(deleted.json.experiments.map((e: any) => [e.name, e.lifecycle_stage]), [['exp-renamed', 'deleted']]);
  assert.deepEqual(errorOf(await api('POST', 'runs/create', { experiment_id: id })), [400, 'INVALID_STATE']);
  await api('POST', 'experiments/restore', { experiment_id: id });
  assert.equal((await api('GET', 'experiments/get', { experiment_id: id })).json.experiment.lifecycle_stage, 'active');
});

forEachEngine('runs: create, log, get, update; params are immutable; tags overwrite; deleted runs refuse logging', async (wh) => {
  const api = mlflow((await serverFor(wh)).url);
  const exp = (await api('POST', 'experiments/create', { name: 'runs' })).json.experiment_id;
  const created = await api('POST', 'runs/create', { experiment_id: exp, run_name: 'first', start_time: 1700000000000, tags: [{ key: 'source', value: 'test' }] });
  assert.equal(created.status, 200, created.text);
  const info = created.json.run.info;
  assert.equal(info.run_id, info.run_uuid);
  assert.match(info.run_id, /^[0-9a-f]{32}$/);
  assert.deepEqual(
    { ...info, run_id: 'x', run_uuid: 'x' },
    { run_id: 'x', run_uuid: 'x', run_name: 'first', experiment_id: exp, user_id: '', status: 'RUNNING', start_time: 1700000000000, artifact_uri: `mlflow-artifacts:/${exp}/${info.run_id}/artifacts`, lifecycle_stage: 'active' },
  );
  assert.deepEqual(created.json.run.data.tags, [{ key: 'mlflow.runName', value: 'first' }, { key: 'source', value: 'test' }]);
  const run_id = info.run_id;

  for (const [step, value] of [[0, 0.25], [1, 0.21], [2, 0.2]] as const) {
    assert.equal((await api('POST', 'runs/log-metric', { run_id, key: 'rps', value, timestamp: 1700000000100 + step, step })).status, 200);
  }
  assert.equal((await api('POST', 'runs/log-parameter', { run_id, key: 'model', value: 'dixon-coles' })).status, 200);
  assert.equal((await api('POST', 'runs/log-parameter', { run_id, key: 'model', value: 'dixon-coles' })).status, 200, 'same value again is fine');
  const changed = await api('POST', 'runs/log-parameter', { run_id, key: 'model', value: 'elo' });
  assert.deepEqual(errorOf(changed), [400, 'INVALID_PARAMETER_VALUE']);
  assert.match(changed.json.message, /^Changing param values is not allowed. Param with key='model' was already logged with value='dixon-coles'/);
  await api('POST', 'runs/set-tag', { run_id, key: 'stage', value: 'a' });
  await api('POST', 'runs/set-tag', { run_id, key: 'stage', value: 'b' });
  const badName = await api('POST', 'runs/log-metric', { run_id, key: 'bad!', value: 1, timestamp: 1 });
  assert.match(badName.json.message, /Invalid metric name: 'bad!'/);
  assert.deepEqual(errorOf(await api('POST', 'runs/log-metric', { run_id, key: 'x', value: 'abc', timestamp: 1 })), [400, 'INVALID_PARAMETER_VALUE']);
  const noTs = await api('POST', 'runs/log-metric', { run_id, key: 'x', value: 1 });
  assert.match(noTs.json.message, /Missing value for required parameter 'timestamp'/);

  const got = (await api('GET', 'runs/get', { run_id })).json.run;
  assert.deepEqual(got.data.metrics, [{ key: 'rps', value: 0.2, timestamp: 1700000000102, step: 2 }], 'the latest value (highest step)');
  assert.deepEqual(got.data.params, [{ key: 'model', value: 'dixon-coles' }]);
  assert.deepEqual(got.data.tags.find((t: any) => t.key === 'stage'), { key: 'stage', value: 'b' });
  assert.deepEqual(got.inputs, {});

  const updated = await api('POST', 'runs/update', { run_id, status: 'FINISHED', end_time: 1700000009999, run_name: 'renamed' });
  assert.deepEqual([updated.json.run_info.status, updated.json.run_info.end_time, updated.json.run_info.run_name], ['FINISHED', 1700000009999, 'renamed']);
  assert.deepEqual(errorOf(await api('POST', 'runs/update', { run_id, status: 'DONE' })), [400, 'INVALID_PARAMETER_VALUE']);

  const missing = await api('GET', 'runs/get', { run_id: 'f'.repeat(32) });
  assert.deepEqual(errorOf(missing), [404, 'RESOURCE_DOES_NOT_EXIST']);
  assert.equal(missing.json.message, `Run with id=${'f'.repeat(32)} not found`);
  assert.deepEqual(errorOf(await api('GET', 'runs/get', {})), [400, 'INVALID_PARAMETER_VALUE']);

  await api('POST', 'runs/delete', { run_id });
  assert.deepEqual(errorOf(await api('POST', 'runs/log-metric', { run_id, key: 'rps', value: 1, timestamp: 1 })), [400, 'INVALID_STATE']);
  await api('POST', 'runs/restore', { run_id });
  assert.equal((await api('POST', 'runs/log-metric', { run_id, key: 'rps', value: 1, timestamp: 1, step: 3 })).status, 200);
});

forEachEngine('log-batch: MLflow limits (1000 metrics, 100 params, 100 tags, 1000 in all, 1 MB), atomic, idempotent params', async (wh) => {
  const api = mlflow((await serverFor(wh)).url);
  const run_id = (await api('POST', 'runs/create', { experiment_id: '0' })).json.run.info.run_id;
  const metrics = (n: number, key = 'm') => Array.from({ length: n }, (_, i) => ({ key, value: i / 10, timestamp: 1000 + i, step: i }));
  const kv = (n: number, p = 'k') => Array.from({ length: n }, (_, i) => ({ key: `${p}${i}`, value: String(i) }));

  const tooMany = await api('POST', 'runs/log-batch', { run_id, metrics: metrics(1001) });
  assert.deepEqual(errorOf(tooMany), [400, 'INVALID_PARAMETER_VALUE']);
  assert.match(tooMany.json.message, /A batch logging request can contain at most 1000 metrics. Got 1001 metrics/);
  assert.match((await api('POST', 'runs/log-batch', { run_id, params: kv(101) })).json.message, /at most 100 params/);
  assert.match((await api('POST', 'runs/log-batch', { run_id, tags: kv(101) })).json.message, /at most 100 tags/);
  assert.match((await api('POST', 'runs/log-batch', { run_id, metrics: metrics(900), params: kv(100), tags: kv(1) })).json.message, /at most 1000 metrics, params, and tags/);
  const huge = await api('POST', 'runs/log-batch', { run_id, tags: [{ key: 't', value: 'x'.repeat(1_000_001) }] });
  assert.deepEqual(errorOf(huge), [400, 'INVALID_PARAMETER_VALUE']);
  assert.match(huge.json.message, /Batched logging API requests must be at most 1000000 bytes/);
  const dup = await api('POST', 'runs/log-batch', { run_id, params: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] });
  assert.match(dup.json.message, /Duplicate parameter keys have been submitted: \['a'\]/);
  const noTs = await api('POST', 'runs/log-batch', { run_id, metrics: [{ key: 'm', value: 1 }] });
  assert.match(noTs.json.message, /Missing value for required parameter 'metrics\[0\]\.timestamp'/);

  const ok = await api('POST', 'runs/log-batch', { run_id, metrics: metrics(999), params: [{ key: 'p', value: '1' }] });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, {});
  assert.equal((await api('POST', 'runs/log-batch', { run_id, params: kv(100), tags: kv(100, 't') })).status, 200);
  // A batch whose param conflicts writes nothing at all.
  const conflict = await api('POST', 'runs/log-batch', { run_id, metrics: metrics(5, 'atomic'), params: [{ key: 'p', value: '2' }] });
  assert.deepEqual(errorOf(conflict), [400, 'INVALID_PARAMETER_VALUE']);
  assert.equal((await api('GET', 'metrics/get-history', { run_id, metric_key: 'atomic' })).json.metrics, undefined);
  assert.equal((await api('POST', 'runs/log-batch', { run_id, params: [{ key: 'p', value: '1' }] })).status, 200, 'the same value again is fine');
  const run = (await api('GET', 'runs/get', { run_id })).json.run;
  assert.equal(run.data.params.length, 101);
  assert.equal(run.data.tags.length, 101, '100 tags + mlflow.runName');
});

forEachEngine('metric history: every point with step and timestamp, NaN and infinities, pages', async (wh) => {
  const api = mlflow((await serverFor(wh)).url);
  const run_id = (await api('POST', 'runs/create', { experiment_id: '0', run_name: 'history' })).json.run.info.run_id;
  await api('POST', 'runs/log-batch', { run_id, metrics: Array.from({ length: 30 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), timestamp: 5000 + i, step: i })) });
  await api('POST', 'runs/log-metric', { run_id, key: 'odd', value: 'NaN', timestamp: 1, step: 0 });
  await api('POST', 'runs/log-metric', { run_id, key: 'odd', value: 'Infinity', timestamp: 2, step: 1 });
  await api('POST', 'runs/log-metric', { run_id, key: 'odd', value: 'Infinity', timestamp: 2, step: 1 }); // an exact repeat is stored once
  const all = (await api('GET', 'metrics/get-history', { run_id, metric_key: 'loss' })).json;
  assert.equal(all.metrics.length, 30);
  assert.deepEqual(all.metrics[3], { key: 'loss', value: 0.25, timestamp: 5003, step: 3 });
  const odd = (await api('GET', 'metrics/get-history', { run_id, metric_key: 'odd' })).json.metrics;
  assert.deepEqual(odd.map((m: any) => m.value), ['NaN', 'Infinity']);
  const p1 = (await api('GET', 'metrics/get-history', { run_id, metric_key: 'loss', max_results: 20 })).json;
  assert.equal(p1.metrics.length, 20);
  const p2 = (await api('GET', 'metrics/get-history', { run_id, metric_key: 'loss', max_results: 20, page_token: p1.next_page_token })).json;
  assert.equal(p2.metrics.length, 10);
  assert.equal(p2.next_page_token, undefined);
  const other = (await api('POST', 'runs/create', { experiment_id: '0' })).json.run.info.run_id;
  await api('POST', 'runs/log-metric', { run_id: other, key: 'loss', value: 9, timestamp: 1 });
  const bulk = await call((await serverFor(wh)).url, 'GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk', { run_id: [run_id, other], metric_key: 'loss' });
  assert.equal(bulk.json.metrics.length, 31);
  assert.ok(bulk.json.metrics.every((m: any) => m.run_id === run_id || m.run_id === other));
  assert.deepEqual(errorOf(await api('GET', 'metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'loss' })), [404, 'RESOURCE_DOES_NOT_EXIST']);
});

forEachEngine('runs/search: the filter DSL over metrics, params, tags and attributes; order_by with missing values last; pages', async (wh) => {
  const api = mlflow((await serverFor(wh)).url);
  const exp = (await api('POST', 'experiments/create', { name: 'search' })).json.experiment_id;
  const rows = [
    { name: 'dc-1', model: 'dixon-coles', rps: 0.198, status: 'FINISHED' },
    { name: 'dc-2', model: 'dixon-coles', rps: 0.205, status: 'FAILED' },
    { name: 'elo-1', model: 'elo', rps: 0.201, status: 'FINISHED' },
    { name: 'bare', model: 'elo', rps: undefined, status: 'RUNNING' },
  ];
  for (const [i, r] of rows.entries()) {
    const id = (await api('POST', 'runs/create', { experiment_id: exp, run_name: r.name, start_time: 1000 + i })).json.run.info.run_id;
    await api('POST', 'runs/log-batch', {
      run_id: id,
      params: [{ key: 'model', value: r.model }],
      tags: [{ key: 'league', value: i % 2 ? 'E0' : 'D1' }],
      metrics: r.rps === undefined ? [] : [{ key: 'rps', value: 0.3, timestamp: 1, step: 0 }, { key: 'rps', value: r.rps, timestamp: 2, step: 1 }],
    });
    if (r.status !== 'RUNNING') await api('POST', 'runs/update', { run_id: id, status: r.status, end_time: 2000 + i });
  }
  const names = async (body: Record<string, unknown>) => {
    const r = await api('POST', 'runs/search', { experiment_ids: [exp], ...body });
    assert.equal(r.status, 200, r.text);
    return (r.json.runs ?? []).map((x: any) => x.info.run_name);
  };
  assert.deepEqual(await names({}), ['bare', 'elo-1', 'dc-2', 'dc-1'], 'newest first by default');
  assert.deepEqual(await names({ filter: 'metrics.rps < 0.2' }), ['dc-1'], 'compares the latest value');
  assert.deepEqual(await names({ filter: "metrics.rps <= 0.205 and params.model = 'dixon-coles'", order_by: ['metrics.rps DESC'] }), ['dc-2', 'dc-1']);
  assert.deepEqual(await names({ filter: "params.model != 'elo'", order_by: ['attributes.run_name'] }), ['dc-1', 'dc-2']);
  assert.deepEqual(await names({ filter: "tags.league = 'E0' and attributes.status = 'FINISHED'" }), []);
  assert.deepEqual(await names({ filter: "tags.league LIKE 'E%'", order_by: ['start_time ASC'] }), ['dc-2', 'bare']);
  assert.deepEqual(await names({ filter: "attributes.run_name ILIKE 'DC-%' and attributes.end_time > 2000" }), ['dc-2']);
  assert.deepEqual(await names({ order_by: ['metrics.rps ASC'] }), ['dc-1', 'elo-1', 'dc-2', 'bare'], 'a run without the metric comes last');
  assert.deepEqual(await names({ order_by: ['metrics.rps DESC'] }), ['dc-2', 'elo-1', 'dc-1', 'bare']);
  const first = await api('POST', 'runs/search', { experiment_ids: [exp], max_results: 3, order_by: ['params.model ASC', 'attributes.run_name ASC'] });
  assert.deepEqual(first.json.runs.map((x: any) => x.info.run_name), ['dc-1', 'dc-2', 'bare']);
  const rest = await api('POST', 'runs/search', { experiment_ids: [exp], max_results: 3, order_by: ['params.model ASC', 'attributes.run_name ASC'], page_token: first.json.next_page_token });
  assert.deepEqual(rest.json.runs.map((x: any) => x.info.run_name), ['elo-1']);
  const row = first.json.runs[0];
  assert.deepEqual(row.data.params, [{ key: 'model', value: 'dixon-coles' }], 'the runs table has params and metrics');
  assert.deepEqual(row.data.metrics.map((m: any) => [m.key, m.value]), [['rps', 0.198]]);
  for (const bad of ["metrics.rps < 'x'", "params.model > 'a'", 'nonsense.rps < 1', "metrics.rps < 1 OR params.a = 'b'", 'attributes.color = 1']) {
    const r = await api('POST', 'runs/search', { experiment_ids: [exp], filter: bad });
    assert.deepEqual(errorOf(r), [400, 'INVALID_PARAMETER_VALUE'], bad);
  }
  assert.deepEqual(errorOf(await api('POST', 'runs/search', { experiment_ids: [exp], max_results: 50001 })), [400, 'INVALID_PARAMETER_VALUE']);
  const dc1 = (await api('POST', 'runs/search', { experiment_ids: [exp], filter: "attributes.run_name = 'dc-1'" })).json.runs[0].info.run_id;
  await api('POST', 'runs/delete', { run_id: dc1 });
  assert.deepEqual(await names({ run_view_type: 'DELETED_ONLY' }), ['dc-1']);
  assert.equal((await names({ run_view_type: 'ALL' })).length, 4);
  assert.equal((await names({})).length, 3);
});

forEachEngine('artifacts: upload and download through mlflow-artifacts, list through artifacts/list, delete; unsafe paths refused', async (wh) => {
  const { url } = await serverFor(wh);
  const api = mlflow(url);
  const run = (await api('POST', 'runs/create', { experiment_id: '0' })).json.run.info;
  const root = run.artifact_uri.replace('mlflow-artifacts:/', '');
  const put = (p: string, body: string, type = 'application/json') => fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/${p}`, { method: 'PUT', body, headers: { 'content-type': type } });
  assert.equal((await put('model/model.json', '{"kind":"elo"}')).status, 200);
  assert.equal((await put('model/notes.txt', 'hello', 'text/plain')).status, 200);
  assert.equal((await put('plot.bin', 'xyz', 'application/octet-stream')).status, 200);

  const top = (await api('GET', 'artifacts/list', { run_id: run.run_id })).json;
  assert.equal(top.root_uri, run.artifact_uri);
  assert.deepEqual(top.files, [{ path: 'model', is_dir: true }, { path: 'plot.bin', is_dir: false, file_size: 3 }]);
  const inside = (await api('GET', 'artifacts/list', { run_id: run.run_id, path: 'model' })).json.files;
  assert.deepEqual(inside, [{ path: 'model/model.json', is_dir: false, file_size: 14 }, { path: 'model/notes.txt', is_dir: false, file_size: 5 }]);
  const proxied = await call(url, 'GET', '/api/2.0/mlflow-artifacts/artifacts', { path: `${root}/model` });
  assert.deepEqual(proxied.json.files.map((f: any) => f.path), ['model.json', 'notes.txt']);

  const dl = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/model/model.json`);
  assert.equal(dl.status, 200);
  assert.equal(await dl.text(), '{"kind":"elo"}');
  assert.match(dl.headers.get('content-disposition') ?? '', /attachment; filename=model.json/);
  const gone = await call(url, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${root}/nothing.json`);
  assert.deepEqual(errorOf(gone), [404, 'RESOURCE_DOES_NOT_EXIST']);
  assert.deepEqual(errorOf(await api('GET', 'artifacts/list', { run_id: run.run_id, path: '../other' })), [400, 'INVALID_PARAMETER_VALUE']);
  assert.deepEqual(errorOf(await call(url, 'GET', '/api/2.0/mlflow-artifacts/artifacts', { path: '0/../../etc' })), [400, 'INVALID_PARAMETER_VALUE']);
  assert.equal((await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${root}/model/notes.txt`, { method: 'DELETE' })).status, 200);
  assert.deepEqual((await api('GET', 'artifacts/list', { run_id: run.run_id, path: 'model' })).json.files.map((f: any) => f.path), ['model/model.json']);
  assert.deepEqual(errorOf(await call(url, 'POST', `/api/2.0/mlflow-artifacts/mpu/create/${root}/big.bin`, {})), [501, 'NOT_IMPLEMENTED']);
});

forEachEngine('protocol edges: unknown endpoints, malformed JSON, the ajax-api prefix, run_uuid', async (wh) => {
  const { url } = await serverFor(wh);
  const api = mlflow(url);
  assert.deepEqual(errorOf(await api('GET', 'no/such/endpoint')), [404, 'ENDPOINT_NOT_FOUND']);
  assert.deepEqual(errorOf(await api('POST', 'runs/create', '{not json')), [400, 'INVALID_PARAMETER_VALUE']);
  const viaAjax = await call(url, 'POST', '/ajax-api/2.0/mlflow/runs/create', { experiment_id: '0' });
  assert.equal(viaAjax.status, 200);
  const byUuid = await api('GET', 'runs/get', { run_uuid: viaAjax.json.run.info.run_id });
  assert.equal(byUuid.json.run.info.run_id, viaAjax.json.run.info.run_id);
  assert.equal((await call(url, 'GET', '/health')).text, 'OK');
});

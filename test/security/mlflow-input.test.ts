/**
 * Issue 13 item 4: hostile MLflow inputs get INVALID_PARAMETER_VALUE (400) naming the field;
 * an unexpected error answers a generic 500 with the request id and nothing internal.
 */
import assert from 'node:assert/strict';
import { forEachEngine } from '../helpers/warehouses.ts';
import { securedApp } from './fixtures.ts';

const token = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');

forEachEngine('MLflow routes: NUL bytes, non-finite numbers, huge offsets and bad page tokens are INVALID_PARAMETER_VALUE', async (wh) => {
  const { app } = await securedApp(wh);
  try {
    const post = (route: string, payload: unknown) =>
      app.inject({ method: 'POST', url: `/api/2.0/mlflow/${route}`, headers: { 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
    const exp = (await post('experiments/create', { name: 'input-guard' })).json().experiment_id as string;
    const run = (await post('runs/create', { experiment_id: exp, start_time: 1 })).json().run.info.run_id as string;
    const cases: [string, string, unknown, RegExp][] = [
      ['NUL in filter', 'runs/search', { experiment_ids: [exp], filter: "params.a = 'x\u0000'" }, /filter/],
      ['NUL in experiment name', 'experiments/create', { name: 'a\u0000b' }, /name/],
      ['NUL in run name', 'runs/create', { experiment_id: exp, run_name: 'r\u0000' }, /run_name/],
      ['NUL in tag key', 'runs/set-tag', { run_id: run, key: 'k\u0000', value: 'v' }, /key/],
      ['NUL in tag value', 'runs/set-tag', { run_id: run, key: 'k', value: 'v\u0000' }, /value/],
      ['NUL in param of a batch', 'runs/log-batch', { run_id: run, params: [{ key: 'p', value: '\u0000' }] }, /params\[0\]\.value/],
      ['NUL in a field name', 'experiments/create', { name: 'x', ['t\u0000']: 1 }, /t\\u0000/],
      ['1e999 in a filter', 'runs/search', { experiment_ids: [exp], filter: 'metrics.rps < 1e999' }, /not finite/],
      ['max_results 1e999', 'runs/search', `{"experiment_ids":["${exp}"],"max_results":1e999}`, /max_results/],
      ['max_results huge', 'runs/search', { experiment_ids: [exp], max_results: 1e20 }, /max_results/],
      ['max_results fractional', 'runs/search', { experiment_ids: [exp], max_results: 1.5 }, /max_results/],
      ['offset 1e99', 'runs/search', { experiment_ids: [exp], page_token: token({ offset: 1e99 }) }, /page_token/],
      ['offset negative', 'experiments/search', { page_token: token({ offset: -1 }) }, /page_token/],
      ['offset non-integer', 'runs/search', { experiment_ids: [exp], page_token: token({ offset: 2.5 }) }, /page_token/],
      ['offset string 1e99', 'runs/search', { experiment_ids: [exp], page_token: token({ offset: '1e99' }) }, /page_token/],
      ['garbage base64', 'runs/search', { experiment_ids: [exp], page_token: '%%%not-base64%%%' }, /page_token/],
      ['base64 of garbage', 'registered-models/search', { page_token: Buffer.from('\u0001\u0002garbage').toString('base64') }, /page_token/],
      ['deep nesting', 'experiments/create', JSON.parse('['.repeat(200) + ']'.repeat(200)), /nested/],
    ];
    for (const [what, route, body, field] of cases) {
      const r = route === 'registered-models/search' ? await app.inject({ method: 'GET', url: `/api/2.0/mlflow/${route}`, query: body as Record<string, string> }) : await post(route, body);
      assert.equal(r.statusCode, 400, `${what}: ${r.body}`);
      assert.equal(r.json().error_code, 'INVALID_PARAMETER_VALUE', what);
      assert.match(r.json().message, field, what);
    }
    // NUL in a query string (GET) and in a path parameter.
    const q = await app.inject({ method: 'GET', url: '/api/2.0/mlflow/experiments/get-by-name?experiment_name=a%00b' });
    assert.equal(q.statusCode, 400, q.body);
    assert.match(q.json().message, /experiment_name/);
    // Metric values may be NaN or infinite, as in MLflow.
    const m = await post('runs/log-metric', { run_id: run, key: 'm', value: 'Infinity', timestamp: 1, step: 0 });
    assert.equal(m.statusCode, 200, m.body);
    const n = await post('runs/log-metric', { run_id: run, key: 'n', value: 'NaN', timestamp: 1, step: 0 });
    assert.equal(n.statusCode, 200, n.body);
  } finally {
    await app.close();
  }
});

forEachEngine('an unexpected error answers a generic 500 with the request id; details only in the log', async (wh) => {
  const { app } = await securedApp(wh);
  const lines: string[] = [];
  try {
    // A store failure the routes do not expect: the database refuses a query.
    const original = wh.db.selectFrom.bind(wh.db);
    (wh.db as { selectFrom: unknown }).selectFrom = () => {
      throw Object.assign(new Error('relation "tracking_experiments" does not exist at SELECT * FROM secret'), { code: '42P01' });
    };
    app.log.error = ((o: unknown) => void lines.push(JSON.stringify(o, (_k, v) => (v instanceof Error ? v.message : v)))) as typeof app.log.error;
    let r;
    try {
      r = await app.inject({ method: 'GET', url: '/api/2.0/mlflow/experiments/get?experiment_id=0' });
    } finally {
      (wh.db as { selectFrom: unknown }).selectFrom = original;
    }
    assert.equal(r.statusCode, 500, r.body);
    const body = r.json();
    assert.equal(body.error_code, 'INTERNAL_ERROR');
    assert.match(body.message, /^Internal error \(request id [\w-]+\)$/);
    assert.doesNotMatch(r.body, /SELECT|relation|secret|at /);
  } finally {
    await app.close();
  }
});

/** The tracking half of MLflow's REST API: experiments, runs, logging, metric history, artifact listing. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter, notFound } from '../errors.ts';
import { decodePageToken, encodePageToken } from '../filter.ts';
import { LIMITS, validateBatchSize, type MetricInput } from '../validation.ts';
import * as experiments from '../store/experiments.ts';
import * as runs from '../store/runs.ts';
import { searchRuns } from '../store/run-search.ts';
import { listRunArtifacts } from '../store/artifacts.ts';
import { missing, mistyped, Params, toDouble, toInt } from './request.ts';
import type { ServerContext } from './context.ts';

/** Body size in bytes as the JSON parser saw it (for log-batch's 1 MB limit). */
export const BODY_BYTES = Symbol('mlflowBodyBytes');

function batchMetrics(list: unknown[]): MetricInput[] {
  return list.map((e, i) => {
    const m = (e ?? {}) as Record<string, unknown>;
    const at = (f: string) => `metrics[${i}].${f}`;
    if (m.key === undefined || m.key === null || m.key === '') throw missing(at('key'));
    if (typeof m.key !== 'string') throw mistyped(at('key'), m.key);
    if (m.value === undefined || m.value === null || m.value === '') throw missing(at('value'));
    if (m.timestamp === undefined || m.timestamp === null || m.timestamp === '') throw missing(at('timestamp'));
    const value = toDouble(m.value);
    if (value === undefined) throw mistyped(at('value'), m.value);
    const timestamp = toInt(m.timestamp);
    if (timestamp === undefined) throw mistyped(at('timestamp'), m.timestamp);
    const step = m.step === undefined || m.step === null ? 0 : toInt(m.step);
    if (step === undefined) throw mistyped(at('step'), m.step);
    return { key: m.key, value, timestamp, step };
  });
}

export function trackingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { db, lake } = ctx;
  const p = (req: FastifyRequest) => Params.of(req);

  // Experiments
  app.post('/experiments/create', async (req) => {
    const q = p(req);
    const id = await experiments.createExperiment(db, { name: q.need('name'), artifact_location: q.string('artifact_location'), tags: q.keyValues('tags') }, ctx.now());
    return { experiment_id: id };
  });
  app.get('/experiments/get', async (req) => ({ experiment: await experiments.getExperiment(db, p(req).need('experiment_id')) }));
  app.get('/experiments/get-by-name', async (req) => {
    const name = p(req).need('experiment_name');
    const e = await experiments.getExperimentByName(db, name);
    if (!e) throw notFound(`Could not find experiment with name '${name}'`);
    return { experiment: e };
  });
  const searchExperiments = async (req: FastifyRequest) => {
    const q = p(req);
    return experiments.searchExperiments(db, {
      view_type: q.viewType('view_type'),
      max_results: q.int('max_results'),
      filter: q.string('filter'),
      order_by: q.strings('order_by'),
      page_token: q.string('page_token'),
    });
  };
  app.post('/experiments/search', searchExperiments);
  app.get('/experiments/search', searchExperiments);
  app.post('/experiments/delete', async (req) => (await experiments.setExperimentLifecycle(db, p(req).need('experiment_id'), 'deleted', ctx.now()), {}));
  app.post('/experiments/restore', async (req) => (await experiments.setExperimentLifecycle(db, p(req).need('experiment_id'), 'active', ctx.now()), {}));
  app.post('/experiments/update', async (req) => {
    const q = p(req);
    await experiments.renameExperiment(db, q.need('experiment_id'), q.need('new_name'), ctx.now());
    return {};
  });
  app.post('/experiments/set-experiment-tag', async (req) => {
    const q = p(req);
    await experiments.setExperimentTag(db, q.need('experiment_id'), q.need('key'), q.string('value') ?? '');
    return {};
  });
  app.post('/experiments/delete-experiment-tag', async (req) => {
    const q = p(req);
    await experiments.deleteExperimentTag(db, q.need('experiment_id'), q.need('key'));
    return {};
  });

  // Runs
  app.post('/runs/create', async (req) => {
    const q = p(req);
    const run = await runs.createRun(
      db,
      { experiment_id: q.string('experiment_id'), user_id: q.string('user_id'), run_name: q.string('run_name'), start_time: q.int('start_time'), tags: q.keyValues('tags') },
      ctx.now(),
    );
    return { run };
  });
  app.post('/runs/update', async (req) => {
    const q = p(req);
    const info = await runs.updateRun(db, q.runId(), { status: q.string('status'), end_time: q.int('end_time'), run_name: q.string('run_name') });
    return { run_info: info };
  });
  app.post('/runs/delete', async (req) => (await runs.setRunLifecycle(db, p(req).runId(), 'deleted'), {}));
  app.post('/runs/restore', async (req) => (await runs.setRunLifecycle(db, p(req).runId(), 'active'), {}));
  app.get('/runs/get', async (req) => ({ run: await runs.getRun(db, p(req).runId()) }));
  const search = async (req: FastifyRequest) => {
    const q = p(req);
    return searchRuns(db, {
      experiment_ids: q.strings('experiment_ids'),
      filter: q.string('filter'),
      run_view_type: q.viewType('run_view_type'),
      max_results: q.int('max_results'),
      order_by: q.strings('order_by'),
      page_token: q.string('page_token'),
    });
  };
  app.post('/runs/search', search);
  app.get('/runs/search', search);
  app.post('/runs/log-metric', async (req) => {
    const q = p(req);
    const runId = q.runId();
    const metric = { key: q.need('key'), value: q.double('value', true)!, timestamp: q.int('timestamp', true)!, step: q.int('step') ?? 0 };
    await runs.logBatch(db, runId, { metrics: [metric] });
    return {};
  });
  app.post('/runs/log-parameter', async (req) => {
    const q = p(req);
    await runs.logBatch(db, q.runId(), { params: [{ key: q.need('key'), value: q.string('value') ?? '' }] });
    return {};
  });
  app.post('/runs/set-tag', async (req) => {
    const q = p(req);
    await runs.logBatch(db, q.runId(), { tags: [{ key: q.need('key'), value: q.string('value') ?? '' }] });
    return {};
  });
  app.post('/runs/delete-tag', async (req) => {
    const q = p(req);
    await runs.deleteTag(db, q.runId(), q.need('key'));
    return {};
  });
  app.post('/runs/log-batch', async (req) => {
    validateBatchSize((req as unknown as Record<symbol, number>)[BODY_BYTES] ?? 0);
    const q = p(req);
    const runId = q.runId();
    await runs.logBatch(db, runId, { metrics: batchMetrics(q.list('metrics')), params: q.keyValues('params'), tags: q.keyValues('tags') });
    return {};
  });

  // Metric history (one run; several runs for the compare view)
  app.get('/metrics/get-history', async (req) => {
    const q = p(req);
    const runId = q.runId();
    const limit = q.int('max_results');
    const offset = decodePageToken(q.string('page_token'));
    const h = await runs.metricHistory(db, runId, q.need('metric_key'), { offset, limit });
    return { ...(h.metrics.length ? { metrics: h.metrics } : {}), ...(h.more ? { next_page_token: encodePageToken(offset + limit!) } : {}) };
  });
  app.get('/metrics/get-history-bulk', async (req) => {
    const q = p(req);
    const ids = q.strings('run_id');
    if (ids.length === 0) throw invalidParameter('GetMetricHistoryBulk request must specify at least one run_id.');
    if (ids.length > 100) throw invalidParameter(`GetMetricHistoryBulk request cannot specify more than 100 run_ids. Received ${ids.length} run_ids.`);
    const key = q.string('metric_key');
    if (key === undefined) throw invalidParameter('GetMetricHistoryBulk request must specify a metric_key.');
    const limit = Math.min(q.int('max_results') ?? LIMITS.metricHistoryPage, LIMITS.metricHistoryPage);
    return { metrics: await runs.metricHistoryBulk(db, ids, key, limit) };
  });

  app.get('/artifacts/list', async (req) => {
    const q = p(req);
    const run = await runs.getRun(db, q.runId());
    return listRunArtifacts(lake, run.info.artifact_uri, q.string('path'));
  });
}

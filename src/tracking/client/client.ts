/**
 * The tracking client the training code uses. It speaks MLflow's REST API only, so it works the
 * same against the built-in server (in process or in another process) and any MLflow server.
 * Batches are split to MLflow's limits; paged answers are followed to the end.
 */
import { MlflowError } from '../errors.ts';
import { LIMITS, type MetricInput } from '../validation.ts';
import type { ExperimentJson } from '../store/experiments.ts';
import type { MetricJson, RunInfoJson, RunJson } from '../store/runs.ts';
import type { ModelVersionJson } from '../store/model-versions.ts';
import type { RegisteredModelJson } from '../store/registered-models.ts';
import type { FileInfoJson } from '../store/artifacts.ts';
import { httpTransport, type Method, type Transport } from './transport.ts';

export type { ExperimentJson, MetricJson, RunInfoJson, RunJson, ModelVersionJson, RegisteredModelJson, FileInfoJson };
type KV = { key: string; value: string };

const API = '/api/2.0/mlflow';
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

/** `{a: 'b'}` → `[{key: 'a', value: 'b'}]` */
export const toKeyValues = (o: Record<string, string> = {}): KV[] => Object.entries(o).map(([key, value]) => ({ key, value }));
/** `[{key, value}]` (possibly absent, as MLflow omits empty lists) → `{key: value}` */
export const fromKeyValues = (l: readonly KV[] | undefined): Record<string, string> => Object.fromEntries((l ?? []).map((t) => [t.key, t.value]));

function encodePath(p: string): string {
  return p.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

export class TrackingClient {
  constructor(
    readonly transport: Transport,
    private readonly now: () => number = Date.now,
  ) {}

  static http(uri: string): TrackingClient {
    return new TrackingClient(httpTransport(uri));
  }

  /** One REST call; errors come back as MlflowError with MLflow's error code. */
  async call<T>(method: Method, endpoint: string, params: Record<string, unknown> = {}): Promise<T> {
    const path = `${API}/${endpoint}`;
    const res =
      method === 'GET'
        ? await this.transport.send({ method, path, query: params as Record<string, string | string[]> })
        : await this.transport.send({ method, path, json: params });
    return this.#decode<T>(res.status, res.body, `${method} ${endpoint}`);
  }

  #decode<T>(status: number, body: Uint8Array, what: string): T {
    const text = new TextDecoder().decode(body);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      if (status >= 400) throw new MlflowError(status === 404 ? 'ENDPOINT_NOT_FOUND' : 'INTERNAL_ERROR', `${what} at ${this.transport.location}: HTTP ${status}: ${text.slice(0, 300)}`, status);
      throw new MlflowError('INTERNAL_ERROR', `${what} at ${this.transport.location}: response is not JSON: ${text.slice(0, 300)}`, status);
    }
    if (status >= 400) {
      const e = json as { error_code?: string; message?: string };
      throw new MlflowError(e.error_code ?? 'INTERNAL_ERROR', e.message ?? `HTTP ${status}`, status);
    }
    return json as T;
  }

  // Experiments
  async createExperiment(name: string, opts: { artifactLocation?: string; tags?: Record<string, string> } = {}): Promise<string> {
    const r = await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name, artifact_location: opts.artifactLocation, tags: toKeyValues(opts.tags) });
    return r.experiment_id;
  }
  async getExperiment(id: string): Promise<ExperimentJson> {
    return (await this.call<{ experiment: ExperimentJson }>('GET', 'experiments/get', { experiment_id: id })).experiment;
  }
  async getExperimentByName(name: string): Promise<ExperimentJson | undefined> {
    try {
      return (await this.call<{ experiment: ExperimentJson }>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment;
    } catch (e) {
      if (e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw e;
    }
  }
  /** The experiment's id, creating it if needed (safe when two processes race to create it). */
  async getOrCreateExperiment(name: string): Promise<string> {
    const found = await this.getExperimentByName(name);
    if (found) return found.experiment_id;
    try {
      return await this.createExperiment(name);
    } catch (e) {
      if (e instanceof MlflowError && e.errorCode === 'RESOURCE_ALREADY_EXISTS') return (await this.getExperimentByName(name))!.experiment_id;
      throw e;
    }
  }

  // Runs
  async createRun(opts: { experimentId: string; runName?: string; startTime?: number; tags?: Record<string, string>; userId?: string }): Promise<RunJson> {
    const r = await this.call<{ run: RunJson }>('POST', 'runs/create', {
      experiment_id: opts.experimentId,
      run_name: opts.runName,
      start_time: opts.startTime ?? this.now(),
      user_id: opts.userId,
      tags: toKeyValues(opts.tags),
    });
    return r.run;
  }
  async updateRun(runId: string, opts: { status?: RunInfoJson['status']; endTime?: number; runName?: string }): Promise<RunInfoJson> {
    const r = await this.call<{ run_info: RunInfoJson }>('POST', 'runs/update', { run_id: runId, status: opts.status, end_time: opts.endTime, run_name: opts.runName });
    return r.run_info;
  }
  finishRun(runId: string, status: RunInfoJson['status'] = 'FINISHED'): Promise<RunInfoJson> {
    return this.updateRun(runId, { status, endTime: this.now() });
  }
  async getRun(runId: string): Promise<RunJson> {
    return (await this.call<{ run: RunJson }>('GET', 'runs/get', { run_id: runId })).run;
  }
  async searchRuns(opts: { experimentIds: string[]; filter?: string; orderBy?: string[]; maxResults?: number; pageToken?: string; viewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' }): Promise<{ runs: RunJson[]; nextPageToken?: string }> {
    const r = await this.call<{ runs?: RunJson[]; next_page_token?: string }>('POST', 'runs/search', {
      experiment_ids: opts.experimentIds,
      filter: opts.filter,
      order_by: opts.orderBy,
      max_results: opts.maxResults,
      page_token: opts.pageToken,
      run_view_type: opts.viewType,
    });
    return { runs: r.runs ?? [], nextPageToken: r.next_page_token };
  }
  async logMetric(runId: string, key: string, value: number, opts: { step?: number; timestamp?: number } = {}): Promise<void> {
    await this.call('POST', 'runs/log-metric', { run_id: runId, key, value: jsonValue(value), timestamp: opts.timestamp ?? this.now(), step: opts.step ?? 0 });
  }
  async logParam(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/log-parameter', { run_id: runId, key, value });
  }
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.call('POST', 'runs/set-tag', { run_id: runId, key, value });
  }
  async deleteTag(runId: string, key: string): Promise<void> {
    await this.call('POST', 'runs/delete-tag', { run_id: runId, key });
  }
  /** log-batch, split into requests within MLflow's limits (params and tags first, as MLflow's client does). */
  async logBatch(runId: string, batch: { metrics?: (Omit<MetricInput, 'timestamp' | 'step'> & { timestamp?: number; step?: number })[]; params?: Record<string, string>; tags?: Record<string, string> }): Promise<void> {
    const ts = this.now();
    const metrics = (batch.metrics ?? []).map((m) => ({ key: m.key, value: jsonValue(m.value), timestamp: m.timestamp ?? ts, step: m.step ?? 0 }));
    const params = toKeyValues(batch.params);
    const tags = toKeyValues(batch.tags);
    const n = LIMITS.paramsTagsPerBatch;
    for (let i = 0; i < Math.max(params.length, tags.length); i += n) {
      await this.call('POST', 'runs/log-batch', { run_id: runId, params: params.slice(i, i + n), tags: tags.slice(i, i + n) });
    }
    for (let i = 0; i < metrics.length; i += LIMITS.metricsPerBatch) {
      await this.call('POST', 'runs/log-batch', { run_id: runId, metrics: metrics.slice(i, i + LIMITS.metricsPerBatch) });
    }
  }
  /** The whole history of one metric, following page tokens. */
  async getMetricHistory(runId: string, key: string): Promise<MetricJson[]> {
    const out: MetricJson[] = [];
    let token: string | undefined;
    do {
      const r = await this.call<{ metrics?: MetricJson[]; next_page_token?: string }>('GET', 'metrics/get-history', {
        run_id: runId,
        metric_key: key,
        ...(token ? { page_token: token, max_results: String(LIMITS.metricHistoryPage) } : {}),
      });
      out.push(...(r.metrics ?? []));
      token = r.next_page_token;
    } while (token);
    return out;
  }

  // Artifacts
  async listArtifacts(runId: string, path?: string): Promise<FileInfoJson[]> {
    return (await this.call<{ files?: FileInfoJson[] }>('GET', 'artifacts/list', { run_id: runId, ...(path ? { path } : {}) })).files ?? [];
  }
  /** Store bytes at `path` under the run's artifact root (needs a server that proxies artifacts: `mlflow-artifacts:` roots). */
  async logArtifact(runId: string, path: string, body: Uint8Array | string): Promise<string> {
    const run = await this.getRun(runId);
    const uri = `${run.info.artifact_uri.replace(/\/+$/, '')}/${path}`;
    await this.#put(uri, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    return uri;
  }
  #proxied(uri: string): string {
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(uri);
    if (!m) throw new MlflowError('INVALID_PARAMETER_VALUE', `cannot reach artifact ${uri} through the tracking server ${this.transport.location}: only mlflow-artifacts:/ locations are proxied (start the MLflow server with artifact proxying)`);
    return `${ARTIFACTS}/${encodePath(m[1]!)}`;
  }
  async #put(uri: string, body: Uint8Array): Promise<void> {
    const res = await this.transport.send({ method: 'PUT', path: this.#proxied(uri), body });
    this.#decode(res.status, res.body, `PUT ${uri}`);
  }
  /** Bytes of an artifact: `mlflow-artifacts:/…`, `runs:/<run_id>/<path>` or `models:/<name>/<version|@alias|latest>/<path>`. */
  async downloadArtifact(uri: string): Promise<Uint8Array> {
    if (uri.startsWith('runs:/')) {
      const [runId, ...rest] = uri.slice('runs:/'.length).split('/').filter(Boolean);
      const run = await this.getRun(runId!);
      return this.downloadArtifact(`${run.info.artifact_uri.replace(/\/+$/, '')}/${rest.join('/')}`);
    }
    if (uri.startsWith('models:/')) {
      const { version, path } = await this.resolveModelUri(uri);
      return this.downloadArtifact(path ? `${version.source.replace(/\/+$/, '')}/${path}` : version.source);
    }
    const res = await this.transport.send({ method: 'GET', path: this.#proxied(uri) });
    if (res.status >= 400) this.#decode(res.status, res.body, `GET ${uri}`);
    return res.body;
  }

  // Registry
  async createRegisteredModel(name: string, opts: { description?: string; tags?: Record<string, string> } = {}): Promise<RegisteredModelJson> {
    return (await this.call<{ registered_model: RegisteredModelJson }>('POST', 'registered-models/create', { name, description: opts.description, tags: toKeyValues(opts.tags) })).registered_model;
  }
  async getRegisteredModel(name: string): Promise<RegisteredModelJson | undefined> {
    try {
      return (await this.call<{ registered_model: RegisteredModelJson }>('GET', 'registered-models/get', { name })).registered_model;
    } catch (e) {
      if (e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw e;
    }
  }
  async ensureRegisteredModel(name: string, description?: string): Promise<void> {
    try {
      await this.createRegisteredModel(name, { description });
    } catch (e) {
      if (!(e instanceof MlflowError && e.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw e;
    }
  }
  async createModelVersion(opts: { name: string; source: string; runId?: string; tags?: Record<string, string>; description?: string }): Promise<ModelVersionJson> {
    const r = await this.call<{ model_version: ModelVersionJson }>('POST', 'model-versions/create', {
      name: opts.name,
      source: opts.source,
      run_id: opts.runId,
      tags: toKeyValues(opts.tags),
      description: opts.description,
    });
    return r.model_version;
  }
  async getModelVersion(name: string, version: string | number): Promise<ModelVersionJson> {
    return (await this.call<{ model_version: ModelVersionJson }>('GET', 'model-versions/get', { name, version: String(version) })).model_version;
  }
  /** Every version matching the filter (e.g. `name = 'time2bet'`), following page tokens. */
  async searchModelVersions(filter?: string, orderBy?: string[]): Promise<ModelVersionJson[]> {
    const out: ModelVersionJson[] = [];
    let token: string | undefined;
    do {
      const r = await this.call<{ model_versions?: ModelVersionJson[]; next_page_token?: string }>('GET', 'model-versions/search', {
        ...(filter ? { filter } : {}),
        ...(orderBy ? { order_by: orderBy } : {}),
        ...(token ? { page_token: token } : {}),
      });
      out.push(...(r.model_versions ?? []));
      token = r.next_page_token;
    } while (token);
    return out;
  }
  async setModelVersionTag(name: string, version: string | number, key: string, value: string): Promise<void> {
    await this.call('POST', 'model-versions/set-tag', { name, version: String(version), key, value });
  }
  async setAlias(name: string, alias: string, version: string | number): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version: String(version) });
  }
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', 'registered-models/alias', { name, alias });
  }
  /** The version an alias points to, or undefined when the alias (or the model) does not exist. */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionJson | undefined> {
    try {
      return (await this.call<{ model_version: ModelVersionJson }>('GET', 'registered-models/alias', { name, alias })).model_version;
    } catch (e) {
      if (e instanceof MlflowError && (e.errorCode === 'RESOURCE_DOES_NOT_EXIST' || (e.errorCode === 'INVALID_PARAMETER_VALUE' && /alias .* not found/.test(e.message)))) return undefined;
      throw e;
    }
  }
  async getLatestVersions(name: string, stages?: string[]): Promise<ModelVersionJson[]> {
    return (await this.call<{ model_versions?: ModelVersionJson[] }>('POST', 'registered-models/get-latest-versions', { name, stages })).model_versions ?? [];
  }
  /** `models:/name/3`, `models:/name@alias`, `models:/name/latest`, `models:/name/Production` (+ an optional `/path` inside). */
  async resolveModelUri(uri: string): Promise<{ version: ModelVersionJson; path: string }> {
    const m = /^models:\/([^/@]+)(?:@([\w-]+)|\/([^/]+))(?:\/(.*))?$/.exec(uri);
    if (!m) throw new MlflowError('INVALID_PARAMETER_VALUE', `Not a valid models:/ URI: '${uri}'. Expected models:/<name>/<version>, models:/<name>@<alias>, models:/<name>/latest or models:/<name>/<stage>.`);
    const [, name, alias, ref, path = ''] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    if (alias) {
      const v = await this.getModelVersionByAlias(name, alias);
      if (!v) throw new MlflowError('INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`);
      return { version: v, path };
    }
    if (/^\d+$/.test(ref!)) return { version: await this.getModelVersion(name, ref!), path };
    const list = await this.getLatestVersions(name, ref!.toLowerCase() === 'latest' ? undefined : [ref!]);
    const newest = list.sort((a, b) => Number(b.version) - Number(a.version))[0];
    if (!newest) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No versions of model with name '${name}' and stage '${ref}' found`);
    return { version: newest, path };
  }
}

function jsonValue(v: number): number | string {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

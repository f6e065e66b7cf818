/**
 * MLflow's validation rules and limits (mlflow/utils/validation.py), with its messages, so a
 * client sees the same error for the same mistake whichever server it talks to.
 */
import { invalidParameter } from './errors.ts';

export const LIMITS = {
  paramsTagsPerBatch: 100,
  metricsPerBatch: 1000,
  entitiesPerBatch: 1000,
  batchRequestBytes: 1_000_000,
  paramValueLength: 6000,
  tagValueLength: 5000,
  experimentNameLength: 500,
  experimentTagKeyLength: 250,
  experimentTagValueLength: 5000,
  entityKeyLength: 250,
  registryTagKeyLength: 250,
  registryTagValueLength: 5000,
  aliasLength: 255,
  searchRunsMaxResults: 50000,
  searchRunsDefault: 1000,
  searchExperimentsMaxResults: 50000,
  searchRegisteredModelsMaxResults: 1000,
  searchRegisteredModelsDefault: 100,
  searchModelVersionsMaxResults: 200_000,
  searchModelVersionsDefault: 10_000,
  metricHistoryPage: 25_000,
} as const;

const NAME_RE = /^[/\w.\- :]*$/;
const BAD_CHARACTERS =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';
const ALIAS_RE = /^[\w-]*$/;
const VERSION_ALIAS_RE = /^[vV]\d+$/;

/** posixpath.normpath, enough for MLflow's "name must not resolve to another name" rule. */
function normpath(p: string): string {
  if (p === '') return '.';
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (seg !== '..' || !abs) out.push(seg);
  }
  const s = (abs ? '/' : '') + out.join('/');
  return s || (abs ? '/' : '.');
}

function pathNotUnique(name: string): boolean {
  const norm = normpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

function validateName(what: 'metric' | 'parameter' | 'tag', name: unknown): string {
  const label = what === 'metric' ? 'Metric' : what === 'parameter' ? 'Parameter' : 'Tag';
  if (name === undefined || name === null) throw invalidParameter(`${label} name cannot be None. A key name must be provided.`);
  const s = String(name);
  if (!NAME_RE.test(s)) throw invalidParameter(`Invalid ${what} name: '${s}'. ${BAD_CHARACTERS}`);
  if (pathNotUnique(s)) {
    throw invalidParameter(
      `Invalid ${what} name: '${s}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normpath(s)}'`,
    );
  }
  return s;
}

export function validateLength(entity: string, limit: number, value: string | undefined): void {
  if (value !== undefined && value.length > limit) {
    throw invalidParameter(`${entity} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`);
  }
}

export interface MetricInput {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export function validateMetric(m: MetricInput): void {
  validateName('metric', m.key);
  if (typeof m.value !== 'number') {
    throw invalidParameter(`Got invalid value ${m.value} for metric '${m.key}' (timestamp=${m.timestamp}). Please specify value as a valid double (64-bit floating point)`);
  }
  if (!Number.isInteger(m.timestamp) || m.timestamp < 0) {
    throw invalidParameter(`Got invalid timestamp ${m.timestamp} for metric '${m.key}' (value=${m.value}). Timestamp must be a nonnegative long (64-bit integer) `);
  }
  if (!Number.isInteger(m.step)) {
    throw invalidParameter(`Got invalid step ${m.step} for metric '${m.key}' (value=${m.value}). Step must be a valid long (64-bit integer).`);
  }
  validateLength('Metric name', LIMITS.entityKeyLength, m.key);
}

export function validateParam(key: string, value: string): void {
  validateName('parameter', key);
  validateLength('Param key', LIMITS.entityKeyLength, key);
  validateLength('Param value', LIMITS.paramValueLength, value);
}

export function validateTag(key: string, value: string): void {
  validateName('tag', key);
  validateLength('Tag key', LIMITS.entityKeyLength, key);
  validateLength('Tag value', LIMITS.tagValueLength, value);
}

export function validateExperimentTag(key: string, value: string): void {
  validateName('tag', key);
  validateLength('Tag key', LIMITS.experimentTagKeyLength, key);
  validateLength('Tag value', LIMITS.experimentTagValueLength, value);
}

export function validateRegistryTag(entity: 'Registered model' | 'Model version', key: string, value: string): void {
  validateName('tag', key);
  validateLength(`${entity} key`, LIMITS.registryTagKeyLength, key);
  validateLength(`${entity} value`, LIMITS.registryTagValueLength, value);
}

export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  const check = (entity: string, limit: number, n: number) => {
    if (n > limit) {
      throw invalidParameter(
        `A batch logging request can contain at most ${limit} ${entity}. Got ${n} ${entity}. Please split up ${entity} across multiple requests and try again.`,
      );
    }
  };
  check('metrics', LIMITS.metricsPerBatch, metrics);
  check('params', LIMITS.paramsTagsPerBatch, params);
  check('tags', LIMITS.paramsTagsPerBatch, tags);
  check('metrics, params, and tags', LIMITS.entitiesPerBatch, metrics + params + tags);
}

export function validateBatchSize(bytes: number): void {
  if (bytes > LIMITS.batchRequestBytes) {
    throw invalidParameter(`Batched logging API requests must be at most ${LIMITS.batchRequestBytes} bytes, got a request of size ${bytes}.`);
  }
}

export function validateParamKeysUnique(keys: string[]): void {
  const dup = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (dup.length) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: [${dup.map((k) => `'${k}'`).join(', ')}]. Please ensure the request contains only one param value per param key.`,
    );
  }
}

export function validateExperimentName(name: string): void {
  if (name === '') throw invalidParameter(`Invalid experiment name: '${name}'`);
  if (name.length > LIMITS.experimentNameLength) {
    throw invalidParameter(`Experiment name exceeds the maximum length of ${LIMITS.experimentNameLength} characters`);
  }
}

export function validateModelName(name: string): void {
  if (name === '') throw invalidParameter('Registered model name cannot be empty.');
}

export function parseModelVersion(version: string | number): number {
  const s = String(version).trim();
  if (!/^-?\d+$/.test(s)) throw invalidParameter(`Model version must be an integer, got '${version}'`);
  return Number(s);
}

export function validateAlias(alias: string): void {
  if (alias === '') throw invalidParameter('Registered model alias name cannot be empty.');
  if (!ALIAS_RE.test(alias)) {
    throw invalidParameter(`Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`);
  }
  validateLength('Registered model alias name', LIMITS.aliasLength, alias);
  if (alias.toLowerCase() === 'latest') throw invalidParameter("'latest' alias name (case insensitive) is reserved.");
  if (VERSION_ALIAS_RE.test(alias)) throw invalidParameter(`Version alias name '${alias}' is reserved.`);
}

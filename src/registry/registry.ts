/**
 * The time2bet model registry, on MLflow's registry API (through the tracking client): every
 * trained model is a version of a registered model, its artifact stored with the run that
 * produced it, its kind, data fingerprint and headline metrics in version tags; aliases such as
 * `champion` point at versions. Works the same against the built-in server and any MLflow server.
 */
import { createHash } from 'node:crypto';
import type { Warehouse } from '../warehouse/db.ts';
import type { ObjectStore } from '../lake/store.ts';
import { stableJson } from '../domain/stable-json.ts';
import { parseArtifact, serialiseArtifact, type ModelArtifact } from './artifact.ts';
import { TrackingClient, fromKeyValues, type ModelVersionJson } from '../tracking/client/client.ts';
import { MlflowError } from '../tracking/errors.ts';
import { inProcessClient } from '../tracking/open.ts';

export const CHAMPION = 'champion';
/** The experiment that training runs (and runs made only to hold a registered artifact) go to. */
export const TRAINING_EXPERIMENT = 'time2bet-training';
export const ARTIFACT_PATH = 'model';
export const ARTIFACT_FILE = 'model.json';
export const VERSION_TAGS = {
  kind: 'time2bet.kind',
  fingerprint: 'time2bet.data_fingerprint',
  sha256: 'time2bet.artifact_sha256',
  metrics: 'time2bet.metrics',
} as const;

export interface ModelVersion {
  name: string;
  version: number;
  kind: string;
  /** Where the artifact folder is (the MLflow version's `source`). */
  source: string;
  /** @deprecated the first registry's lake key; now the same as `source`. */
  artifactKey: string;
  dataFingerprint: string;
  /** Headline metrics recorded with the version (the artifact holds the full evaluation). */
  metrics: Record<string, unknown>;
  createdAt: Date;
  aliases: string[];
  runId?: string;
  description?: string;
  tags: Record<string, string>;
}

/**
 * The artifact's metrics that fit in a version tag (MLflow caps tag values at 5000 characters):
 * short strings first (identifiers such as a configuration key), then small values.
 */
export function headlineMetrics(metrics: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let total = 2;
  const keys = Object.keys(metrics).sort();
  for (const pass of ['strings', 'others'] as const) {
    for (const k of keys) {
      if ((typeof metrics[k] === 'string') !== (pass === 'strings')) continue;
      const size = stableJson(metrics[k]).length + k.length + 4;
      if ((pass === 'others' && size > 1500) || total + size > 4500) continue;
      out[k] = metrics[k];
      total += size;
    }
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

export function toModelVersion(mv: ModelVersionJson): ModelVersion {
  const tags = fromKeyValues(mv.tags);
  let metrics: Record<string, unknown> = {};
  try {
    metrics = JSON.parse(tags[VERSION_TAGS.metrics] ?? '{}') as Record<string, unknown>;
  } catch {
    /* a version registered by someone else: no metrics */
  }
  return {
    name: mv.name,
    version: Number(mv.version),
    kind: tags[VERSION_TAGS.kind] ?? 'unknown',
    source: mv.source,
    artifactKey: mv.source,
    dataFingerprint: tags[VERSION_TAGS.fingerprint] ?? '',
    metrics,
    createdAt: new Date(mv.creation_timestamp),
    aliases: mv.aliases ?? [],
    ...(mv.run_id ? { runId: mv.run_id } : {}),
    ...(mv.description ? { description: mv.description } : {}),
    tags,
  };
}

export class Registry {
  readonly client: TrackingClient;

  /** On a tracking client; or, with a warehouse and a lake, on the built-in server in this process. */
  constructor(client: TrackingClient);
  constructor(wh: Warehouse, lake: ObjectStore);
  constructor(a: TrackingClient | Warehouse, lake?: ObjectStore) {
    this.client = a instanceof TrackingClient ? a : inProcessClient(a, lake!);
  }

  /**
   * Store the artifact with a run (the given one, or a new run in the training experiment) and
   * register it as a new version of `artifact.name`; returns the version.
   */
  async register(artifact: ModelArtifact, opts: { runId?: string; description?: string } = {}): Promise<ModelVersion> {
    const { bytes, sha256 } = serialiseArtifact(artifact);
    let runId = opts.runId;
    if (!runId) {
      const experimentId = await this.trainingExperiment();
      runId = (await this.client.createRun({ experimentId, runName: `register-${artifact.kind}`, tags: { [VERSION_TAGS.fingerprint]: artifact.trainingData.fingerprint } })).info.run_id;
    }
    const uri = await this.client.logArtifact(runId, `${ARTIFACT_PATH}/${ARTIFACT_FILE}`, bytes);
    if (!opts.runId) await this.client.finishRun(runId);
    await this.client.ensureRegisteredModel(artifact.name, 'Football match 1X2 probabilities (time2bet)');
    const mv = await this.client.createModelVersion({
      name: artifact.name,
      source: uri.slice(0, -(ARTIFACT_FILE.length + 1)),
      runId,
      description: opts.description,
      tags: {
        [VERSION_TAGS.kind]: artifact.kind,
        [VERSION_TAGS.fingerprint]: artifact.trainingData.fingerprint,
        [VERSION_TAGS.sha256]: sha256,
        [VERSION_TAGS.metrics]: stableJson(headlineMetrics(artifact.metrics)),
      },
    });
    return toModelVersion(mv);
  }

  /** The checksums the tracking server computed at registration; undefined from a server without them (MLflow). */
  async serverChecksums(v: ModelVersion): Promise<Record<string, string> | undefined> {
    try {
      const r = await this.client.call<{ checksums?: Record<string, string> }>('GET', 'model-versions/get-artifact-checksums', { name: v.name, version: String(v.version) });
      return r.checksums;
    } catch (e) {
      if (e instanceof MlflowError && e.errorCode === 'ENDPOINT_NOT_FOUND') return undefined;
      throw e;
    }
  }

  /** The training experiment's id; restored (with a warning) if someone deleted it. */
  private async trainingExperiment(): Promise<string> {
    const id = await this.client.getOrCreateExperiment(TRAINING_EXPERIMENT);
    if ((await this.client.getExperiment(id)).lifecycle_stage === 'deleted') {
      await this.client.call('POST', 'experiments/restore', { experiment_id: id });
      process.emitWarning(`experiment ${id} (${TRAINING_EXPERIMENT}) had been deleted; restored it so that training runs can be recorded again`, { code: 'TIME2BET_EXPERIMENT_RESTORED' });
    }
    return id;
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    await this.client.setAlias(name, alias, version);
  }

  async setTags(name: string, version: number, tags: Record<string, string>): Promise<void> {
    for (const [k, v] of Object.entries(tags)) await this.client.setModelVersionTag(name, version, k, v);
  }

  /** The version an alias points to, or undefined. */
  async byAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    const mv = await this.client.getModelVersionByAlias(name, alias);
    return mv ? toModelVersion(mv) : undefined;
  }

  async get(name: string, version: number): Promise<ModelVersion> {
    return toModelVersion(await this.client.getModelVersion(name, version));
  }

  /** A `models:/` URI (`models:/time2bet@champion`, `models:/time2bet/3`, `…/latest`) to its version. */
  async resolve(uri: string): Promise<ModelVersion> {
    return toModelVersion((await this.client.resolveModelUri(uri)).version);
  }

  /** Every version (of one model, or of all), oldest first. */
  async list(name?: string): Promise<ModelVersion[]> {
    const filter = name ? `name = '${name.replace(/'/g, "\\'")}'` : undefined;
    const all = await this.client.searchModelVersions(filter);
    return all.map(toModelVersion).sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  }

  /** The version's artifact, checked against the hash recorded at registration. */
  async loadArtifact(v: ModelVersion): Promise<ModelArtifact> {
    const uri = v.source.endsWith('.json') ? v.source : `${v.source.replace(/\/+$/, '')}/${ARTIFACT_FILE}`;
    let bytes: Uint8Array;
    try {
      bytes = await this.client.downloadArtifact(uri);
    } catch (e) {
      const why = e instanceof MlflowError ? e.message : String(e);
      throw new Error(`model ${v.name} v${v.version}: cannot read its artifact ${uri} from ${this.client.transport.location}: ${why}`);
    }
    verifyArtifact(v, uri, bytes, await this.serverChecksums(v));
    return parseArtifact(new TextDecoder().decode(bytes), uri);
  }
}

/**
 * Check the bytes against the checksums the tracking server computed itself at registration
 * (`checksums`, kept where no REST route writes). A version without them (registered on another
 * MLflow server, or before the server kept them) is checked against the registering client's tag.
 */
export function verifyArtifact(v: ModelVersion, uri: string, bytes: Uint8Array, checksums: Record<string, string> | undefined): void {
  const actual = createHash('sha256').update(bytes).digest('hex');
  const changed = (expected: string, by: string) =>
    new Error(`model ${v.name} v${v.version}: artifact ${uri} has sha256 ${actual}, but ${by} recorded ${expected} at registration; it was changed after registration, refusing to load it`);
  if (checksums !== undefined) {
    const manifest = new Map(Object.entries(checksums));
    const file = uri.startsWith(v.source) && uri.length > v.source.length ? uri.slice(v.source.length).replace(/^\/+/, '') : uri.slice(uri.lastIndexOf('/') + 1);
    const expected = manifest.get(file);
    if (typeof expected !== 'string') throw new Error(`model ${v.name} v${v.version}: artifact ${uri} was not there when the version was registered (the server recorded ${[...manifest.keys()].join(', ') || 'no file'}); refusing to load it`);
    if (expected !== actual) throw changed(expected, 'the tracking server');
    return;
  }
  const expected = v.tags[VERSION_TAGS.sha256];
  if (expected && expected !== actual) throw changed(expected, 'the registering client');
}

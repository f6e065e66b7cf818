/**
 * What an alias (e.g. @champion) depends on cannot be deleted through the REST API: its model
 * version, the run and experiment that produced it, and the artifacts under its source. A server
 * that serves `models:/…@champion` must never be made unstartable by one DELETE.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import { invalidState } from '../errors.ts';
import { proxiedPath } from './artifacts.ts';

type Db = Kysely<Database>;

interface Aliased {
  name: string;
  version: number;
  alias: string;
  source: string;
  run_id: string | null;
  experiment_id: number | null;
}

async function aliasedVersions(db: Db): Promise<Aliased[]> {
  return db
    .selectFrom('registry_aliases as a')
    .innerJoin('registry_model_versions as v', (j) => j.onRef('v.name', '=', 'a.name').onRef('v.version', '=', 'a.version'))
    .leftJoin('tracking_runs as r', 'r.run_uuid', 'v.run_id')
    .select(['a.name', 'a.version', 'a.alias', 'v.source', 'v.run_id', 'r.experiment_id'])
    .orderBy('a.name')
    .orderBy('a.alias')
    .execute();
}

const held = (a: Aliased) => `${a.name} v${a.version} (@${a.alias})`;

export async function refuseIfVersionAliased(db: Db, name: string, version: number): Promise<void> {
  const hit = (await aliasedVersions(db)).find((a) => a.name === name && a.version === version);
  if (hit) throw invalidState(`Model version ${held(hit)} has an alias; move or delete alias @${hit.alias} before deleting the version.`);
}

export async function refuseIfRunAliased(db: Db, runId: string): Promise<void> {
  const hit = (await aliasedVersions(db)).find((a) => a.run_id === runId);
  if (hit) throw invalidState(`Run ${runId} produced model version ${held(hit)}; move alias @${hit.alias} before deleting the run.`);
}

export async function refuseIfExperimentAliased(db: Db, experimentId: string): Promise<void> {
  const hit = (await aliasedVersions(db)).find((a) => a.experiment_id !== null && String(a.experiment_id) === experimentId);
  if (hit) throw invalidState(`Experiment ${experimentId} holds the run of model version ${held(hit)}; move alias @${hit.alias} before deleting the experiment.`);
}

/** `path` is an artifact path of the proxied store (as in DELETE /mlflow-artifacts/artifacts/<path>). */
export async function refuseIfArtifactAliased(db: Db, path: string): Promise<void> {
  const p = path.replace(/^\/+|\/+$/g, '');
  const hit = (await aliasedVersions(db)).find((a) => {
    const src = proxiedPath(a.source);
    return src !== undefined && (p === '' || src === p || src.startsWith(`${p}/`) || p.startsWith(`${src}/`));
  });
  if (hit) throw invalidState(`Artifact '${path}' belongs to model version ${held(hit)}; move alias @${hit.alias} before deleting it.`);
}

export async function refuseIfModelAliased(db: Db, name: string): Promise<void> {
  const hit = (await aliasedVersions(db)).find((a) => a.name === name);
  if (hit) throw invalidState(`Registered model ${name} has alias @${hit.alias} (v${hit.version}); delete its aliases before deleting the model.`);
}

/** A warehouse loaded with a few real seasons, with models trained and a champion registered. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWarehouse, type Warehouse } from '../../src/warehouse/db.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { Registry, type ModelVersion } from '../../src/registry/registry.ts';
import { modelSpecs } from '../../src/ml/index.ts';
import { REGISTERED_MODEL, trainAll } from '../../src/stages/train.ts';
import type { ModelArtifact } from '../../src/registry/artifact.ts';

export interface Trained {
  wh: Warehouse;
  lake: FolderStore;
  registry: Registry;
  artifacts: ModelArtifact[];
  champion: ModelVersion;
}

export async function trainedWarehouse(files: string[], kind = 'dixon-coles'): Promise<Trained> {
  const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
  for (const f of files) await loadFootballDataFile(wh, path.join('data/football-data', f));
  const lake = new FolderStore(mkdtempSync(path.join(tmpdir(), 't2b-lake-')));
  const registry = new Registry(wh, lake);
  const artifacts = await trainAll(wh, modelSpecs(), {});
  const a = artifacts.find((x) => x.kind === kind)!;
  const champion = await registry.register(a);
  await registry.setAlias(REGISTERED_MODEL, 'champion', champion.version);
  return { wh, lake, registry, artifacts, champion };
}

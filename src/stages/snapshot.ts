/**
 * Snapshot stage: the warehouse's curated tables (src/lake/snapshot) plus, unless left out, the
 * feature table the models train on (./features.ts), as one content-addressed snapshot.
 */
import type { Warehouse } from '../warehouse/db.ts';
import type { ObjectStore } from '../lake/store.ts';
import { publishSnapshot, snapshotWarehouse, type Snapshot } from '../lake/snapshot/snapshot.ts';
import type { FeatureConfig } from '../ml/features/index.ts';
import { snapshotFeatures } from './features.ts';
import type { StageHooks } from './progress.ts';

/** The warehouse's snapshot, with the feature table of `features` (none when null). */
export async function takeSnapshot(wh: Warehouse, opts: { features: FeatureConfig | null }, hooks: StageHooks = {}): Promise<Snapshot> {
  const extra = opts.features ? await snapshotFeatures(wh, opts.features, hooks) : null;
  return snapshotWarehouse(wh, extra);
}

/** Take the snapshot and publish it in the lake at snapshots/<id>/ (an existing one is left untouched). */
export async function snapshotToLake(wh: Warehouse, lake: ObjectStore, opts: { features: FeatureConfig | null }, hooks: StageHooks = {}) {
  const snapshot = await takeSnapshot(wh, opts, hooks);
  return { snapshot, published: await publishSnapshot(snapshot, lake) };
}

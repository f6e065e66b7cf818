/** What the MLflow routes need: the warehouse, the lake and a clock (edges own the clock). */
import type { Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import type { ObjectStore } from '../../lake/store.ts';

export interface TrackingDeps {
  wh: Warehouse;
  lake: ObjectStore;
  /** Milliseconds since the epoch; Date.now by default. */
  now?: () => number;
}

export interface ServerContext {
  db: Kysely<Database>;
  lake: ObjectStore;
  now: () => number;
}

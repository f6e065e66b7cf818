/** What every verb needs: the validated configuration, the warehouse and the lake. */
import type { Config } from '../config.ts';
import { openConfiguredWarehouse } from '../warehouse/open.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { openLake } from '../lake/open.ts';
import type { ObjectStore } from '../lake/store.ts';

export interface Context {
  cfg: Config;
  wh: Warehouse;
  lake: ObjectStore;
}

export async function withContext<T>(cfg: Config, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const wh = await openConfiguredWarehouse(cfg);
  try {
    return await fn({ cfg, wh, lake: openLake(cfg) });
  } finally {
    await wh.close();
  }
}

/** What every verb needs: the validated configuration, the warehouse and the lake. */
import type { Config } from '../config.ts';
import { openConfiguredWarehouse } from '../warehouse/open.ts';
import type { Warehouse } from '../warehouse/db.ts';
import { FolderStore } from '../lake/folder-store.ts';
import type { ObjectStore } from '../lake/store.ts';

export interface Context {
  cfg: Config;
  wh: Warehouse;
  lake: ObjectStore;
}

export async function withContext<T>(cfg: Config, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const wh = await openConfiguredWarehouse(cfg);
  try {
    return await fn({ cfg, wh, lake: new FolderStore(cfg.lakeDir) });
  } finally {
    await wh.close();
  }
}

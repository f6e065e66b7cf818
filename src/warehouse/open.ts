/** Open the warehouse that a configuration names: PostgreSQL if DATABASE_URL is set, else PGlite under TIME2BET_HOME. */
import path from 'node:path';
import type { Config } from '../config.ts';
import { openWarehouse, type Warehouse } from './db.ts';

export function warehouseTarget(cfg: Pick<Config, 'databaseUrl' | 'home'>) {
  return cfg.databaseUrl
    ? ({ engine: 'postgres', url: cfg.databaseUrl } as const)
    : ({ engine: 'pglite', dir: path.join(cfg.home, 'pgdata') } as const);
}

export function openConfiguredWarehouse(cfg: Pick<Config, 'databaseUrl' | 'home'>): Promise<Warehouse> {
  return openWarehouse(warehouseTarget(cfg));
}

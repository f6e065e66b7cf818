/**
 * Which tracking server the training code and the registry talk to: the one at
 * MLFLOW_TRACKING_URI when set (the built-in server elsewhere, or any MLflow server), else the
 * built-in server in this process over the same warehouse and lake (no socket involved).
 */
import type { Config } from '../config.ts';
import type { Warehouse } from '../warehouse/db.ts';
import type { ObjectStore } from '../lake/store.ts';
import { TrackingClient } from './client/client.ts';
import { injectTransport } from './client/transport.ts';
import { buildTrackingServer } from './server/standalone.ts';

/** A client over the built-in server in this process (built on first use). */
export function inProcessClient(wh: Warehouse, lake: ObjectStore, now: () => number = Date.now): TrackingClient {
  return new TrackingClient(injectTransport(() => buildTrackingServer({ wh, lake, now })), now);
}

export function trackingClientFor(cfg: Pick<Config, 'mlflowTrackingUri'>, wh: Warehouse, lake: ObjectStore): TrackingClient {
  return cfg.mlflowTrackingUri ? TrackingClient.http(cfg.mlflowTrackingUri) : inProcessClient(wh, lake);
}

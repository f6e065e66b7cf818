/** Prometheus metrics of the API (RED per route, predictions by outcome, model info). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestStats, durationHistogram, requestsCounter } from './request-metrics.ts';

export interface ApiMetrics {
  registry: Registry;
  /** Per-route request counts and latencies (http_requests_total, http_request_duration_seconds). */
  http: RequestStats;
  /** Predictions by model and most likely outcome (model_predictions_total), read at scrape time. */
  predictions: PredictionTally;
  modelInfo: Gauge<'model_name' | 'version' | 'alias' | 'kind'>;
  modelLoaded: Gauge;
}

/**
 * Registers metrics owned by another area (e.g. the scraper's page counters) on the API's
 * registry. The caller that wires the process passes these in; serving imports no other area.
 */
export type MetricsCollector = (registry: Registry) => void;

type Outcome = 'H' | 'D' | 'A';

/** Plain counters of predictions per (model, version, outcome); the hot path bumps a number. */
export class PredictionTally {
  readonly #rows = new Map<string, { labels: { model_name: string; model_version: string; predicted_outcome: Outcome }; n: { count: number } }>();

  /** The counters of one served model version, by outcome. */
  forModel(modelName: string, version: string): Record<Outcome, { count: number }> {
    const one = (o: Outcome) => {
      const key = `${modelName}\u0000${version}\u0000${o}`;
      let row = this.#rows.get(key);
      if (!row) this.#rows.set(key, (row = { labels: { model_name: modelName, model_version: version, predicted_outcome: o }, n: { count: 0 } }));
      return row.n;
    };
    return { H: one('H'), D: one('D'), A: one('A') };
  }

  rows(): Iterable<{ labels: Record<string, string>; n: { count: number } }> {
    return this.#rows.values();
  }
}

export function createMetrics(collectors: readonly MetricsCollector[] = []): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'time2bet_' });
  for (const register of collectors) register(registry);
  const http = new RequestStats([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
  requestsCounter(http, registry);
  durationHistogram(http, registry);
  const predictions = new PredictionTally();
  new Counter({
    name: 'model_predictions_total',
    help: 'Predictions served, by model and most likely outcome (H, D, A)',
    labelNames: ['model_name', 'model_version', 'predicted_outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, n } of predictions.rows()) if (n.count > 0) this.inc(labels, n.count);
    },
  });
  return {
    registry,
    http,
    predictions,
    modelInfo: new Gauge({
      name: 'model_info',
      help: 'The model being served (value 1; metadata in labels)',
      labelNames: ['model_name', 'version', 'alias', 'kind'],
      registers: [registry],
    }),
    modelLoaded: new Gauge({
      name: 'model_last_loaded_timestamp_seconds',
      help: 'When the served model was loaded (Unix time)',
      registers: [registry],
    }),
  };
}

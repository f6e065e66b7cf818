/** Prometheus metrics of the API (RED per route, predictions by outcome, model info). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { PAGE_OUTCOMES, whoscoredPageCounts } from '../ingest/whoscored/metrics.ts';

export interface ApiMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
  predictions: Counter<'model_name' | 'model_version' | 'predicted_outcome'>;
  modelInfo: Gauge<'model_name' | 'version' | 'alias' | 'kind'>;
  modelLoaded: Gauge;
  scraperPages: Counter<'status'>;
}

export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'time2bet_' });
  return {
    registry,
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route template and status class (2xx, 4xx, 5xx)',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method and route template',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    predictions: new Counter({
      name: 'model_predictions_total',
      help: 'Predictions served, by model and most likely outcome (H, D, A)',
      labelNames: ['model_name', 'model_version', 'predicted_outcome'],
      registers: [registry],
    }),
    modelInfo: new Gauge({
      name: 'model_info',
      help: 'The model being served (value 1; metadata in labels)',
      labelNames: ['model_name', 'version', 'alias', 'kind'],
      registers: [registry],
    }),
    scraperPages: new Counter({
      name: 'scraper_pages_total',
      help: 'WhoScored pages handled by crawls in this process, by outcome (ok, cached, blocked, error)',
      labelNames: ['status'],
      registers: [registry],
      collect() {
        const counts = whoscoredPageCounts();
        this.reset();
        for (const status of PAGE_OUTCOMES) this.inc({ status }, counts[status]);
      },
    }),
    modelLoaded: new Gauge({
      name: 'model_last_loaded_timestamp_seconds',
      help: 'When the served model was loaded (Unix time)',
      registers: [registry],
    }),
  };
}

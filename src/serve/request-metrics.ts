/**
 * RED metrics per route: `http_requests_total{method,route,status}` (status class 2xx, 4xx, …)
 * and the latency histogram `http_request_duration_seconds{method,route}`.
 *
 * The hot path is a few increments of plain numbers. prom-client validates and hashes the
 * label set on every `inc`/`observe`, and a Fastify `onResponse` hook adds a hook runner to
 * every request; together they were the largest cost of the prediction endpoint under load
 * (docs/benchmarks.md). So requests are recorded where Fastify reports them completed (its log
 * controller's `requestCompleted`, called for every response, 404s included), and the counts
 * reach prom-client only when /metrics is scraped.
 */
import { Counter, type Metric, type Registry } from 'prom-client';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** One (method, route)'s counts. */
interface RouteSeries {
  method: string;
  route: string;
  /** requests by status class: index 1 = 1xx … 5 = 5xx */
  byClass: Float64Array;
  /** per-bucket (not cumulative) latency counts; the last slot is above the largest bound */
  buckets: Float64Array;
  sum: number;
  count: number;
}

export class RequestStats {
  readonly #series = new Map<string, RouteSeries>();

  constructor(readonly bounds: readonly number[]) {}

  record(method: string, route: string, statusCode: number, seconds: number): void {
    const key = method + ' ' + route;
    let s = this.#series.get(key);
    if (s === undefined) {
      s = { method, route, byClass: new Float64Array(6), buckets: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.#series.set(key, s);
    }
    const cls = Math.floor(statusCode / 100);
    s.byClass[cls >= 1 && cls <= 5 ? cls : 5]! += 1;
    let b = 0;
    while (b < this.bounds.length && seconds > this.bounds[b]!) b++;
    s.buckets[b]! += 1;
    s.sum += seconds;
    s.count += 1;
  }

  series(): Iterable<RouteSeries> {
    return this.#series.values();
  }

  reset(): void {
    this.#series.clear();
  }
}

/** `http_requests_total`, filled from the stats at scrape time. */
export function requestsCounter(stats: RequestStats, registry: Registry): Counter<'method' | 'route' | 'status'> {
  return new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status class (2xx, 4xx, 5xx)',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stats.series()) {
        for (let cls = 1; cls <= 5; cls++) if (s.byClass[cls]! > 0) this.inc({ method: s.method, route: s.route, status: `${cls}xx` }, s.byClass[cls]!);
      }
    },
  });
}

/**
 * `http_request_duration_seconds` as a histogram read from the stats. prom-client's registry
 * reads any metric through `get()` (name, help, type, values); its Histogram cannot be filled
 * from counts, so this object provides the same `get()` over ours.
 */
export function durationHistogram(stats: RequestStats, registry: Registry): void {
  const name = 'http_request_duration_seconds';
  const metric = {
    name,
    help: 'HTTP request latency by method and route template',
    type: 'histogram',
    aggregator: 'sum',
    labelNames: ['method', 'route'],
    reset: () => stats.reset(),
    get: async () => {
      const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const s of stats.series()) {
        let acc = 0;
        stats.bounds.forEach((le, i) => {
          acc += s.buckets[i]!;
          values.push({ labels: { le, method: s.method, route: s.route }, value: acc, metricName: `${name}_bucket` });
        });
        values.push({ labels: { le: '+Inf', method: s.method, route: s.route }, value: s.count, metricName: `${name}_bucket` });
        values.push({ labels: { method: s.method, route: s.route }, value: s.sum, metricName: `${name}_sum` });
        values.push({ labels: { method: s.method, route: s.route }, value: s.count, metricName: `${name}_count` });
      }
      return { name, help: metric.help, type: metric.type, values, aggregator: metric.aggregator };
    },
  };
  registry.registerMetric(metric as unknown as Metric);
}

/** Fastify log controller that records every completed request in the stats (request logging stays off). */
export class MetricsLogController extends LogController {
  constructor(private readonly stats: RequestStats) {
    super({ disableRequestLogging: true });
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    super.requestCompleted(error, request, reply);
    this.stats.record(request.method, request.routeOptions.url ?? 'none', reply.statusCode, reply.elapsedTime / 1000);
  }
}

/**
 * The WhoScored page counters as a Prometheus counter (`scraper_pages_total`), registered on a
 * registry the caller owns. The API does not import ingest: `src/cli/serve.ts` passes this to
 * `createMetrics` as one of its collectors.
 */
import { Counter, type Registry } from 'prom-client';
import { PAGE_OUTCOMES, whoscoredPageCounts } from './metrics.ts';

export function registerWhoScoredPageMetrics(registry: Registry): void {
  new Counter({
    name: 'scraper_pages_total',
    help: 'WhoScored pages handled by crawls in this process, by outcome (ok, cached, blocked, error)',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const counts = whoscoredPageCounts();
      this.reset();
      for (const status of PAGE_OUTCOMES) this.inc({ status }, counts[status]);
    },
  });
}

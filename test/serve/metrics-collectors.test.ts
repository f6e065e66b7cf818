/** Metrics owned by other areas reach the API's registry only when the caller injects them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from '../../src/serve/metrics.ts';
import { registerWhoScoredPageMetrics } from '../../src/ingest/whoscored/page-metrics.ts';
import { recordPageOutcome, whoscoredPageCounts } from '../../src/ingest/whoscored/metrics.ts';

test('without collectors the API registry has no scraper metrics', async () => {
  const text = await createMetrics().registry.metrics();
  assert.ok(text.includes('model_predictions_total'));
  assert.ok(!text.includes('scraper_pages_total'));
});

test('an injected collector registers on the API registry and reads the page counters at scrape time', async () => {
  const seen: string[] = [];
  const m = createMetrics([registerWhoScoredPageMetrics, (r) => seen.push(typeof r.metrics)]);
  assert.deepEqual(seen, ['function']);
  const before = whoscoredPageCounts().blocked;
  recordPageOutcome('blocked', 'fixtures');
  const text = await m.registry.metrics();
  assert.match(text, new RegExp(`scraper_pages_total\\{status="blocked"\\} ${before + 1}\\b`));
  assert.match(text, /scraper_pages_total\{status="ok"\} \d+/);
});

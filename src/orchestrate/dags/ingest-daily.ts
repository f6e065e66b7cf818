/**
 * `ingest_daily`: bring new source data into the warehouse and snapshot it into the lake, once a
 * day (00:00 UTC, for the previous day's interval; no catchup: a missed day is covered by the
 * next run, since both steps are idempotent and see everything new).
 *
 *   load_football_data — load every football-data.co.uk CSV below $TIME2BET_DATA_DIR
 *                        (unchanged files are skipped by checksum; a changed file updates its rows);
 *   snapshot           — export the curated tables and the feature table the models train on
 *                        (src/ml/features/, default configuration) as Parquet to the lake at
 *                        snapshots/<id>/ (the snapshot stage, src/stages/snapshot.ts); the id
 *                        is the content hash, so an unchanged warehouse re-publishes nothing.
 *
 * Hook for the scraper (`time2bet scrape|ingest whoscored`): when it exposes a stage
 * function for an interval (e.g. `scrapeWhoScored(wh, lake, interval)`), add a task
 * `{ id: 'scrape_whoscored', run: (ctx) => … }` and make `snapshot` depend on it too.
 */
import { ingestFolder } from '../../stages/ingest.ts';
import { snapshotToLake } from '../../stages/snapshot.ts';
import { FEATURE_DEFAULTS } from '../../ml/features/index.ts';
import { defineDag } from '../dag/define.ts';

export const ingestDaily = defineDag({
  id: 'ingest_daily',
  description: 'load new source data (football-data.co.uk CSVs) into the warehouse, then snapshot it to the lake',
  schedule: '@daily',
  startDate: new Date('2024-01-01T00:00:00Z'),
  catchup: false,
  maxActiveRuns: 1,
  defaults: { retries: 2, retryDelayMs: 60_000, retryExponentialBackoff: true, maxRetryDelayMs: 15 * 60_000 },
  tasks: [
    {
      id: 'load_football_data',
      executionTimeoutMs: 30 * 60_000,
      async run(ctx) {
        ctx.log(`loading ${ctx.cfg.dataDir} for ${ctx.dataIntervalStart.toISOString()} – ${ctx.dataIntervalEnd.toISOString()}`);
        const { files, loaded, inserted, updated } = await ingestFolder(ctx.wh, ctx.cfg.dataDir, {
          signal: ctx.signal,
          onProgress: (e) => {
            if (e.done === e.total || e.done % 10 === 0) ctx.log(`${e.done}/${e.total} files (${e.detail})`);
          },
          onMessage: (line) => ctx.log(line),
        });
        return { files, loaded, inserted, updated };
      },
    },
    {
      id: 'snapshot',
      deps: ['load_football_data'],
      executionTimeoutMs: 30 * 60_000,
      async run(ctx) {
        const { snapshot: snap, published: r } = await snapshotToLake(ctx.wh, ctx.lake, { features: FEATURE_DEFAULTS });
        const tables = Object.fromEntries(snap.manifest.tables.map((t) => [t.name, t.rows]));
        ctx.log(`snapshot ${snap.id} ${r.created ? 'published' : 'already in the lake'} at ${r.prefix}: ${Object.entries(tables).map(([t, n]) => `${t} ${n}`).join(', ')}`);
        return { id: snap.id, prefix: r.prefix, created: r.created, tables };
      },
    },
  ],
});

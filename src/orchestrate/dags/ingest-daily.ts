/**
 * `ingest_daily`: bring new source data into the warehouse and snapshot it into the lake, once a
 * day (00:00 UTC, for the previous day's interval; no catchup: a missed day is covered by the
 * next run, since both steps are idempotent and see everything new).
 *
 *   load_football_data — load every football-data.co.uk CSV below $TIME2BET_DATA_DIR
 *                        (unchanged files are skipped by checksum; a changed file updates its rows);
 *   snapshot           — export the curated tables and the feature table (default feature
 *                        parameters) as Parquet to the lake at snapshots/<id>/ (issue 6); the id
 *                        is the content hash, so an unchanged warehouse re-publishes nothing.
 *
 * Hook for the scraper (issue 3, `time2bet scrape|ingest whoscored`): when it exposes a stage
 * function for an interval (e.g. `scrapeWhoScored(wh, lake, interval)`), add a task
 * `{ id: 'scrape_whoscored', run: (ctx) => … }` and make `snapshot` depend on it too.
 */
import { loadFootballDataFolder } from '../../ingest/football-data/load.ts';
import { FEATURE_DEFAULTS } from '../../lake/snapshot/features.ts';
import { publishSnapshot, snapshotWarehouse } from '../../lake/snapshot/snapshot.ts';
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
        const results = await loadFootballDataFolder(ctx.wh, ctx.cfg.dataDir, {
          onProgress: (done, total, file) => {
            if (ctx.signal.aborted) throw ctx.signal.reason;
            if (done === total || done % 10 === 0) ctx.log(`${done}/${total} files (${file.slice(ctx.cfg.dataDir.length + 1)})`);
          },
        });
        const loaded = results.filter((r) => r.status === 'loaded');
        const summary = {
          files: results.length,
          loaded: loaded.length,
          inserted: loaded.reduce((s, r) => s + r.inserted, 0),
          updated: loaded.reduce((s, r) => s + r.updated, 0),
        };
        ctx.log(`${summary.files} files (${summary.loaded} loaded); ${summary.inserted} matches inserted, ${summary.updated} updated`);
        return summary;
      },
    },
    {
      id: 'snapshot',
      deps: ['load_football_data'],
      executionTimeoutMs: 30 * 60_000,
      async run(ctx) {
        const snap = await snapshotWarehouse(ctx.wh, FEATURE_DEFAULTS);
        const r = await publishSnapshot(snap, ctx.lake);
        const tables = Object.fromEntries(snap.manifest.tables.map((t) => [t.name, t.rows]));
        ctx.log(`snapshot ${snap.id} ${r.created ? 'published' : 'already in the lake'} at ${r.prefix}: ${Object.entries(tables).map(([t, n]) => `${t} ${n}`).join(', ')}`);
        return { id: snap.id, prefix: r.prefix, created: r.created, tables };
      },
    },
  ],
});

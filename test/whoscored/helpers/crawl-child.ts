/**
 * A crawl in its own process, to be killed midway by the fault tests. Configured by
 * environment: WS_BASE_URL, WS_LAKE_DIR, and WS_DATABASE_URL (PostgreSQL) or WS_PGLITE_DIR.
 * Prints one line per page ("page <outcome> <url>") so the parent knows how far it got.
 */
import { FolderStore } from '../../../src/lake/folder-store.ts';
import { openWarehouse } from '../../../src/warehouse/db.ts';
import { scrapeWhoScored } from '../../../src/ingest/whoscored/index.ts';

const env = process.env;
const wh = await openWarehouse(env.WS_DATABASE_URL ? { engine: 'postgres', url: env.WS_DATABASE_URL } : { engine: 'pglite', dir: env.WS_PGLITE_DIR! });
const report = await scrapeWhoScored({
  wh,
  lake: new FolderStore(env.WS_LAKE_DIR!),
  league: 'ENG-Premier League',
  season: '2020-2021',
  baseUrl: env.WS_BASE_URL!,
  fetcher: { delayMs: Number(env.WS_DELAY_MS ?? 100), jitterMs: 0, backoffBaseMs: 5, timeoutMs: 5000 },
  matchIds: [1485184],
  previews: 'all',
  now: new Date('2024-01-15T00:00:00Z'),
  onProgress: (p) => process.stdout.write(`page ${p.outcome} ${p.url}\n`),
});
process.stdout.write(`done ${report.status}\n`);
await wh.close();

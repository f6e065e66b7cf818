/** WhoScored source: the functions the CLI, the DAGs and the metrics endpoint use. */
export { scrapeWhoScored, type ScrapeWhoScoredOptions, type ScrapeProgress, type ScrapeReport, type ScrapeStatus } from './crawl.ts';
export { ingestWhoScoredFolder, reparseWhoScored, type WhoScoredLoadReport } from './ingest-folder.ts';
export { parseWhoScoredFile, type ParsedFile } from './parse-file.ts';
export {
  whoscoredPageCounts,
  whoscoredPageCountsByKind,
  onWhoScoredPage,
  resetWhoScoredPageCounts,
  PAGE_OUTCOMES,
  type PageOutcome,
} from './metrics.ts';
export { WS_LEAGUES, findLeague, normaliseSeason } from './leagues.ts';
export { WhoScoredLayoutError } from './extract.ts';
export { detectKind, parsePage, type ContentKind, type ParsedPage } from './detect.ts';
export type { CrawlCounts } from './crawl-pages.ts';
export type { PreviewPolicy } from './crawl-plan.ts';
export type * from './records.ts';

/**
 * Ingest stage: load a folder of football-data.co.uk CSVs into the warehouse (unchanged files
 * are skipped by checksum) and seed the known alternate team spellings. `start`, the DAG
 * `ingest_daily` and `time2bet stage ingest` all call {@link ingestFolder}.
 */
import type { Warehouse } from '../warehouse/db.ts';
import { loadFootballDataFolder, type FileLoadResult } from '../ingest/football-data/load.ts';
import { seedAliases } from '../ingest/teams.ts';
import { checkAborted, type StageHooks } from './progress.ts';

export interface IngestSummary {
  results: FileLoadResult[];
  files: number;
  loaded: number;
  inserted: number;
  updated: number;
}

export async function ingestFolder(wh: Warehouse, folder: string, hooks: StageHooks = {}): Promise<IngestSummary> {
  const results = await loadFootballDataFolder(wh, folder, {
    onProgress: (done: number, total: number, file: string) => {
      checkAborted(hooks.signal);
      hooks.onProgress?.({ step: 'ingest', done, total, detail: file.slice(folder.length + 1) });
    },
  });
  await seedAliases(wh.db); // known alternate spellings (Man Utd, Manchester United, …) → canonical teams
  const loaded = results.filter((r) => r.status === 'loaded');
  const summary = {
    results,
    files: results.length,
    loaded: loaded.length,
    inserted: loaded.reduce((s, r) => s + r.inserted, 0),
    updated: loaded.reduce((s, r) => s + r.updated, 0),
  };
  hooks.onMessage?.(`ingest: ${summary.files} files (${summary.loaded} loaded, ${summary.files - summary.loaded} unchanged); ${summary.inserted} matches inserted, ${summary.updated} updated`);
  return summary;
}

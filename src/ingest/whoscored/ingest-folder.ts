/**
 * Network-free paths into the warehouse:
 * - `ingestWhoScoredFolder`: saved pages / JSON (also .gz) → raw zone → parse → load;
 * - `reparseWhoScored`: rebuild the WhoScored tables from the raw zone alone.
 * Listings load before match centres, match centres before previews, so pages find their match.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ObjectStore } from '../../lake/store.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import { detectKind, parsePage, type ContentKind, type ParsedPage } from './detect.ts';
import { addCounts, zeroCounts, type LoadCounts } from './load-core.ts';
import { loadFixtures, loadMatchCentre, loadPreview, type PageLoad } from './load.ts';
import { decodeSaved, matchIdFromFileName } from './parse-file.ts';
import { errorText } from '../football-data/error-text.ts';

/** An error message that names the file it came from (once). */
function naming(file: string, e: unknown): string {
  const msg = errorText(e);
  return msg.includes(file) ? msg : `${file}: ${msg}`;
}
import { getRaw, latestOkPages, markLoaded, putRaw, recordPage } from './rawzone.ts';
import { wsDb, type WsDb } from './schema.ts';
import { idsFromPath } from './urls.ts';

export interface WhoScoredLoadReport {
  ingestionRunId?: number;
  files: number;
  stored: number;
  parsed: number;
  loaded: number;
  alreadyLoaded: number;
  matches: LoadCounts;
  errors: string[];
  skipped: string[];
}

const KIND_ORDER: Record<ContentKind, number> = { regions: 0, tournament: 1, calendar: 2, fixtures: 3, 'match-centre': 4, preview: 5 };
const EXTENSIONS = /\.(html?|json|txt)(\.gz)?$|\.gz$/i;

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile() && EXTENSIONS.test(e.name)) out.push(p);
  }
  return out.sort();
}

async function loadParsed(db: WsDb, parsed: ParsedPage, rawPageId: number, ingestionRunId?: number): Promise<PageLoad | undefined> {
  const opts = { rawPageId, ...(ingestionRunId !== undefined ? { ingestionRunId } : {}) };
  switch (parsed.kind) {
    case 'fixtures':
      return { loaded: true, counts: await loadFixtures(db, parsed.fixtures, opts) };
    case 'match-centre':
      return loadMatchCentre(db, parsed.match, opts);
    case 'preview':
      return loadPreview(db, parsed.preview, opts);
    default:
      return undefined; // navigation pages: stored and parsed, nothing to load
  }
}

function tally(report: WhoScoredLoadReport, r: PageLoad | undefined): void {
  if (!r) return;
  if (r.loaded) {
    report.loaded++;
    report.matches = addCounts(report.matches, r.counts);
  } else report.skipped.push(r.reason);
}

/** Progress of a folder or raw-zone load: `step` names it, `done` of `total` files are finished. */
export type LoadProgress = (step: string, done: number, total: number) => void;

export async function ingestWhoScoredFolder(opts: { wh: Pick<Warehouse, 'db'>; lake: ObjectStore; from: string; onProgress?: LoadProgress }): Promise<WhoScoredLoadReport> {
  const db = wsDb(opts.wh.db);
  const root = path.resolve(opts.from);
  let files: string[];
  try {
    files = await listFiles(root);
  } catch (e) {
    throw new Error(`ingest whoscored --from "${opts.from}": cannot read the folder (${errorText(e)})`);
  }
  const report: WhoScoredLoadReport = { files: files.length, stored: 0, parsed: 0, loaded: 0, alreadyLoaded: 0, matches: zeroCounts(), errors: [], skipped: [] };
  const ing = await db.insertInto('ingestion_runs').values({ source: 'whoscored-folder', file: root, checksum: '', status: 'running' }).returning('id').executeTakeFirstOrThrow();
  report.ingestionRunId = ing.id;
  const items: { file: string; url: string; body: Uint8Array; text: string; kind: ContentKind; matchId?: number }[] = [];
  for (const [i, file] of files.entries()) {
    opts.onProgress?.('read', i, files.length);
    try {
      const body = decodeSaved(new Uint8Array(await readFile(file)));
      const text = Buffer.from(body).toString('utf8');
      const url = pathToFileURL(file).toString();
      const matchId = matchIdFromFileName(file);
      items.push({ file, url, body, text, kind: detectKind(text, file), ...(matchId !== undefined ? { matchId } : {}) });
    } catch (e) {
      report.errors.push(naming(file, e)); // one unreadable file does not stop the folder
    }
  }
  items.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.file.localeCompare(b.file));
  const shas: string[] = [];
  for (const [i, it] of items.entries()) {
    opts.onProgress?.(`load ${path.basename(it.file)}`, i, items.length);
    const stored = await putRaw(opts.lake, it.body);
    if (stored.created) report.stored++;
    shas.push(stored.sha256);
    const base = { url: it.url, kind: it.kind, httpStatus: 0, ...stored, whoscoredMatchId: it.matchId ?? null } as const;
    let parsed: ParsedPage;
    try {
      parsed = parsePage(it.kind, it.text, { page: it.file, ...(it.matchId !== undefined ? { matchId: it.matchId } : {}) });
      report.parsed++;
    } catch (e) {
      await recordPage(db, { ...base, outcome: 'invalid', error: naming(it.file, e) });
      report.errors.push(naming(it.file, e));
      continue;
    }
    const matchStatus = parsed.kind === 'match-centre' ? parsed.match.status : null;
    const { id } = await recordPage(db, { ...base, outcome: 'ok', matchStatus });
    const row = await db.selectFrom('whoscored_raw_pages').select('loaded_at').where('id', '=', id).executeTakeFirstOrThrow();
    if (row.loaded_at) {
      report.alreadyLoaded++;
      continue;
    }
    const loaded = await loadParsed(db, parsed, id, ing.id);
    if (loaded === undefined) await markLoaded(db, id); // navigation page: nothing to load
    tally(report, loaded);
  }
  opts.onProgress?.('load', items.length, items.length);
  await db
    .updateTable('ingestion_runs')
    .set({
      status: 'success',
      checksum: createHash('sha256').update(shas.sort().join('\n')).digest('hex'),
      rows_read: report.parsed,
      ...report.matches,
      error: report.errors.length ? report.errors.join('\n').slice(0, 4000) : null,
      finished_at: new Date(),
    })
    .where('id', '=', ing.id)
    .execute();
  return report;
}

/**
 * Rebuild the WhoScored tables from the raw zone alone, in one transaction: the derived
 * tables are emptied and every URL's newest usable body is parsed and loaded again.
 * Shared match rows are upserted, never deleted.
 */
export async function reparseWhoScored(opts: { wh: Pick<Warehouse, 'db'>; lake: ObjectStore; onProgress?: LoadProgress }): Promise<WhoScoredLoadReport> {
  const db = wsDb(opts.wh.db);
  const rows = await latestOkPages(db);
  const report: WhoScoredLoadReport = { files: rows.length, stored: 0, parsed: 0, loaded: 0, alreadyLoaded: 0, matches: zeroCounts(), errors: [], skipped: [] };
  const bodies = new Map<string, Uint8Array>();
  for (const r of rows) if (r.kind !== 'robots' && r.kind !== 'unknown') bodies.set(r.sha256, await getRaw(opts.lake, r.sha256));
  await db.transaction().execute(async (trx) => {
    for (const t of ['whoscored_missing_players', 'whoscored_formations', 'whoscored_lineups', 'whoscored_team_stats', 'whoscored_matches'] as const) {
      await trx.deleteFrom(t).execute();
    }
    await trx.updateTable('whoscored_raw_pages').set({ loaded_at: null }).execute();
    for (const [i, r] of rows.entries()) {
      opts.onProgress?.('reparse', i, rows.length);
      const body = bodies.get(r.sha256);
      if (!body) continue;
      const kind = r.kind as ContentKind;
      const matchId = r.whoscored_match_id ?? idsFromPath(r.url).matchId;
      let parsed: ParsedPage;
      try {
        parsed = parsePage(kind, Buffer.from(body).toString('utf8'), { page: r.url, ...(matchId != null ? { matchId } : {}) });
        report.parsed++;
      } catch (e) {
        report.errors.push(naming(r.url, e));
        continue;
      }
      const loaded = await loadParsed(trx, parsed, r.id);
      if (loaded === undefined) await markLoaded(trx, r.id);
      tally(report, loaded);
    }
  });
  return report;
}

/**
 * Snapshots: the curated warehouse tables (and the feature table) as Parquet files plus a
 * `manifest.json` (row counts, schemas, content hashes, source ingestion runs). The same
 * warehouse content always gives the same bytes. A snapshot's id is the DVC directory hash of
 * its files (without ".dir"), so `dvc.lock` and the lake name it alike; in the lake it lives,
 * immutable, at `snapshots/<id>/` (manifest written last: its presence marks it complete).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stableJson, STABLE_JSON_FILE } from '../../domain/stable-json.ts';
import type { Warehouse } from '../../warehouse/db.ts';
import type { ObjectStore } from '../store.ts';
import { dirManifest, md5Hex } from '../dvc/hash.ts';
import { toParquet, type Column, type TableData } from './parquet.ts';
import { readCuratedTables, type SourceRun } from './tables.ts';

export const SNAPSHOT_FORMAT = 'time2bet.snapshot/v1';
export const MANIFEST_FILE = 'manifest.json';

export interface TableEntry {
  name: string;
  file: string;
  rows: number;
  bytes: number;
  md5: string;
  sha256: string;
  schema: Column[];
}

export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  tables: TableEntry[];
  sources: SourceRun[];
  /** The feature function and configuration that computed `features.parquet` (src/stages/features.ts), or null. */
  features: { function: string; params: unknown; key: string } | null;
}

export interface Snapshot {
  /** md5 of the DVC `.dir` manifest of the snapshot's files (32 hex). */
  id: string;
  manifest: SnapshotManifest;
  /** File name → bytes, manifest.json included. */
  files: Map<string, Uint8Array>;
}

/** Progress of a long snapshot step: `step` names it, `done` of `total` units are finished. */
export type SnapshotProgress = (step: string, done: number, total: number) => void;

export function buildSnapshot(tables: readonly TableData[], sources: SourceRun[], features: SnapshotManifest['features'], onProgress?: SnapshotProgress): Snapshot {
  const files = new Map<string, Uint8Array>();
  const entries: TableEntry[] = [];
  for (const [i, t] of tables.entries()) {
    onProgress?.(`parquet ${t.name}`, i, tables.length);
    const bytes = toParquet(t);
    const file = `${t.name}.parquet`;
    files.set(file, bytes);
    entries.push({
      name: t.name,
      file,
      rows: t.rows.length,
      bytes: bytes.byteLength,
      md5: md5Hex(bytes),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      schema: t.columns,
    });
  }
  onProgress?.('parquet', tables.length, tables.length);
  const manifest: SnapshotManifest = { format: SNAPSHOT_FORMAT, tables: entries, sources, features };
  files.set(MANIFEST_FILE, Buffer.from(stableJson(manifest, STABLE_JSON_FILE), 'utf8'));
  const dir = dirManifest([...files].map(([relpath, bytes]) => ({ relpath, md5: md5Hex(bytes) })));
  return { id: md5Hex(dir), manifest, files };
}

/** A feature table computed by the caller (the lake stores features; it does not compute them). */
export interface SnapshotFeatures {
  table: TableData;
  function: string;
  params: unknown;
  key: string;
}

/** Read the warehouse and build its snapshot (with the given feature table unless `features` is null). */
export async function snapshotWarehouse(wh: Warehouse, features: SnapshotFeatures | null, onProgress?: SnapshotProgress): Promise<Snapshot> {
  onProgress?.('read warehouse tables', 0, 1);
  const t = await readCuratedTables(wh);
  const tables = [t.matches, t.match_stats, t.odds, t.odds_totals];
  if (features) tables.push(features.table);
  onProgress?.('read', 1, 1);
  return buildSnapshot(tables, t.sources, features ? { function: features.function, params: features.params, key: features.key } : null, onProgress);
}

/** Write the snapshot's files into `dir`, replacing whatever the folder held. */
export async function writeSnapshotDir(s: Snapshot, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of s.files) await writeFile(path.join(dir, name), bytes);
}

export const snapshotPrefix = (id: string) => `snapshots/${id}/`;

/** Store the snapshot in the lake at `snapshots/<id>/`; an existing complete snapshot is left untouched. */
export async function publishSnapshot(s: Snapshot, lake: ObjectStore, onProgress?: SnapshotProgress): Promise<{ prefix: string; created: boolean }> {
  const prefix = snapshotPrefix(s.id);
  if (await lake.exists(prefix + MANIFEST_FILE)) return { prefix, created: false };
  let done = 0;
  for (const [name, bytes] of s.files) {
    if (name === MANIFEST_FILE) continue;
    onProgress?.(`store ${name}`, done++, s.files.size);
    await lake.put(prefix + name, bytes);
  }
  await lake.put(prefix + MANIFEST_FILE, s.files.get(MANIFEST_FILE)!);
  onProgress?.('store', s.files.size, s.files.size);
  return { prefix, created: true };
}

/** Ids of the complete snapshots in the lake. */
export async function listSnapshots(lake: ObjectStore): Promise<string[]> {
  return (await lake.list('snapshots/')).filter((k) => k.endsWith(`/${MANIFEST_FILE}`)).map((k) => k.split('/')[1]!);
}

/** A snapshot's manifest (from a folder), checking each table file's hash. */
export async function readSnapshotDir(dir: string): Promise<{ manifest: SnapshotManifest; files: Map<string, Uint8Array> }> {
  const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as SnapshotManifest;
  if (manifest.format !== SNAPSHOT_FORMAT) throw new Error(`${dir}: not a ${SNAPSHOT_FORMAT} snapshot (format ${JSON.stringify(manifest.format)})`);
  const files = new Map<string, Uint8Array>();
  const present = new Set(await readdir(dir));
  for (const t of manifest.tables) {
    if (!present.has(t.file)) throw new Error(`${dir}: ${t.file} is missing`);
    const bytes = new Uint8Array(await readFile(path.join(dir, t.file)));
    if (md5Hex(bytes) !== t.md5) throw new Error(`${dir}/${t.file} does not match the manifest's hash`);
    files.set(t.name, bytes);
  }
  return { manifest, files };
}

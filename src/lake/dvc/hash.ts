/**
 * DVC 3 hashes. A file's hash is the plain MD5 of its bytes (no CRLF conversion). A directory's
 * hash is the MD5 of its `.dir` manifest with ".dir" appended; the manifest is
 * `json.dumps(sorted(entries, key=relpath), sort_keys=True)` as UTF-8 with Python's defaults
 * (separators ", " and ": ", ensure_ascii), each entry `{"md5": …, "relpath": "a/b.csv"}`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface DirEntry {
  md5: string;
  relpath: string;
}

/** What DVC records for an out or a dep: `md5` (".dir"-suffixed for a directory), size, nfiles. */
export interface HashInfo {
  md5: string;
  size: number;
  /** Directories only. */
  nfiles?: number;
  isDir: boolean;
}

export interface DirHash extends HashInfo {
  isDir: true;
  nfiles: number;
  entries: DirEntry[];
  /** The `.dir` object's bytes. */
  manifest: Buffer;
}

export const md5Hex = (bytes: Uint8Array | string): string => createHash('md5').update(bytes).digest('hex');

/** MD5 and size of a file, streamed. */
export async function md5File(file: string): Promise<{ md5: string; size: number }> {
  const h = createHash('md5');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { md5: h.digest('hex'), size };
}

/** Python's `json.dumps` string escaping with ensure_ascii=True (lower-case \\uXXXX). */
function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Python's code-point string order (the same as comparing UTF-8 bytes). */
export function comparePy(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * `json.dumps(value, sort_keys=True)` for strings, integers, booleans, null, lists and dicts.
 * (Non-integer numbers are refused: Python's float repr differs from JavaScript's.)
 */
export function pyJsonDumps(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`pyJsonDumps: only integers are supported, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value as object).sort(comparePy);
    return `{${keys.map((k) => `${pyString(k)}: ${pyJsonDumps((value as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  throw new Error(`pyJsonDumps: unsupported value of type ${typeof value}`);
}

/** The `.dir` object for these entries (sorted by relpath here). */
export function dirManifest(entries: readonly DirEntry[]): Buffer {
  const sorted = [...entries].sort((x, y) => comparePy(x.relpath, y.relpath)).map((e) => ({ md5: e.md5, relpath: e.relpath }));
  return Buffer.from(pyJsonDumps(sorted), 'utf8');
}

/** Parse a `.dir` object back into entries. */
export function parseDirManifest(bytes: Uint8Array, what: string): DirEntry[] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new Error(`${what} is not a valid .dir object: ${(e as Error).message}`);
  }
  if (!Array.isArray(v) || v.some((e) => typeof e?.md5 !== 'string' || typeof e?.relpath !== 'string')) {
    throw new Error(`${what} is not a valid .dir object: expected a list of {md5, relpath}`);
  }
  return v.map((e: DirEntry) => ({ md5: e.md5, relpath: e.relpath }));
}

/** Folders DVC never looks into when hashing a directory. */
const IGNORED_DIRS = new Set(['.git', '.dvc', '.hg']);

/** Every file below `dir` (following symlinks), as POSIX relative paths. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const isDir = e.isDirectory() || (e.isSymbolicLink() && (await stat(childAbs)).isDirectory());
      if (isDir) {
        if (!IGNORED_DIRS.has(e.name)) await walk(childAbs, childRel);
      } else out.push(childRel);
    }
  };
  await walk(dir, '');
  return out.sort(comparePy);
}

export async function hashDir(dir: string): Promise<DirHash> {
  const entries: DirEntry[] = [];
  let size = 0;
  for (const relpath of await listFiles(dir)) {
    const h = await md5File(path.join(dir, ...relpath.split('/')));
    entries.push({ md5: h.md5, relpath });
    size += h.size;
  }
  const manifest = dirManifest(entries);
  return { md5: `${md5Hex(manifest)}.dir`, size, nfiles: entries.length, isDir: true, entries, manifest };
}

/** Hash a file or a directory; undefined when the path does not exist. */
export async function hashPath(p: string): Promise<(HashInfo & { isDir: false }) | DirHash | undefined> {
  let st;
  try {
    st = await stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (st.isDirectory()) return hashDir(p);
  const h = await md5File(p);
  return { ...h, isDir: false };
}

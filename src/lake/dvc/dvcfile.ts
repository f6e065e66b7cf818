/**
 * `.dvc` files and the out entries shared with `dvc.lock`, with DVC 3's field names and order:
 * a `.dvc` out is `md5, size, [nfiles], hash: md5, path` (then any flags); a lock entry is
 * `path, hash: md5, md5, size, [nfiles]`.
 */
import { readFile, writeFile, rename } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { HashInfo } from './hash.ts';

/** YAML as DVC writes it: block style, list items not indented under their key, no folding. */
export function dumpYaml(value: unknown): string {
  return stringify(value, { indentSeq: false, lineWidth: 0, singleQuote: true, version: '1.2' });
}

export function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text, { version: '1.2' });
  } catch (e) {
    throw new Error(`${file}: not valid YAML: ${(e as Error).message}`);
  }
}

/** Write a text file atomically (temporary file + rename). */
export async function writeTextAtomically(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** One tracked out of a `.dvc` file. `md5` is absent until the data is added. */
export interface DvcOut {
  path: string;
  md5?: string;
  size?: number;
  nfiles?: number;
  /** `md5` for DVC 3; absent for 2.x legacy entries (md5-dos2unix). */
  hash?: 'md5';
  cache?: boolean;
  push?: boolean;
  remote?: string;
  desc?: string;
  [flag: string]: unknown;
}

export interface DvcFile {
  outs: DvcOut[];
  /** Everything else in the file (meta, deps, md5 of imports, …), kept as is. */
  rest: Record<string, unknown>;
}

const OUT_HASH_FIELDS = ['md5', 'size', 'nfiles', 'hash', 'path'];

/** A `.dvc` out in DVC 3 field order. */
export function dvcOutEntry(p: string, info: HashInfo, flags: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { md5: info.md5, size: info.size };
  if (info.isDir) out.nfiles = info.nfiles;
  out.hash = 'md5';
  out.path = p;
  for (const [k, v] of Object.entries(flags)) if (!OUT_HASH_FIELDS.includes(k) && v !== undefined) out[k] = v;
  return out;
}

/** A dep or out entry of `dvc.lock` in DVC 3 field order. */
export function lockEntry(p: string, info: HashInfo): LockOut {
  const out: LockOut = { path: p, hash: 'md5', md5: info.md5, size: info.size };
  if (info.isDir) out.nfiles = info.nfiles;
  return out;
}

export interface LockOut {
  path: string;
  hash: 'md5';
  md5: string;
  size: number;
  nfiles?: number;
}

export async function readDvcFile(file: string): Promise<DvcFile> {
  const v = parseYaml(await readFile(file, 'utf8'), file) as Record<string, unknown> | null;
  if (!v || typeof v !== 'object' || !Array.isArray(v.outs)) throw new Error(`${file}: expected a .dvc file with an "outs" list`);
  const outs = (v.outs as unknown[]).map((o, i) => {
    const out = o as DvcOut;
    if (!out || typeof out.path !== 'string') throw new Error(`${file}: outs[${i}] has no "path"`);
    if (out.md5 !== undefined && !/^[0-9a-f]{32}(\.dir)?$/.test(String(out.md5))) throw new Error(`${file}: outs[${i}].md5 "${out.md5}" is not an MD5`);
    return out;
  });
  const { outs: _outs, ...rest } = v;
  return { outs, rest };
}

export async function writeDvcFile(file: string, outs: readonly Record<string, unknown>[], rest: Record<string, unknown> = {}): Promise<void> {
  await writeTextAtomically(file, dumpYaml({ outs, ...rest }));
}

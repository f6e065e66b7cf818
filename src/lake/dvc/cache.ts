/**
 * The local DVC 3 cache: `.dvc/cache/files/md5/<2 hex>/<30 hex>` (a directory's manifest at
 * `…/<30 hex>.dir`). Objects are written to a temporary file and renamed (never half an object),
 * then made read-only (0o444) as DVC does. The workspace gets copies (DVC's `copy` link type).
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { hashPath, md5File, md5Hex, parseDirManifest, type DirEntry, type DirHash, type HashInfo } from './hash.ts';

const MD5_RE = /^[0-9a-f]{32}(\.dir)?$/;

/** `files/md5/ab/cdef….` — the object's key relative to a cache or remote root. */
export function objectKey(md5: string): string {
  if (!MD5_RE.test(md5)) throw new Error(`invalid DVC object id "${md5}": expected 32 hex digits, optionally ending in .dir`);
  return `files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Copy (reflink when the filesystem can) into place via a temporary file and a rename. */
async function copyAtomically(src: string, dest: string, mode: number): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = path.join(path.dirname(dest), `.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await copyFile(src, tmp, constants.COPYFILE_FICLONE);
    await chmod(tmp, mode);
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export class LocalCache {
  constructor(readonly root: string) {}

  path(md5: string): string {
    return path.join(this.root, ...objectKey(md5).split('/'));
  }

  has(md5: string): Promise<boolean> {
    return exists(this.path(md5));
  }

  /** Store bytes under their id (used for `.dir` manifests and pulled objects). */
  async putBytes(md5: string, bytes: Uint8Array): Promise<void> {
    const dest = this.path(md5);
    if (await exists(dest)) return;
    await mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
    await writeFile(tmp, bytes, { mode: 0o444 });
    await rename(tmp, dest);
  }

  /** Move a downloaded file into the cache after checking its MD5. */
  async adoptFile(md5: string, file: string): Promise<void> {
    const got = await md5File(file);
    const want = md5.replace(/\.dir$/, '');
    if (got.md5 !== want) {
      await rm(file, { force: true });
      throw new Error(`object ${md5} is corrupt: its bytes hash to ${got.md5}`);
    }
    const dest = this.path(md5);
    await mkdir(path.dirname(dest), { recursive: true });
    await chmod(file, 0o444);
    await rename(file, dest);
  }

  /** Commit a workspace file or directory (already hashed as `info`) into the cache. */
  async save(p: string, info: HashInfo | DirHash): Promise<void> {
    if (!info.isDir) {
      if (!(await this.has(info.md5))) await copyAtomically(p, this.path(info.md5), 0o444);
      return;
    }
    const dir = info as DirHash;
    for (const e of dir.entries) {
      if (!(await this.has(e.md5))) await copyAtomically(path.join(p, ...e.relpath.split('/')), this.path(e.md5), 0o444);
    }
    await this.putBytes(dir.md5, dir.manifest);
  }

  /** The entries of a cached `.dir` object, or undefined if it is not in the cache. */
  async dirEntries(md5: string): Promise<DirEntry[] | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(md5));
    } catch {
      return undefined;
    }
    if (md5Hex(bytes) !== md5.replace(/\.dir$/, '')) throw new Error(`cached object ${md5} is corrupt`);
    return parseDirManifest(bytes, `cache object ${md5}`);
  }

  /** Object ids an out needs (a directory: its manifest and every file); unknown if the manifest is missing. */
  async objectsOf(md5: string): Promise<{ ids: string[]; complete: boolean }> {
    if (!md5.endsWith('.dir')) return { ids: [md5], complete: true };
    const entries = await this.dirEntries(md5);
    if (!entries) return { ids: [md5], complete: false };
    return { ids: [md5, ...new Set(entries.map((e) => e.md5))], complete: true };
  }

  /** Ids among `ids` that are not in the cache. */
  async missing(ids: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const id of ids) if (!(await this.has(id))) out.push(id);
    return out;
  }

  /**
   * Make the workspace path match the cached object `md5`: copy the file (or every file of the
   * directory, removing files the directory should not hold). Throws if an object is missing.
   */
  async checkout(p: string, md5: string): Promise<void> {
    if (!md5.endsWith('.dir')) {
      if (!(await this.has(md5))) throw new Error(`cannot check out ${p}: object ${md5} is not in the cache (run \`time2bet data pull\`)`);
      const current = await hashPath(p);
      if (current?.isDir) await rm(p, { recursive: true, force: true });
      else if (current?.md5 === md5) return;
      await copyAtomically(this.path(md5), p, 0o644);
      return;
    }
    const entries = await this.dirEntries(md5);
    if (!entries) throw new Error(`cannot check out ${p}: directory object ${md5} is not in the cache (run \`time2bet data pull\`)`);
    const absent = await this.missing(entries.map((e) => e.md5));
    if (absent.length) throw new Error(`cannot check out ${p}: ${absent.length} of its objects are not in the cache (run \`time2bet data pull\`)`);
    const current = await hashPath(p);
    if (current && !current.isDir) await rm(p, { force: true });
    const have = new Map(current?.isDir ? (current as DirHash).entries.map((e) => [e.relpath, e.md5]) : []);
    const want = new Set(entries.map((e) => e.relpath));
    for (const rel of have.keys()) if (!want.has(rel)) await rm(path.join(p, ...rel.split('/')), { force: true });
    for (const e of entries) {
      if (have.get(e.relpath) !== e.md5) await copyAtomically(this.path(e.md5), path.join(p, ...e.relpath.split('/')), 0o644);
    }
    await mkdir(p, { recursive: true });
    await removeEmptyDirs(p);
  }
}

async function removeEmptyDirs(dir: string): Promise<boolean> {
  let empty = true;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() && (await removeEmptyDirs(path.join(dir, e.name)))) await rmdir(path.join(dir, e.name));
    else empty = false;
  }
  return empty;
}

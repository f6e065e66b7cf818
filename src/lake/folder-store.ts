/**
 * The embedded object store: a folder on disk. Writes go to a temporary file beside the
 * target (`.tmp-…`, never listed), flushed, then renamed over it (atomic on POSIX): a process
 * killed mid-write leaves at most a stray temporary file, never a partial object.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { validateKey, validatePrefix, type ByteSource, type ObjectStore } from './store.ts';

export class FolderStore implements ObjectStore {
  readonly location: string;
  constructor(private readonly root: string) {
    this.location = pathToFileURL(path.resolve(root)).toString();
  }
  /** Nothing to release: every operation opens and closes its own files. */
  close(): void {}
  #path(key: string): string {
    return path.join(this.root, ...validateKey(key).split('/'));
  }
  async #atomically(key: string, write: (tmp: string) => Promise<number>): Promise<number> {
    const target = this.#path(key);
    try {
      await mkdir(path.dirname(target), { recursive: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
      throw new Error(`object key "${key}" cannot be written in ${this.location}: a parent segment is an object (a folder store cannot hold both "a" and "a/b")`);
    }
    const tmp = path.join(path.dirname(target), `.tmp-${randomBytes(6).toString('hex')}-${path.basename(target)}`);
    try {
      const size = await write(tmp);
      await rename(tmp, target);
      return size;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
  async put(key: string, body: Uint8Array | string): Promise<void> {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    await this.#atomically(key, async (tmp) => {
      const fh = await open(tmp, 'wx');
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return bytes.byteLength;
    });
  }
  async putStream(key: string, body: ByteSource): Promise<number> {
    return this.#atomically(key, async (tmp) => {
      let size = 0;
      const count = async function* (src: AsyncIterable<Uint8Array>) {
        for await (const chunk of src) {
          size += chunk.byteLength;
          yield chunk;
        }
      };
      await pipeline(body instanceof Readable ? body : Readable.from(body), count, createWriteStream(tmp, { flags: 'wx' }));
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      return size;
    });
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.#path(key)));
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }
  async getStream(key: string): Promise<Readable | undefined> {
    const file = this.#path(key);
    try {
      if (!(await stat(file)).isFile()) return undefined;
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    return createReadStream(file);
  }
  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.#path(key))).isFile();
    } catch {
      return false;
    }
  }
  async delete(key: string): Promise<void> {
    try {
      await rm(this.#path(key), { force: true });
    } catch (e) {
      // A folder (the key is a prefix of other objects) is not an object: nothing to delete, as on S3.
      if ((e as NodeJS.ErrnoException).code !== 'ERR_FS_EISDIR' && (e as NodeJS.ErrnoException).code !== 'EISDIR') throw e;
    }
  }
  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix);
    const out: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.tmp-')) continue;
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          // Only descend where the prefix can still match.
          if (prefix.startsWith(`${r}/`) || `${r}/`.startsWith(prefix) || r.startsWith(prefix)) await walk(path.join(dir, e.name), r);
        } else if (r.startsWith(prefix)) out.push(r);
      }
    };
    await walk(this.root, '');
    return out.sort();
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

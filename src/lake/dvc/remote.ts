/**
 * DVC remotes: the `.dvc/config` (and `.dvc/config.local`) INI sections that name one, opened as
 * an ObjectStore holding DVC 3's layout (`files/md5/<2>/<30>`), and object transfer to and from
 * the local cache. Without a configured remote, the configured lake under `dvc/` is the remote.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config.ts';
import { FolderStore } from '../folder-store.ts';
import { S3Store } from '../s3-store.ts';
import { s3Options } from '../open.ts';
import type { ObjectStore } from '../store.ts';
import { objectKey, type LocalCache } from './cache.ts';

export type IniConfig = Record<string, Record<string, string>>;

/** Parse configobj-style INI as DVC writes it (`['remote "name"']` sections, `key = value`). */
export function parseIni(text: string): IniConfig {
  const out: IniConfig = {};
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim().replace(/^'(.*)'$/, '$1');
      out[section] ??= {};
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv) (out[section] ??= {})[kv[1]!] = kv[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

export async function readDvcConfig(root: string): Promise<IniConfig> {
  const merged: IniConfig = {};
  for (const f of ['config', 'config.local']) {
    let text: string;
    try {
      text = await readFile(path.join(root, '.dvc', f), 'utf8');
    } catch {
      continue;
    }
    for (const [sec, kv] of Object.entries(parseIni(text))) merged[sec] = { ...merged[sec], ...kv };
  }
  return merged;
}

export interface Remote {
  name: string;
  store: ObjectStore;
  close(): void;
}

/** The remote named `name`, else `core.remote`, else the configured lake under `dvc/`. */
export async function openRemote(root: string, cfg: Config, name?: string): Promise<Remote> {
  const ini = await readDvcConfig(root);
  const chosen = name ?? ini.core?.remote;
  const closeOf = (s: ObjectStore) => () => s.close();
  if (!chosen) {
    const store =
      cfg.lake === 's3'
        ? new S3Store(s3Options(cfg, { prefix: [cfg.s3Prefix.replace(/\/+$/, ''), 'dvc'].filter(Boolean).join('/') }))
        : new FolderStore(path.join(cfg.lakeDir, 'dvc'));
    return { name: `lake (${store.location})`, store, close: closeOf(store) };
  }
  const sec = ini[`remote "${chosen}"`];
  if (!sec?.url) throw new Error(`DVC remote "${chosen}" is not defined in .dvc/config (expected ['remote "${chosen}"'] with a url)`);
  const url = sec.url;
  let store: ObjectStore;
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (s3) {
    const creds = sec.access_key_id && sec.secret_access_key ? { accessKeyId: sec.access_key_id, secretAccessKey: sec.secret_access_key } : undefined;
    store = new S3Store(
      s3Options(
        { ...cfg, s3Bucket: s3[1]! },
        { prefix: s3[2]!, endpoint: sec.endpointurl ?? cfg.s3Endpoint, region: sec.region ?? cfg.s3Region, ...(creds ? { credentials: creds } : {}) },
      ),
    );
  } else if (/^[a-z][a-z0-9+]*:\/\//i.test(url) && !url.startsWith('file://')) {
    throw new Error(`DVC remote "${chosen}": ${url.split(':')[0]} remotes are not supported by time2bet (s3:// and local folders are)`);
  } else {
    const p = url.startsWith('file://') ? new URL(url).pathname : url;
    store = new FolderStore(path.resolve(path.join(root, '.dvc'), p));
  }
  return { name: chosen, store, close: closeOf(store) };
}

/** Run `fn` over `items` with at most `limit` in flight; rejects with the first error. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Ids among `ids` already on the remote. */
export async function remoteHas(store: ObjectStore, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const keys = new Set(await store.list('files/md5/'));
  return new Set(ids.filter((id) => keys.has(objectKey(id))));
}

/** Upload the cached objects the remote lacks; returns how many were sent. */
export async function pushObjects(cache: LocalCache, store: ObjectStore, ids: readonly string[], jobs = 8): Promise<number> {
  const present = await remoteHas(store, ids);
  const missing = [...new Set(ids)].filter((id) => !present.has(id));
  await mapLimit(missing, jobs, (id) => store.putStream(objectKey(id), createReadStream(cache.path(id))).then(() => undefined));
  return missing.length;
}

/** Download objects into the cache (verifying each MD5); returns ids the remote does not have. */
export async function fetchObjects(cache: LocalCache, store: ObjectStore, ids: readonly string[], jobs = 8): Promise<string[]> {
  const absent: string[] = [];
  await mapLimit([...new Set(ids)], jobs, async (id) => {
    if (await cache.has(id)) return;
    const body = await store.getStream(objectKey(id));
    if (!body) {
      absent.push(id);
      return;
    }
    const dest = cache.path(id);
    await mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await pipeline(body, createWriteStream(tmp));
      await cache.adoptFile(id, tmp);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  });
  return absent.sort();
}

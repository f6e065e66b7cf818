/**
 * The lake: an object store interface with two implementations, a folder on disk
 * (src/lake/folder-store.ts, the default) and S3/MinIO (src/lake/s3-store.ts).
 * `openLake(cfg)` in src/lake/open.ts picks one from the configuration.
 */
import type { Readable } from 'node:stream';

/** A body to stream into the store: a Node stream or any async iterable of bytes. */
export type ByteSource = Readable | AsyncIterable<Uint8Array>;

export interface ObjectStore {
  /** Write an object atomically: a reader sees the old object, the new one, or none; never half. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Remove an object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Write a (possibly large) object from a stream, atomically like `put`; returns its size. */
  putStream(key: string, body: ByteSource): Promise<number>;
  /** The object as a stream, or undefined when there is no such key. */
  getStream(key: string): Promise<Readable | undefined>;
  /** Human-readable location, e.g. `file:///…/lake` or `s3://bucket/prefix`. */
  readonly location: string;
  /** Release connections (the S3 client's sockets) so the process can exit; the store may be used again afterwards. */
  close(): void;
}

const KEY_RE = /^[A-Za-z0-9._=@+-]+(\/[A-Za-z0-9._=@+-]+)*$/;

/**
 * Keys are relative POSIX paths of safe characters, at most 1024 characters, without `.`/`..`
 * segments and without segments starting with `.tmp-` (the folder store's in-flight files).
 */
export function validateKey(key: string): string {
  if (
    !KEY_RE.test(key) ||
    key.length > 1024 ||
    key.split('/').some((s) => s === '.' || s === '..' || s.startsWith('.tmp-'))
  ) {
    throw new Error(
      `invalid object key "${key}": expected a relative path of [A-Za-z0-9._=@+-] segments separated by "/", without "." or ".." segments (at most 1024 characters)`,
    );
  }
  return key;
}

/**
 * A list prefix: empty, or a key-like string that may end with "/" (`snapshots/`) or stop
 * mid-segment (`snapshots/ab`). Rejects traversal the same way keys do.
 */
export function validatePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  validateKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

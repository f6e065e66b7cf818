/**
 * The lake: an object store interface. The embedded implementation is a folder
 * (src/lake/folder-store.ts); production uses S3/MinIO behind the same interface.
 */
export interface ObjectStore {
  /** Write an object atomically: a reader sees the old object, the new one, or none; never half. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /** Human-readable location, e.g. `file:///…/lake` or `s3://bucket/prefix`. */
  readonly location: string;
}

const KEY_RE = /^[A-Za-z0-9._=@+-]+(\/[A-Za-z0-9._=@+-]+)*$/;

/** Keys are relative POSIX paths of safe characters, no `.`/`..` segments. */
export function validateKey(key: string): string {
  if (!KEY_RE.test(key) || key.split('/').some((s) => s === '.' || s === '..') || key.length > 1024) {
    throw new Error(`invalid object key "${key}": expected a relative path of [A-Za-z0-9._=@+-] segments separated by "/", without "." or ".." segments`);
  }
  return key;
}

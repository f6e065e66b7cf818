/** An in-process s3rver on a free port, with buckets, for the S3 tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { S3Store, type S3StoreOptions } from '../../../src/lake/s3-store.ts';

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface FakeS3 {
  endpoint: string;
  /** A store on `bucket` (default `lake`) under `prefix`. */
  store(prefix?: string, opts?: Partial<S3StoreOptions>): S3Store;
  /** The s3rver data folder (objects are `<bucket>/<key>._S3rver_object`). */
  directory: string;
  close(): Promise<void>;
}

export async function startS3rver(buckets: string[] = ['lake']): Promise<FakeS3> {
  const directory = mkdtempSync(path.join(tmpdir(), 't2b-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const stores: S3Store[] = [];
  return {
    endpoint,
    directory,
    store(prefix = '', opts = {}) {
      const s = new S3Store({
        bucket: buckets[0]!,
        prefix,
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: S3RVER_CREDENTIALS,
        ...opts,
      });
      stores.push(s);
      return s;
    },
    async close() {
      for (const s of stores) s.close();
      server.httpServer?.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

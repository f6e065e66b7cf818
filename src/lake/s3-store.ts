/**
 * The production object store: S3 or anything that speaks its API (MinIO, Ceph, s3rver).
 * Keys live under an optional prefix of one bucket. Writes go through lib-storage's `Upload`:
 * a body up to one part is a single PutObject, a larger one a multipart upload. Both are
 * atomic on S3: an object becomes visible only when PutObject or CompleteMultipartUpload
 * succeeds, so a writer killed mid-way leaves nothing a reader can see.
 * The AWS SDK is loaded on first use, so commands that never touch S3 do not pay for it.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { Readable, Transform } from 'node:stream';
import { validateKey, validatePrefix, type ByteSource, type ObjectStore } from './store.ts';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket (no leading or trailing "/" needed), e.g. `time2bet/lake`. */
  prefix?: string;
  /** e.g. `us-east-1`; any value works for MinIO and s3rver. */
  region?: string;
  /** Custom endpoint (MinIO, s3rver), e.g. `http://127.0.0.1:9000`; unset = AWS. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`); needed by MinIO and s3rver on host names. */
  forcePathStyle?: boolean;
  /** Static credentials; unset = the AWS SDK's default chain (environment, profile, role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Multipart part size in bytes (≥ 5 MiB); bodies above one part use multipart. Default 8 MiB. */
  partSize?: number;
  /** Parts uploaded in parallel. Default 4. */
  queueSize?: number;
}

const MIB = 1024 * 1024;

export class S3Store implements ObjectStore {
  readonly location: string;
  readonly #config: S3ClientConfig;
  #client?: S3Client;
  readonly #bucket: string;
  readonly #base: string;
  readonly #partSize: number;
  readonly #queueSize: number;

  constructor(opts: S3StoreOptions) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(opts.bucket)) {
      throw new Error(`invalid S3 bucket name "${opts.bucket}": expected 3-63 characters of a-z, 0-9, "." and "-"`);
    }
    const prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix) validateKey(prefix);
    this.#bucket = opts.bucket;
    this.#base = prefix ? `${prefix}/` : '';
    this.#partSize = Math.max(5 * MIB, opts.partSize ?? 8 * MIB);
    this.#queueSize = Math.max(1, opts.queueSize ?? 4);
    this.location = `s3://${opts.bucket}/${prefix}`;
    this.#config = {
      region: opts.region ?? 'us-east-1',
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      forcePathStyle: opts.forcePathStyle ?? false,
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
    };
  }

  async #sdk() {
    const sdk = await import('@aws-sdk/client-s3');
    this.#client ??= new sdk.S3Client(this.#config);
    return { sdk, client: this.#client };
  }

  #key(key: string): string {
    return this.#base + validateKey(key);
  }

  async #upload(key: string, body: Uint8Array | Readable): Promise<void> {
    const { client } = await this.#sdk();
    const { Upload } = await import('@aws-sdk/lib-storage');
    const upload = new Upload({
      client,
      params: { Bucket: this.#bucket, Key: this.#key(key), Body: body },
      partSize: this.#partSize,
      queueSize: this.#queueSize,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.#key(key);
    await this.#upload(key, typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  }

  async putStream(key: string, body: ByteSource): Promise<number> {
    this.#key(key);
    let size = 0;
    const source = body instanceof Readable ? body : Readable.from(body);
    const counted = source.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.byteLength;
          cb(null, chunk);
        },
      }),
    );
    source.on('error', (e) => counted.destroy(e));
    await this.#upload(key, counted);
    return size;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const body = await this.#getBody(key);
    return body ? await body.transformToByteArray() : undefined;
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const body = await this.#getBody(key);
    return body ? (body as unknown as Readable) : undefined;
  }

  async #getBody(key: string) {
    try {
      const key_ = this.#key(key);
      const { sdk, client } = await this.#sdk();
      const r = await client.send(new sdk.GetObjectCommand({ Bucket: this.#bucket, Key: key_ }));
      if (!r.Body) throw new Error(`S3 GetObject ${this.location}${key}: empty response body`);
      return r.Body;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      const key_ = this.#key(key);
      const { sdk, client } = await this.#sdk();
      await client.send(new sdk.HeadObjectCommand({ Bucket: this.#bucket, Key: key_ }));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    const key_ = this.#key(key);
    const { sdk, client } = await this.#sdk();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.#bucket, Key: key_ }));
  }

  async list(prefix: string): Promise<string[]> {
    validatePrefix(prefix);
    const { sdk, client } = await this.#sdk();
    const out: string[] = [];
    let token: string | undefined;
    do {
      const r = await client.send(
        new sdk.ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#base + prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) if (o.Key?.startsWith(this.#base)) out.push(o.Key.slice(this.#base.length));
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  /** Close the client's connections. */
  close(): void {
    this.#client?.destroy();
    this.#client = undefined;
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}

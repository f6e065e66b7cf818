/** The lake that a configuration names: a folder (default) or an S3 bucket. */
import { ConfigError, type Config } from '../config.ts';
import { FolderStore } from './folder-store.ts';
import { S3Store, type S3StoreOptions } from './s3-store.ts';
import type { ObjectStore } from './store.ts';

export type LakeConfig = Pick<
  Config,
  'lake' | 'lakeDir' | 's3Endpoint' | 's3Region' | 's3Bucket' | 's3Prefix' | 's3PathStyle' | 's3AccessKeyId' | 's3SecretAccessKey'
>;

/** S3 connection settings from the configuration (bucket and prefix may be overridden). */
export function s3Options(cfg: LakeConfig, over: Partial<S3StoreOptions> = {}): S3StoreOptions {
  const bucket = over.bucket ?? cfg.s3Bucket;
  if (!bucket) throw new ConfigError('TIME2BET_LAKE=s3 needs TIME2BET_S3_BUCKET (the bucket of the lake)');
  if (Boolean(cfg.s3AccessKeyId) !== Boolean(cfg.s3SecretAccessKey)) {
    throw new ConfigError('TIME2BET_S3_ACCESS_KEY_ID and TIME2BET_S3_SECRET_ACCESS_KEY must be set together (or neither, for the AWS default chain)');
  }
  return {
    bucket,
    prefix: over.prefix ?? cfg.s3Prefix,
    region: over.region ?? cfg.s3Region,
    endpoint: over.endpoint ?? cfg.s3Endpoint,
    forcePathStyle: over.forcePathStyle ?? cfg.s3PathStyle,
    credentials:
      over.credentials ??
      (cfg.s3AccessKeyId && cfg.s3SecretAccessKey
        ? { accessKeyId: cfg.s3AccessKeyId, secretAccessKey: cfg.s3SecretAccessKey }
        : undefined),
  };
}

/** Open the configured lake. Throws ConfigError when `lake=s3` lacks a bucket. */
export function openLake(cfg: LakeConfig): ObjectStore {
  if (cfg.lake === 's3') return new S3Store(s3Options(cfg));
  return new FolderStore(cfg.lakeDir);
}

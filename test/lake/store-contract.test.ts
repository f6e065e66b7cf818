import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { S3Store } from '../../src/lake/s3-store.ts';
import { openLake } from '../../src/lake/open.ts';
import { loadConfig, describeConfig, ConfigError } from '../../src/config.ts';
import { storeContract } from './helpers/contract.ts';
import { startS3rver, type FakeS3 } from './helpers/s3.ts';

const root = mkdtempSync(path.join(tmpdir(), 't2b-folder-store-'));
let s3: FakeS3;
before(async () => {
  s3 = await startS3rver();
});
after(async () => {
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

storeContract('folder', () => new FolderStore(path.join(root, randomBytes(4).toString('hex'))));
storeContract('s3rver', () => s3.store(`t/${randomBytes(4).toString('hex')}`));

test('s3: a prefix-less store sees the whole bucket; location names bucket and prefix', async () => {
  const scoped = s3.store('scoped/p1');
  await scoped.put('x', 'x');
  assert.equal(scoped.location, 's3://lake/scoped/p1');
  const whole = s3.store('');
  assert.ok((await whole.list('scoped/')).includes('scoped/p1/x'));
  assert.ok(await whole.exists('scoped/p1/x'));
});

test('s3: bad bucket names and prefixes are refused up front', () => {
  assert.throws(() => new S3Store({ bucket: 'Bad_Bucket' }), /invalid S3 bucket name/);
  assert.throws(() => new S3Store({ bucket: 'ok-bucket', prefix: 'a/../b' }), /invalid object key/);
});

test('openLake: folder by default, s3 from the configuration, secrets redacted', async () => {
  const folder = openLake(loadConfig({ TIME2BET_HOME: root }));
  assert.ok(folder instanceof FolderStore);
  assert.equal(folder.location, new URL(`file://${path.join(root, 'lake')}`).toString());
  const cfg = loadConfig({
    TIME2BET_HOME: root,
    TIME2BET_LAKE: 's3',
    TIME2BET_S3_ENDPOINT: s3.endpoint,
    TIME2BET_S3_BUCKET: 'lake',
    TIME2BET_S3_PREFIX: 'configured',
    TIME2BET_S3_PATH_STYLE: 'true',
    TIME2BET_S3_ACCESS_KEY_ID: 'S3RVER',
    TIME2BET_S3_SECRET_ACCESS_KEY: 'S3RVER',
  });
  const lake = openLake(cfg);
  assert.ok(lake instanceof S3Store);
  await lake.put('hello', 'world');
  assert.equal(new TextDecoder().decode(await s3.store('configured').get('hello')), 'world');
  lake.close();
  const d = describeConfig(cfg);
  assert.equal(d.s3SecretAccessKey!.value, '***');
  assert.equal(d.s3AccessKeyId!.value, '***'); // a key id shorter than 12 characters is masked whole
  assert.equal(d.s3PathStyle!.value, true);
  assert.equal(loadConfig({ TIME2BET_S3_PATH_STYLE: 'false' }).s3PathStyle, false);
  assert.throws(() => loadConfig({ TIME2BET_S3_PATH_STYLE: 'maybe' }), ConfigError);
  assert.throws(() => loadConfig({ TIME2BET_LAKE: 'ftp' }), /TIME2BET_LAKE="ftp" is invalid: expected folder or s3/);
  assert.throws(() => openLake(loadConfig({ TIME2BET_LAKE: 's3' })), /needs TIME2BET_S3_BUCKET/);
  assert.throws(
    () => openLake(loadConfig({ TIME2BET_LAKE: 's3', TIME2BET_S3_BUCKET: 'b-1', TIME2BET_S3_ACCESS_KEY_ID: 'x' })),
    /must be set together/,
  );
  const bad = (() => {
    try {
      loadConfig({ TIME2BET_S3_SECRET_ACCESS_KEY: '' + 'x'.repeat(0), TIME2BET_S3_BUCKET: 'NOPE' });
    } catch (e) {
      return (e as Error).message;
    }
  })();
  assert.match(bad ?? '', /TIME2BET_S3_BUCKET="NOPE" is invalid/);
});

test('folder: a stale temporary file of a killed writer is never listed', async () => {
  const dir = path.join(root, 'stale');
  const s = new FolderStore(dir);
  await s.put('a/x', 'x');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(dir, 'a', '.tmp-deadbeef0000-y'), 'half');
  assert.deepEqual(await s.list(''), ['a/x']);
  assert.equal(await s.exists('a/y'), false);
});

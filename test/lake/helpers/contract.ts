/** The ObjectStore contract: every implementation must pass these, unchanged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ObjectStore } from '../../../src/lake/store.ts';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

async function drain(r: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Uint8Array));
  return new Uint8Array(Buffer.concat(chunks));
}

export const BAD_KEYS = ['', '/abs', '../up', 'a/../../b', 'a//b', 'a/./b', 'a/', 'a\\b', 'sp ace', 'x/.tmp-123-y', 'é', 'a/..', '.'];

/** Register the contract tests for `label`; `store()` gives a fresh, empty store each time. */
export function storeContract(label: string, store: () => ObjectStore): void {
  test(`${label}: put/get round-trips bytes and UTF-8 strings; missing keys are undefined`, async () => {
    const s = store();
    const bytes = new Uint8Array(randomBytes(1000));
    await s.put('a/b/c.bin', bytes);
    assert.deepEqual(await s.get('a/b/c.bin'), bytes);
    await s.put('t.txt', 'héllo ⚽');
    assert.equal(new TextDecoder().decode(await s.get('t.txt')), 'héllo ⚽');
    await s.put('empty', new Uint8Array(0));
    assert.deepEqual(await s.get('empty'), new Uint8Array(0));
    assert.equal(await s.exists('empty'), true);
    assert.equal(await s.get('nope'), undefined);
    assert.equal(await s.get('a/b'), undefined, 'a "directory" is not an object');
    assert.equal(await s.exists('nope'), false);
    assert.equal(await s.exists('a/b'), false);
    assert.equal(await s.getStream('nope'), undefined);
  });

  test(`${label}: overwrite replaces, delete removes (and is idempotent)`, async () => {
    const s = store();
    await s.put('k', 'one');
    await s.put('k', 'two');
    assert.equal(new TextDecoder().decode(await s.get('k')), 'two');
    await s.delete('k');
    assert.equal(await s.exists('k'), false);
    await s.delete('k');
    await s.delete('never/was');
  });

  test(`${label}: list returns every key under a prefix, sorted, at any depth`, async () => {
    const s = store();
    for (const k of ['snap/b/2', 'snap/a', 'snap/b/1', 'snapper', 'other/x', 'z']) await s.put(k, k);
    assert.deepEqual(await s.list('snap/'), ['snap/a', 'snap/b/1', 'snap/b/2']);
    assert.deepEqual(await s.list('snap'), ['snap/a', 'snap/b/1', 'snap/b/2', 'snapper']);
    assert.deepEqual(await s.list('snap/b'), ['snap/b/1', 'snap/b/2']);
    assert.deepEqual(await s.list(''), ['other/x', 'snap/a', 'snap/b/1', 'snap/b/2', 'snapper', 'z']);
    assert.deepEqual(await s.list('nothing/'), []);
  });

  test(`${label}: invalid keys are refused by every method (no path traversal)`, async () => {
    const s = store();
    for (const k of BAD_KEYS) {
      await assert.rejects(s.put(k, 'x'), /invalid object key/, `put ${JSON.stringify(k)}`);
      await assert.rejects(s.get(k), /invalid object key/, `get ${JSON.stringify(k)}`);
      await assert.rejects(s.delete(k), /invalid object key/, `delete ${JSON.stringify(k)}`);
      await assert.rejects(s.putStream(k, Readable.from([Buffer.from('x')])), /invalid object key/);
      await assert.rejects(s.getStream(k), /invalid object key/);
    }
    await assert.rejects(s.list('../'), /invalid object key/);
    for (const k of ['k', 'a/b.c', 'files/md5/ab/cdef.dir', 'x=1/y@2/z+3_-']) await s.put(k, k);
  });

  test(`${label}: a large streamed object (12 MiB, multipart on S3) round-trips`, { timeout: 60_000 }, async () => {
    const s = store();
    const big = new Uint8Array(randomBytes(12 * 1024 * 1024 + 123));
    const chunks = function* () {
      for (let i = 0; i < big.length; i += 256 * 1024) yield big.subarray(i, i + 256 * 1024);
    };
    const size = await s.putStream('big/blob', Readable.from(chunks()));
    assert.equal(size, big.length);
    const back = await s.getStream('big/blob');
    assert.ok(back);
    assert.equal(md5(await drain(back)), md5(big));
    await s.put('big/bytes', big);
    assert.equal(md5((await s.get('big/bytes'))!), md5(big));
  });

  test(`${label}: concurrent writers of one key leave exactly one whole body`, async () => {
    const s = store();
    const bodies = [1, 2, 3, 4].map((i) => new Uint8Array(randomBytes(8 * 1024 + i)));
    await Promise.all(bodies.map((b) => s.put('race', b)));
    const got = await s.get('race');
    assert.ok(bodies.some((b) => md5(b) === md5(got!)), 'the final object is one of the bodies, whole');
    assert.deepEqual(await s.list('race'), ['race']);
  });
}

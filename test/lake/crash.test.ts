/** A writer killed (SIGKILL) in the middle of a write leaves no partial object visible. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FolderStore } from '../../src/lake/folder-store.ts';
import type { ObjectStore } from '../../src/lake/store.ts';
import { startS3rver, type FakeS3 } from './helpers/s3.ts';

const FIXTURE = path.resolve('test/lake/fixtures/slow-writer.ts');
const MIB = 1024 * 1024;
let s3: FakeS3;
const root = mkdtempSync(path.join(tmpdir(), 't2b-crash-'));
before(async () => {
  s3 = await startS3rver();
});
after(async () => {
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

/** Start the writer, wait until it is mid-write, SIGKILL it; resolves once it is dead. */
async function killMidWrite(args: Record<string, unknown>, midWrite: () => boolean): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('writing')) resolve();
    });
    child.on('exit', () => reject(new Error(`writer exited before it was killed: ${out} ${err}`)));
  });
  // Wait until the write is visibly under way on the store's side, then kill.
  for (let i = 0; i < 200 && !midWrite(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(midWrite(), 'the store received part of the object before the kill');
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.ok(!out.includes('finished'), 'the write was still in progress when killed');
}

async function assertNoPartial(store: ObjectStore, key: string, old?: string): Promise<void> {
  if (old === undefined) {
    assert.equal(await store.exists(key), false);
    assert.equal(await store.get(key), undefined);
    assert.deepEqual(await store.list(''), []);
  } else {
    assert.equal(new TextDecoder().decode(await store.get(key)), old, 'the previous object is intact');
    assert.deepEqual(await store.list(''), [key]);
  }
}

for (const overwrite of [false, true]) {
  const what = overwrite ? 'an existing object' : 'a new object';
  test(`folder: SIGKILL while streaming 40 MiB over ${what} leaves no partial object`, { timeout: 60_000 }, async () => {
    const dir = path.join(root, `folder-${overwrite}`);
    const store = new FolderStore(dir);
    if (overwrite) await store.put('data/big.bin', 'old');
    const tmpFiles = () => readdirSync(path.join(dir, 'data')).filter((f) => f.startsWith('.tmp-'));
    await killMidWrite({ kind: 'folder', root: dir, key: 'data/big.bin', total: 40 * MIB, announce: 3 * MIB }, () => tmpFiles().length > 0);
    await assertNoPartial(store, 'data/big.bin', overwrite ? 'old' : undefined);
    // The killed writer's temporary file is still there, but invisible.
    assert.equal(tmpFiles().length, 1);
  });

  test(`s3rver: SIGKILL during a multipart upload over ${what} leaves no partial object`, { timeout: 60_000 }, async () => {
    const prefix = `crash-${overwrite}`;
    const store = s3.store(prefix);
    if (overwrite) await store.put('data/big.bin', 'old');
    // s3rver keeps the parts of an open multipart upload in <bucket>/._S3rver_uploads/<id>/<n>.
    const uploads = path.join(s3.directory, 'lake', '._S3rver_uploads');
    const before = existsSync(uploads) ? new Set(readdirSync(uploads)) : new Set<string>();
    const partArrived = () =>
      existsSync(uploads) && readdirSync(uploads).some((u) => !before.has(u) && readdirSync(path.join(uploads, u)).includes('1.md5'));
    await killMidWrite({ kind: 's3', endpoint: s3.endpoint, bucket: 'lake', prefix, key: 'data/big.bin', total: 60 * MIB, announce: 6 * MIB }, partArrived);
    await assertNoPartial(store, 'data/big.bin', overwrite ? 'old' : undefined);
  });
}

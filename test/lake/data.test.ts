/** `data add|push|pull|status`: .dvc files as DVC writes them, the DVC 3 cache layout locally and on remotes. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { DvcRepo } from '../../src/lake/dvc/repo.ts';
import { openRemote } from '../../src/lake/dvc/remote.ts';
import { addData, checkoutData, cloudStatus, pullData, pushData, workspaceStatus } from '../../src/lake/dvc/data.ts';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { startS3rver, type FakeS3 } from './helpers/s3.ts';

const md5 = (b: string | Uint8Array) => createHash('md5').update(b).digest('hex');
const key = (id: string) => `files/md5/${id.slice(0, 2)}/${id.slice(2)}`;

let s3: FakeS3;
const scratch = mkdtempSync(path.join(tmpdir(), 't2b-data-'));
before(async () => {
  s3 = await startS3rver(['dvc-remote']);
});
after(async () => {
  await s3.close();
  rmSync(scratch, { recursive: true, force: true });
});

let n = 0;
async function project(config = ''): Promise<{ repo: DvcRepo; dir: string; write: (rel: string, text: string) => void; read: (rel: string) => string }> {
  const dir = path.join(scratch, `p${n++}`);
  mkdirSync(dir);
  const repo = await DvcRepo.init(dir);
  if (config) writeFileSync(path.join(dir, '.dvc/config'), config);
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  return { repo, dir, write, read: (rel) => readFileSync(path.join(dir, rel), 'utf8') };
}

const FILES = { 'datasets/raw/a.csv': 'x,y\n1,2\n', 'datasets/raw/sub/b.csv': 'z\n3\n', 'data.csv': 'id\n1\n2\n' };

test('data add writes .dvc files with DVC 3 fields, fills the cache and git-ignores the data', async () => {
  const p = await project();
  for (const [rel, text] of Object.entries(FILES)) p.write(rel, text);
  const added = await addData(p.repo, [path.join(p.dir, 'data.csv'), path.join(p.dir, 'datasets/raw')]);
  const dirJson = `[{"md5": "${md5(FILES['datasets/raw/a.csv'])}", "relpath": "a.csv"}, {"md5": "${md5(FILES['datasets/raw/sub/b.csv'])}", "relpath": "sub/b.csv"}]`;
  const size = (...rels: (keyof typeof FILES)[]) => rels.reduce((s, r) => s + Buffer.byteLength(FILES[r]), 0);
  assert.equal(p.read('data.csv.dvc'), `outs:\n- md5: ${md5(FILES['data.csv'])}\n  size: ${size('data.csv')}\n  hash: md5\n  path: data.csv\n`);
  assert.equal(
    p.read('datasets/raw.dvc'),
    `outs:\n- md5: ${md5(dirJson)}.dir\n  size: ${size('datasets/raw/a.csv', 'datasets/raw/sub/b.csv')}\n  nfiles: 2\n  hash: md5\n  path: raw\n`,
  );
  assert.deepEqual(added.map((a) => a.dvcFile), ['data.csv.dvc', 'datasets/raw.dvc']);
  assert.equal(p.read(`.dvc/cache/${key(`${md5(dirJson)}.dir`)}`), dirJson);
  assert.equal(p.read(`.dvc/cache/${key(md5(FILES['datasets/raw/sub/b.csv']))}`), FILES['datasets/raw/sub/b.csv']);
  assert.equal(p.read('.gitignore'), '/data.csv\n');
  assert.equal(p.read('datasets/.gitignore'), '/raw\n');

  // Re-adding after a change updates the hash and keeps the user's fields.
  p.write('data.csv.dvc', p.read('data.csv.dvc').replace('  path: data.csv\n', '  path: data.csv\n  desc: the ids\n') + 'meta:\n  owner: me\n');
  p.write('data.csv', 'id\n1\n2\n3\n');
  assert.deepEqual((await workspaceStatus(p.repo)).changed, [{ path: 'data.csv', source: 'data.csv.dvc', change: 'modified' }]);
  await addData(p.repo, [path.join(p.dir, 'data.csv')]);
  assert.equal(p.read('data.csv.dvc'), `outs:\n- md5: ${md5('id\n1\n2\n3\n')}\n  size: 9\n  hash: md5\n  path: data.csv\n  desc: the ids\nmeta:\n  owner: me\n`);
  assert.equal(p.read('.gitignore'), '/data.csv\n', 'not ignored twice');
  assert.deepEqual(await workspaceStatus(p.repo), { stages: [], changed: [] });

  p.write('dvc.yaml', 'stages:\n  s:\n    cmd: "true"\n    outs: [made]\n');
  await assert.rejects(addData(p.repo, [path.join(p.dir, 'made')]), /output of stage "s"/);
  await assert.rejects(addData(p.repo, [path.join(p.dir, 'nope')]), /no such file or folder/);
  await assert.rejects(addData(p.repo, ['/etc/passwd']), /inside the repository/);
});

const remotes = [
  { label: 'folder remote', config: (dir: string) => `[core]\n    remote = store\n['remote "store"']\n    url = ${dir}\n`, store: (dir: string) => new FolderStore(dir) },
  {
    label: 's3rver remote',
    config: () => `[core]\n    remote = s3\n['remote "s3"']\n    url = s3://dvc-remote/projects/p1\n    endpointurl = ${s3.endpoint}\n`,
    store: () => s3.store('projects/p1'),
  },
];

for (const r of remotes) {
  test(`data push/pull/status --cloud with a ${r.label}: DVC 3 layout, only missing objects move, bytes verified`, async () => {
    const remoteDir = path.join(scratch, `remote-${n}`);
    const p = await project(r.config(remoteDir));
    if (r.label.startsWith('s3')) p.write('.dvc/config.local', `['remote "s3"']\n    access_key_id = S3RVER\n    secret_access_key = S3RVER\n`);
    for (const [rel, text] of Object.entries(FILES)) p.write(rel, text);
    await addData(p.repo, [path.join(p.dir, 'data.csv'), path.join(p.dir, 'datasets/raw')]);
    const cfg = loadConfig({ TIME2BET_HOME: path.join(p.dir, '.home') });
    const remote = await openRemote(p.dir, cfg);
    try {
      assert.deepEqual((await cloudStatus(p.repo, remote)).map((s) => s.status), ['new', 'new']);
      const pushed = await pushData(p.repo, remote);
      assert.deepEqual(pushed, { pushed: 4, missing: [] });
      const dirJson = readFileSync(path.join(p.dir, '.dvc/cache', key(p.read('datasets/raw.dvc').match(/md5: (\S+)/)![1]!)));
      const expected = [md5(FILES['data.csv']), md5(FILES['datasets/raw/a.csv']), md5(FILES['datasets/raw/sub/b.csv']), `${md5(dirJson)}.dir`].map(key).sort();
      assert.deepEqual(await r.store(remoteDir).list(''), expected, 'the remote holds exactly files/md5/<2>/<30>[.dir]');
      assert.deepEqual((await pushData(p.repo, remote)).pushed, 0, 'a second push sends nothing');
      assert.deepEqual((await cloudStatus(p.repo, remote)).map((s) => s.status), ['ok', 'ok']);

      // Lose the cache and the workspace copies, then pull them back.
      rmSync(path.join(p.dir, '.dvc/cache'), { recursive: true });
      rmSync(path.join(p.dir, 'data.csv'));
      rmSync(path.join(p.dir, 'datasets/raw'), { recursive: true });
      assert.deepEqual((await cloudStatus(p.repo, remote)).map((s) => s.status), ['deleted', 'deleted']);
      const pulled = await pullData(p.repo, remote);
      assert.equal(pulled.fetched, 4);
      assert.deepEqual(pulled.restored.sort(), ['data.csv', 'datasets/raw']);
      for (const [rel, text] of Object.entries(FILES)) assert.equal(p.read(rel), text);

      // A modified workspace copy is only overwritten with --force.
      p.write('datasets/raw/a.csv', 'changed\n');
      p.write('datasets/raw/extra.csv', 'not tracked\n');
      const conflict = await pullData(p.repo, remote);
      assert.deepEqual(conflict.conflicts, ['datasets/raw']);
      const forced = await checkoutData(p.repo, [path.join(p.dir, 'datasets/raw.dvc')], true);
      assert.deepEqual(forced.restored, ['datasets/raw']);
      assert.equal(p.read('datasets/raw/a.csv'), FILES['datasets/raw/a.csv']);
      assert.throws(() => readFileSync(path.join(p.dir, 'datasets/raw/extra.csv')), /ENOENT/);

      // A corrupt object on the remote is refused, never put in the cache.
      rmSync(path.join(p.dir, '.dvc/cache'), { recursive: true });
      await r.store(remoteDir).put(key(md5(FILES['data.csv'])), 'tampered');
      await assert.rejects(pullData(p.repo, remote, [path.join(p.dir, 'data.csv')]), /is corrupt/);
      assert.equal(await p.repo.cache.has(md5(FILES['data.csv'])), false);
    } finally {
      remote.close();
    }
  });
}

test('without a configured remote, the lake under dvc/ is the remote', async () => {
  const p = await project();
  p.write('data.csv', FILES['data.csv']);
  await addData(p.repo, [path.join(p.dir, 'data.csv')]);
  const cfg = loadConfig({ TIME2BET_HOME: path.join(p.dir, '.home') });
  const remote = await openRemote(p.dir, cfg);
  assert.equal(remote.store.location, new FolderStore(path.join(cfg.lakeDir, 'dvc')).location);
  assert.equal((await pushData(p.repo, remote)).pushed, 1);
  assert.deepEqual(await new FolderStore(cfg.lakeDir).list(''), [`dvc/${key(md5(FILES['data.csv']))}`]);
  await assert.rejects(openRemote(p.dir, cfg, 'nope'), /DVC remote "nope" is not defined/);
});

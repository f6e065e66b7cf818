/** `repro`: DVC's staleness rules one by one, dvc.lock's exact layout, the run cache. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { toyRepo } from './helpers/toy-repo.ts';
import { workspaceStatus } from '../../src/lake/dvc/data.ts';

const md5 = (b: string | Uint8Array) => createHash('md5').update(b).digest('hex');

test('first repro runs every stage in order and writes dvc.lock exactly as DVC does; the second runs nothing', async () => {
  const t = await toyRepo();
  const r = await t.repro();
  assert.deepEqual(r.ran, ['prepare', 'train', 'report']);
  assert.deepEqual(t.runs(), ['prepare', 'train', 'report']);

  const file = (rel: string) => readFileSync(path.join(t.dir, rel));
  const a = file('prepared/a.txt');
  const b = file('prepared/parts/b.txt');
  const dirJson = `[{"md5": "${md5(a)}", "relpath": "a.txt"}, {"md5": "${md5(b)}", "relpath": "parts/b.txt"}]`;
  const dirMd5 = `${md5(dirJson)}.dir`;
  const dep = (p: string) => `    - path: ${p}\n      hash: md5\n      md5: ${md5(file(p))}\n      size: ${file(p).length}\n`;
  const prepare =
    `schema: '2.0'\nstages:\n  prepare:\n    cmd: node scripts/prepare.mjs\n    deps:\n${dep('raw.txt')}${dep('scripts/prepare.mjs')}` +
    `    params:\n      params.yaml:\n        prepare.factor: 2\n` +
    `    outs:\n    - path: prepared\n      hash: md5\n      md5: ${dirMd5}\n      size: ${a.length + b.length}\n      nfiles: 2\n  train:\n`;
  const lockText = t.read('dvc.lock');
  assert.ok(lockText.startsWith(prepare), `dvc.lock starts with:\n${prepare}\ngot:\n${lockText}`);
  const lock = parse(lockText);
  assert.deepEqual(Object.keys(lock.stages), ['prepare', 'train', 'report']);
  assert.deepEqual(Object.keys(lock.stages.train), ['cmd', 'deps', 'params', 'outs']);
  assert.deepEqual(lock.stages.train.deps.map((d: { path: string }) => d.path), ['prepared', 'scripts/train.mjs'], 'deps sorted by path');
  assert.deepEqual(lock.stages.train.outs.map((d: { path: string }) => d.path), ['metrics.json', 'model.json'], 'outs (metrics included) sorted by path');
  assert.deepEqual(Object.keys(lock.stages.train.outs[1]), ['path', 'hash', 'md5', 'size']);
  assert.equal(lock.stages.train.deps[0].md5, dirMd5);
  assert.equal(lock.stages.report.params, undefined, 'no params: no params field');

  // Cached outs are in .dvc/cache (DVC 3 layout, read-only) and git-ignored; cache: false outs are neither.
  const cached = (id: string) => path.join(t.dir, '.dvc/cache/files/md5', id.slice(0, 2), id.slice(2));
  assert.equal(readFileSync(cached(dirMd5), 'utf8'), dirJson);
  for (const id of [md5(a), md5(b), md5(file('model.json')), md5(file('report.txt'))]) {
    assert.equal(statSync(cached(id)).mode & 0o777, 0o444, `${id} is cached read-only`);
  }
  assert.equal(existsSync(cached(md5(file('metrics.json')))), false);
  assert.deepEqual(t.read('.gitignore').trim().split('\n'), ['/prepared', '/model.json', '/report.txt']);

  const again = await t.repro();
  assert.deepEqual(again.ran, []);
  assert.deepEqual(t.runs(), []);
  assert.ok(again.log.includes('Data and pipelines are up to date.'));
  assert.equal(t.read('dvc.lock'), lockText, 'an up-to-date repro leaves dvc.lock alone');
  assert.deepEqual((await workspaceStatus(t.repo)).stages, []);
});

test('staleness: a changed cmd reruns that stage; downstream only if its outs change', async () => {
  const t = await toyRepo();
  await t.repro();
  t.runs();
  t.write('dvc.yaml', t.read('dvc.yaml').replace('cmd: node scripts/train.mjs', 'cmd: node scripts/train.mjs --verbose'));
  assert.deepEqual((await workspaceStatus(t.repo)).stages, [{ name: 'train', reasons: ['changed command'] }]);
  const r = await t.repro();
  assert.deepEqual(r.ran, ['train']);
  assert.deepEqual(t.runs(), ['train'], 'same model bytes, so report is up to date');
  assert.match(t.read('dvc.lock'), /cmd: node scripts\/train.mjs --verbose/);
});

test('staleness: a changed dep reruns its stage and whatever its changed outs feed', async () => {
  const t = await toyRepo();
  await t.repro();
  t.runs();
  t.append('raw.txt', '4\n');
  const st = await workspaceStatus(t.repo);
  assert.deepEqual(st.stages.map((s) => s.name), ['prepare']);
  assert.deepEqual(st.stages[0]!.reasons, ['changed deps:', '    modified:  raw.txt']);
  assert.deepEqual((await t.repro()).ran, ['prepare', 'train', 'report']);
  t.append('scripts/train.mjs', '// a comment: same output\n');
  assert.deepEqual((await t.repro()).ran, ['train']);
  t.runs();
  rmSync(path.join(t.dir, 'raw.txt'));
  await assert.rejects(t.repro(), /stage "prepare": dependency "raw.txt" does not exist/);
});

test('staleness: changing one param reruns exactly the stages downstream of it', async () => {
  const t = await toyRepo();
  await t.repro();
  t.runs();
  t.write('params.yaml', t.read('params.yaml').replace('epochs: 3', 'epochs: 4'));
  assert.deepEqual((await t.repro()).ran, [], 'an untracked param changes nothing');
  t.write('params.yaml', t.read('params.yaml').replace('lr: 0.1', 'lr: 0.2'));
  assert.deepEqual((await workspaceStatus(t.repo)).stages, [{ name: 'train', reasons: ['changed params:', '    modified:  params.yaml: train.lr'] }]);
  assert.deepEqual((await t.repro()).ran, ['train', 'report']);
  assert.deepEqual(t.runs(), ['train', 'report']);
  assert.match(t.read('dvc.lock'), /train.lr: 0.2/);
  t.write('params.yaml', t.read('params.yaml').replace('factor: 2', 'factor: 3'));
  assert.deepEqual((await t.repro()).ran, ['prepare', 'train', 'report']);
  t.write('params.yaml', t.read('params.yaml').replace('lr: 0.2', 'rate: 0.2'));
  await assert.rejects(t.repro(), /param "train.lr" is missing from params.yaml/);
});

test('staleness: a missing or modified out makes its stage stale (restored from the run cache when possible)', async () => {
  const t = await toyRepo();
  await t.repro();
  t.runs();
  const report = t.read('report.txt');
  rmSync(path.join(t.dir, 'report.txt'));
  assert.deepEqual((await workspaceStatus(t.repo)).stages, [{ name: 'report', reasons: ['changed outs:', '    deleted:   report.txt'] }]);
  const r = await t.repro();
  assert.deepEqual([r.ran, r.restored], [[], ['report']]);
  assert.ok(r.log.includes("Stage 'report' is cached - skipping run, checking out outputs"));
  assert.equal(t.read('report.txt'), report);
  t.write('report.txt', 'edited by hand\n');
  assert.deepEqual((await t.repro({ runCache: false })).ran, ['report']);
  assert.equal(t.read('report.txt'), report);
  rmSync(path.join(t.dir, 'metrics.json'));
  const m = await t.repro();
  assert.deepEqual([m.ran, m.restored], [['train'], []], 'an uncached out (metrics.json) cannot be restored: the stage runs');
  assert.deepEqual(t.runs(), ['report', 'train']);
});

test('staleness: always_changed stages run every time; frozen stages never; --force runs anyway', async () => {
  const t = await toyRepo();
  await t.repro();
  t.runs();
  t.write('dvc.yaml', t.read('dvc.yaml').replace('    cmd: node scripts/report.mjs\n', '    cmd: node scripts/report.mjs\n    always_changed: true\n'));
  assert.deepEqual((await t.repro()).ran, ['report']);
  assert.deepEqual((await t.repro()).ran, ['report']);
  assert.deepEqual((await workspaceStatus(t.repo)).stages, [{ name: 'report', reasons: ['always changed'] }]);
  t.write('dvc.yaml', t.read('dvc.yaml').replace('always_changed: true', 'frozen: true'));
  t.append('raw.txt', '5\n');
  const r = await t.repro();
  assert.deepEqual([r.ran, r.frozen], [['prepare', 'train'], ['report']]);
  t.runs();
  assert.deepEqual((await t.repro({ force: true, targets: ['train'] })).ran, ['prepare', 'train']);
  assert.deepEqual((await t.repro({ force: true, targets: ['train'], single: true })).ran, ['train']);
  assert.deepEqual(t.runs(), ['prepare', 'train', 'train']);
});

test('a stage with no lock entry is stale; --dry runs nothing; failures leave the lock as it was', async () => {
  const t = await toyRepo();
  const dry = await t.repro({ dry: true });
  assert.deepEqual(dry.ran, ['prepare', 'train', 'report']);
  assert.deepEqual(t.runs(), []);
  assert.equal(existsSync(path.join(t.dir, 'dvc.lock')), false);
  assert.deepEqual((await workspaceStatus(t.repo)).stages.map((s) => s.reasons[0]), Array(3).fill('no lock entry (never run)'));
  t.write('scripts/report.mjs', 'process.exit(3);\n');
  await assert.rejects(t.repro(), /failed to reproduce 'report': command exited with code 3/);
  assert.deepEqual(Object.keys(parse(t.read('dvc.lock')).stages), ['prepare', 'train']);
  t.write('scripts/report.mjs', '// writes nothing\n');
  await assert.rejects(t.repro(), /output "report.txt" does not exist/);
  t.write('dvc.yaml', t.read('dvc.yaml') + '  loop:\n    cmd: "true"\n    deps: [report.txt]\n    outs: [raw.txt]\n');
  await assert.rejects(t.repro(), /cycle/);
});

/** Our DVC hashes against values computed independently here (node:crypto, hand-built JSON, Python if present). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dirManifest, hashPath, md5File, parseDirManifest, pyJsonDumps } from '../../src/lake/dvc/hash.ts';

const md5 = (b: string | Uint8Array) => createHash('md5').update(b).digest('hex');

function python(): boolean {
  try {
    execFileSync('python3', ['-c', 'print(1)'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('a file hash is the plain MD5 of its bytes (CRLF kept as is, DVC 3)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-md5-'));
  const text = 'Date,HomeTeam\r\n01/08/2020,Arsenal\r\n';
  writeFileSync(path.join(dir, 'x.csv'), text);
  const h = await md5File(path.join(dir, 'x.csv'));
  assert.equal(h.md5, md5(Buffer.from(text)));
  assert.notEqual(h.md5, md5(text.replace(/\r\n/g, '\n')), 'no dos2unix conversion');
  assert.equal(h.size, Buffer.byteLength(text));
  const p = await hashPath(path.join(dir, 'x.csv'));
  assert.deepEqual(p, { md5: md5(Buffer.from(text)), size: Buffer.byteLength(text), isDir: false });
  assert.equal(await hashPath(path.join(dir, 'missing')), undefined);
});

test('a directory hash is md5 of the .dir JSON (sorted by relpath, Python separators, ensure_ascii) + ".dir"', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-dir-'));
  const files: Record<string, string> = {
    'b.csv': 'b\n',
    'Z.txt': 'upper case sorts first\n',
    'sub/a "q".txt': 'quote and space\n',
    'sub/deeper/c.bin': '\u0000\u0001',
    'é⚽.txt': 'non-ASCII name\n',
  };
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), body);
  }
  const m = (rel: string) => md5(Buffer.from(files[rel]!));
  // Hand-built: exactly what Python's json.dumps(sorted(entries), sort_keys=True) prints.
  const expected =
    `[{"md5": "${m('Z.txt')}", "relpath": "Z.txt"}, ` +
    `{"md5": "${m('b.csv')}", "relpath": "b.csv"}, ` +
    `{"md5": "${m('sub/a "q".txt')}", "relpath": "sub/a \\"q\\".txt"}, ` +
    `{"md5": "${m('sub/deeper/c.bin')}", "relpath": "sub/deeper/c.bin"}, ` +
    `{"md5": "${m('é⚽.txt')}", "relpath": "\\u00e9\\u26bd.txt"}]`;
  const h = await hashPath(dir);
  assert.ok(h?.isDir);
  if (!h?.isDir) return;
  assert.equal(h.manifest.toString('utf8'), expected);
  assert.equal(h.md5, `${md5(Buffer.from(expected, 'utf8'))}.dir`);
  assert.equal(h.nfiles, 5);
  assert.equal(h.size, Object.values(files).reduce((s, b) => s + Buffer.byteLength(b), 0));
  assert.deepEqual(parseDirManifest(h.manifest, 'x').map((e) => e.relpath), ['Z.txt', 'b.csv', 'sub/a "q".txt', 'sub/deeper/c.bin', 'é⚽.txt']);

  if (python()) {
    const entries = Object.keys(files).map((rel) => ({ md5: m(rel), relpath: rel }));
    const py = execFileSync('python3', ['-c', 'import json,sys; e=json.load(sys.stdin); sys.stdout.write(json.dumps(sorted(e, key=lambda x: x["relpath"]), sort_keys=True))'], {
      input: JSON.stringify(entries),
    }).toString('utf8');
    assert.equal(py, expected, 'Python agrees with the hand-built manifest');
  }
});

test('an empty directory hashes as "[]"; .git and .dvc folders are not part of a directory', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-empty-'));
  const h = await hashPath(dir);
  assert.equal(h?.md5, `${md5('[]')}.dir`);
  assert.equal(h?.nfiles, 0);
  mkdirSync(path.join(dir, '.git'));
  writeFileSync(path.join(dir, '.git', 'HEAD'), 'x');
  assert.equal((await hashPath(dir))?.md5, `${md5('[]')}.dir`);
});

test('pyJsonDumps matches json.dumps(sort_keys=True) on keys, escapes and nesting', () => {
  assert.equal(pyJsonDumps({ b: 1, a: [true, null, 'x\ty\u007f'] }), '{"a": [true, null, "x\\ty\\u007f"], "b": 1}');
  assert.equal(pyJsonDumps('😀'), '"\\ud83d\\ude00"');
  assert.equal(pyJsonDumps([]), '[]');
  assert.equal(pyJsonDumps({}), '{}');
  assert.throws(() => pyJsonDumps(0.1), /only integers/);
  assert.equal(dirManifest([]).toString(), '[]');
});

/** ingest whoscored --from: a corrupt or hostile file is reported naming the file, and the rest of the folder still loads. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ingestWhoScoredFolder } from '../../src/ingest/whoscored/index.ts';
import { FIXTURES } from './helpers/server.ts';
import { openTestLake, openTestWarehouse } from './helpers/warehouse.ts';

const dir = mkdtempSync(path.join(tmpdir(), 't2b-ws-folder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a corrupt .gz and a page that is not a WhoScored page are errors naming their files; the good page beside them loads', async () => {
  const good = '1485184_burnley-man-utd_epl-2020-21_matchCentreData.json';
  copyFileSync(path.join(FIXTURES, good), path.join(dir, good));
  const gz = path.join(dir, '999_broken_live.html.gz');
  writeFileSync(gz, Buffer.from([0x1f, 0x8b, 0x63, 0x00, 0x01, 0x02])); // gzip magic, unknown method
  const deep = path.join(dir, '998_deep_matchCentreData.json');
  writeFileSync(deep, '['.repeat(100_000));
  const tw = await openTestWarehouse('folder-errors');
  const tl = openTestLake();
  try {
    const r = await ingestWhoScoredFolder({ wh: tw.wh, lake: tl.lake, from: dir });
    assert.equal(r.errors.length, 2, r.errors.join('\n'));
    assert.ok(r.errors.some((e) => e.includes(gz)), r.errors.join('\n'));
    assert.ok(r.errors.some((e) => e.includes(deep)), r.errors.join('\n'));
    for (const e of r.errors) assert.doesNotMatch(e, /\[object Object\]|undefined/);
    assert.equal(r.parsed, 1, 'the good match centre is parsed despite the bad files');
  } finally {
    tl.cleanup();
    await tw.cleanup();
  }
});

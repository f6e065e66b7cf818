/**
 * Two processes logging to the same run at the same time lose no metric, and registering
 * versions of one model from both gets every number exactly once (PostgreSQL only: PGlite is a
 * single-process database).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestWarehouse } from '../helpers/warehouses.ts';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { inProcessClient } from '../../src/tracking/open.ts';
import { fromKeyValues } from '../../src/tracking/client/client.ts';

const run = promisify(execFile);
const WORKER = path.resolve('test/tracking/fixtures/log-worker.ts');

test('two processes logging to one run concurrently lose no metric [postgres]', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL', timeout: 240_000 }, async () => {
  const db = await createTestWarehouse('postgres');
  try {
    const lakeDir = mkdtempSync(path.join(tmpdir(), 't2b-concurrent-'));
    const client = inProcessClient(db.wh, new FolderStore(lakeDir));
    const runId = (await client.createRun({ experimentId: '0', runName: 'shared' })).info.run_id;
    await client.createRegisteredModel('concurrent');
    const n = 400;
    const versions = 15;
    const workers = [0, 1].map((w) =>
      run(process.execPath, ['--import', 'tsx', WORKER, db.wh.location, lakeDir, runId, String(w), String(n), String(versions)], { maxBuffer: 1 << 20 }),
    );
    const outs = await Promise.all(workers);
    for (const o of outs) assert.equal(o.stdout.trim(), 'done', o.stderr);

    const loss = await client.getMetricHistory(runId, 'loss');
    assert.equal(loss.length, 2 * n, 'every single-metric call kept');
    assert.equal(new Set(loss.map((m) => m.step)).size, 2 * n);
    const acc = await client.getMetricHistory(runId, 'acc');
    assert.equal(acc.length, 2 * n, 'every batched metric kept');
    const r = await client.getRun(runId);
    const params = fromKeyValues(r.data.params);
    assert.deepEqual(params, { shared: 'same', 'worker.0': '0', 'worker.1': '1' });
    assert.ok(['0', '1'].includes(fromKeyValues(r.data.tags).writer!));
    const latest = r.data.metrics!.find((m) => m.key === 'loss')!;
    assert.equal(latest.step, 1_000_000 + n - 1, 'the latest value is the highest step');
    const numbers = (await client.searchModelVersions("name = 'concurrent'")).map((v) => Number(v.version)).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 2 * versions }, (_, i) => i + 1), 'each version number exactly once');
  } finally {
    await db.dispose();
  }
});

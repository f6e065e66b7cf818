/**
 * Long library steps report progress through a callback (only src/cli/ draws it): the snapshot
 * (read, Parquet encoding, storing in the lake) and a one-season backtest (walk-forward blocks).
 * Each phase's reports never exceed its total; the snapshot's phases end at done = total.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWarehouse } from '../../src/warehouse/db.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { publishSnapshot, snapshotWarehouse } from '../../src/lake/snapshot/snapshot.ts';
import { backtestSeason } from '../../src/stages/backtest.ts';
import { selectModelSpecs } from '../../src/ml/index.ts';
import { bundled } from '../helpers/football-data.ts';

type Event = { step: string; done: number; total: number };

function phases(events: Event[]): Event[][] {
  const out: Event[][] = [];
  for (const e of events) {
    const cur = out[out.length - 1];
    if (!cur || cur[0]!.total !== e.total || e.done < cur[cur.length - 1]!.done) out.push([e]);
    else cur.push(e);
  }
  return out;
}

test('snapshot and backtest report their progress, within their totals', { timeout: 300_000 }, async () => {
  const wh = await openWarehouse({ engine: 'pglite', dir: 'memory' });
  try {
    await loadFootballDataFile(wh, bundled('E0/2021-2022.csv'));
    await loadFootballDataFile(wh, bundled('E0/2022-2023.csv'));
    const events: Event[] = [];
    const snap = await snapshotWarehouse(wh, null, (step, done, total) => events.push({ step, done, total }));
    const lake = new FolderStore(mkdtempSync(path.join(tmpdir(), 't2b-progress-')));
    await publishSnapshot(snap, lake, (step, done, total) => events.push({ step, done, total }));
    const ph = phases(events);
    assert.equal(ph.length, 3, `read, parquet, store: ${JSON.stringify(events)}`);
    for (const p of ph) {
      for (const e of p) assert.ok(e.done >= 0 && e.done <= e.total, JSON.stringify(e));
      const last = p[p.length - 1]!;
      assert.equal(last.done, last.total, `phase ending with ${last.step} reaches its total`);
    }
    assert.equal(ph[1]![0]!.total, snap.manifest.tables.length, 'one parquet unit per table');
    assert.match(ph[1]!.map((e) => e.step).join(' '), /parquet matches/);

    const blocks: Array<[number, number]> = [];
    const r = await backtestSeason(wh, { league: 'E0', season: '2022-2023', specs: selectModelSpecs(['elo']), refitDays: 7, onProgress: (d, t) => blocks.push([d, t]) });
    assert.ok(r.refits > 0);
    assert.ok(blocks.length >= r.refits, `one report per block (${blocks.length} for ${r.refits} refits)`);
    const total = blocks[0]![1];
    for (const [d, t] of blocks) assert.ok(t === total && d >= 0 && d <= t, `${d}/${t}`);
  } finally {
    await wh.close();
  }
});

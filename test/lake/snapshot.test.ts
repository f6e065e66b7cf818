/** `snapshot`: deterministic Parquet + manifest, immutable in the lake, restorable; on every engine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { forEachEngine, resetWarehouse } from '../helpers/warehouses.ts';
import { bundled, tempDir } from '../helpers/football-data.ts';
import { loadFootballDataFile } from '../../src/ingest/football-data/load.ts';
import { FolderStore } from '../../src/lake/folder-store.ts';
import { hashPath } from '../../src/lake/dvc/hash.ts';
import { listSnapshots, publishSnapshot, readSnapshotDir, writeSnapshotDir, MANIFEST_FILE } from '../../src/lake/snapshot/snapshot.ts';
import { FEATURE_DEFAULTS } from '../../src/ml/features/index.ts';
import { takeSnapshot } from '../../src/stages/snapshot.ts';
import { featureProvenance } from '../../src/stages/features.ts';
import { fromParquet } from '../../src/lake/snapshot/parquet.ts';
import { readCuratedTables, MATCH_COLUMNS } from '../../src/lake/snapshot/tables.ts';
import { restoreSnapshot } from '../../src/lake/snapshot/restore.ts';
import { dataFingerprint, leagueMatches } from '../../src/warehouse/queries.ts';
import { trainAll } from '../../src/stages/train.ts';
import { eloSpec } from '../../src/ml/ratings/elo.ts';
import { serialiseArtifact } from '../../src/registry/artifact.ts';

const FILES = ['E0/2021-2022.csv', 'E0/2022-2023.csv'];
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const idsByEngine = new Map<string, string>();

forEachEngine(
  'snapshot: same warehouse content, same bytes; manifest counts, schemas, hashes and sources',
  async (wh, engine) => {
    for (const f of FILES) await loadFootballDataFile(wh, bundled(f));
    const a = await takeSnapshot(wh, { features: FEATURE_DEFAULTS });
    const b = await takeSnapshot(wh, { features: FEATURE_DEFAULTS });
    assert.equal(a.id, b.id);
    assert.deepEqual([...a.files.keys()], ['matches.parquet', 'match_stats.parquet', 'odds.parquet', 'odds_totals.parquet', 'features.parquet', MANIFEST_FILE]);
    for (const [name, bytes] of a.files) assert.equal(md5(bytes), md5(b.files.get(name)!), `${name} is byte-identical`);
    idsByEngine.set(engine, a.id);

    const m = a.manifest;
    const count = async (t: 'matches' | 'match_stats' | 'odds' | 'odds_totals') =>
      Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(wh.db)).rows[0]!.n);
    for (const t of ['matches', 'match_stats', 'odds', 'odds_totals'] as const) {
      const e = m.tables.find((x) => x.name === t)!;
      assert.equal(e.rows, await count(t), `${t} row count`);
      assert.equal(e.md5, md5(a.files.get(e.file)!));
      assert.equal(e.sha256, createHash('sha256').update(a.files.get(e.file)!).digest('hex'));
    }
    assert.equal(m.tables.find((x) => x.name === 'matches')!.rows, 760);
    assert.equal(m.tables.find((x) => x.name === 'features')!.rows, 760);
    assert.deepEqual(m.tables.find((x) => x.name === 'odds')!.schema.map((c) => `${c.name}:${c.type}`), [
      'match_id:INT32', 'bookmaker:STRING', 'kind:STRING', 'home:DOUBLE', 'draw:DOUBLE', 'away:DOUBLE',
    ]);
    assert.deepEqual(
      m.sources.map((s) => [s.file, s.checksum, s.rows]),
      FILES.map((f) => [f, createHash('sha256').update(readFileSync(bundled(f))).digest('hex'), 380]),
    );
    assert.deepEqual(m.features, featureProvenance(FEATURE_DEFAULTS));

    // The Parquet reads back to exactly the warehouse rows.
    const curated = await readCuratedTables(wh);
    assert.deepEqual(await fromParquet(a.files.get('matches.parquet')!, MATCH_COLUMNS), curated.matches.rows);

    // In a folder: the DVC directory hash of the files is the snapshot id.
    const dir = path.join(tempDir('t2b-snap-'), 'snapshot');
    await writeSnapshotDir(a, dir);
    assert.equal((await hashPath(dir))?.md5, `${a.id}.dir`);
    assert.equal((await readSnapshotDir(dir)).manifest.tables.length, 5);

    // In the lake: addressed by the id, immutable, manifest last.
    const lake = new FolderStore(tempDir('t2b-snaplake-'));
    assert.deepEqual(await publishSnapshot(a, lake), { prefix: `snapshots/${a.id}/`, created: true });
    assert.deepEqual(await publishSnapshot(b, lake), { prefix: `snapshots/${a.id}/`, created: false });
    assert.deepEqual(await listSnapshots(lake), [a.id]);
    assert.equal(md5((await lake.get(`snapshots/${a.id}/odds.parquet`))!), m.tables.find((x) => x.name === 'odds')!.md5);

    // A change in the warehouse gives another snapshot.
    await wh.db.updateTable('odds').set({ home: 9.99 }).where('match_id', '=', curated.matches.rows[0]!.id as number).execute();
    const c = await takeSnapshot(wh, { features: FEATURE_DEFAULTS });
    assert.notEqual(c.id, a.id);
    assert.equal(md5(c.files.get('matches.parquet')!), md5(a.files.get('matches.parquet')!), 'untouched tables keep their bytes');

    // Restored into an empty warehouse, the snapshot trains byte-identical models.
    const before = { fp: await dataFingerprint(wh.db), matches: await leagueMatches(wh.db, 'E0') };
    const artifactBefore = serialiseArtifact((await trainAll(wh, [eloSpec()], {}))[0]!).sha256;
    await resetWarehouse(wh);
    await restoreSnapshot(dir, wh);
    assert.equal(await dataFingerprint(wh.db), before.fp);
    assert.deepEqual(await leagueMatches(wh.db, 'E0'), before.matches);
    assert.equal(serialiseArtifact((await trainAll(wh, [eloSpec()], {}))[0]!).sha256, artifactBefore);
    assert.equal((await takeSnapshot(wh, { features: FEATURE_DEFAULTS })).files.get('odds.parquet')!.byteLength, a.files.get('odds.parquet')!.byteLength);
  },
  { timeout: 240_000 },
);

test('snapshot: PGlite and PostgreSQL give the same snapshot id for the same data', (t) => {
  if (idsByEngine.size < 2) return t.skip('needs TEST_DATABASE_URL');
  assert.equal(idsByEngine.get('pglite'), idsByEngine.get('postgres'));
});

/**
 * One stable-JSON helper: it gives byte-for-byte the strings of the serialisers it replaced
 * (model artifacts and their sha256, snapshot manifests and receipts, run-cache keys,
 * training-config keys), on representative inputs including real model fits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { stableJson, STABLE_JSON_FILE } from '../../src/domain/stable-json.ts';
import { modelSpecs } from '../../src/ml/index.ts';
import { syntheticLeague } from '../quality/helpers.ts';

// The replaced implementations, copied verbatim, as the reference.
function legacyStableKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}
function legacyStableStringify(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}
function legacySnapshotJson(v: unknown): string {
  const sort = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(sort)
      : x && typeof x === 'object'
        ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])]))
        : x;
  return `${JSON.stringify(sort(v), null, 2)}\n`;
}
function legacyShallowSorted(obj: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]])));
}

const samples: unknown[] = [
  { b: 1, a: { d: [3, { z: 1, y: null }], c: 'é ✓ "q"\n' }, '10': 'ten', '2': 'two', e: undefined },
  [{ b: -0, a: 1e-7 }, 1.5e300, -12.25, true, false, null, 'x'],
  { format: 'time2bet.snapshot/v1', tables: [{ name: 'matches', file: 'matches.parquet', rows: 3, bytes: 100, md5: 'a'.repeat(32), schema: [{ name: 'id', type: 'INT64', nullable: false }] }], sources: [{ source: 'football-data', file: 'E0/2020-2021.csv', checksum: 'c', rows: 380 }], features: { function: 'f/v1', params: { k: 20, home: 60 } } },
  { name: 'elo', hyper: {}, nested: { deeper: { deepest: { b: [1, 2], a: 'x' } } } },
  {},
  [],
  'plain string',
  42,
];

test('compact output equals the artifact, run-cache and training-key serialisers on representative values', () => {
  for (const s of samples) {
    assert.equal(stableJson(s), legacyStableStringify(s));
    assert.equal(stableJson(s), legacyStableKey(s));
  }
});

test('file layout (2-space indent, final newline) equals the snapshot manifest and receipt serialiser', () => {
  for (const s of samples) assert.equal(stableJson(s, STABLE_JSON_FILE), legacySnapshotJson(s));
  assert.ok(stableJson({ a: 1 }, STABLE_JSON_FILE).endsWith('}\n'));
  assert.notEqual(stableJson({ a: 1 }), stableJson({ a: 1 }, STABLE_JSON_FILE), 'the layout option changes the bytes');
});

test('flat source ids serialise as the shallow sorter did', () => {
  const ids = { whoscored: '1234', 'football-data': 'E0/2020-2021.csv#17' };
  assert.equal(stableJson(ids), legacyShallowSorted(ids));
});

test('real model fits: the artifact bytes and their sha256 are unchanged', () => {
  const league = syntheticLeague(7, 8, 3);
  const asOf = league[league.length - 1]!.day + 1;
  const specs = modelSpecs({}, { market: true });
  assert.ok(specs.length >= 10);
  for (const spec of specs) {
    const fit = spec.fit(league, asOf, undefined, { league: 'X1' }).toJSON();
    const doc = { schema: 'time2bet.model/v1', kind: spec.name, hyper: spec.hyper, leagues: { X1: { asOfDay: asOf, params: fit } } };
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    assert.equal(sha(stableJson(doc)), sha(legacyStableStringify(doc)), `${spec.name}: artifact bytes changed`);
    assert.equal(stableJson(doc, STABLE_JSON_FILE), legacySnapshotJson(doc), `${spec.name}: file layout changed`);
  }
});

test('key order never matters; array order does', () => {
  assert.equal(stableJson({ a: 1, b: { c: 2, d: 3 } }), stableJson({ b: { d: 3, c: 2 }, a: 1 }));
  assert.notEqual(stableJson([1, 2]), stableJson([2, 1]));
  assert.equal(stableJson({ b: 1, a: 2 }), '{"a":2,"b":1}');
});

/**
 * Every import in src/ points down the layer order of docs/architecture.md, never across a
 * forbidden pair, and no two areas import each other (directly or round a loop).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AREA_ORDER, FORBIDDEN, areaCycles, readImportGraph, violations, type Edge } from './import-graph.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

/**
 * Known wrong-way imports waiting for their fix, as "from -> to" (files relative to src/).
 * Empty: keep it that way; an entry needs a comment naming who removes it and when.
 */
const ALLOWED = new Set<string>([]);

const edges = readImportGraph(SRC);

test('the import graph of src/ is read', () => {
  assert.ok(edges.length > 300, `only ${edges.length} imports read from ${SRC}`);
  assert.ok(edges.some((e) => e.from.startsWith('ml/') && e.to.startsWith('domain/')), 'ml/ imports domain/');
});

test('every kind of import is an edge (static, type-only, re-export, side effect, dynamic, augmentation)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'imports-'));
  try {
    mkdirSync(path.join(dir, 'lake'));
    mkdirSync(path.join(dir, 'domain'));
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) writeFileSync(path.join(dir, 'domain', `${n}.ts`), 'export const x = 1;\n');
    writeFileSync(
      path.join(dir, 'lake', 'x.ts'),
      [
        "import { x } from '../domain/a.ts';",
        "import type { x as y } from '../domain/b.ts';",
        "export { x as z } from '../domain/c.ts';",
        "import '../domain/d.ts';",
        "const m = await import('../domain/e.ts');",
        "declare module '../domain/f.ts' { interface Extra { n: number } }",
        "// import { q } from 'node:fs'; a bare package is not an edge",
        "import { readFileSync } from 'node:fs';",
      ].join('\n'),
    );
    const got = readImportGraph(dir).map((e) => `${e.from} -> ${e.to}`).sort();
    assert.deepEqual(got, ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `lake/x.ts -> domain/${n}.ts`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every import points down the layers and avoids the forbidden pairs', () => {
  const bad = violations(edges, ALLOWED);
  assert.deepEqual(bad, [], `imports breaking docs/architecture.md:\n  ${bad.join('\n  ')}`);
});

test('no import cycle between areas', () => {
  assert.deepEqual(areaCycles(edges), []);
});

test('the allow-list holds only imports that still exist and still break a rule', () => {
  for (const entry of ALLOWED) {
    const [from, to] = entry.split(' -> ');
    assert.ok(edges.some((e) => e.from === from && e.to === to), `allow-list entry no longer needed: ${entry}`);
    assert.equal(violations([{ from: from!, to: to! }]).length, 1, `allow-list entry breaks no rule: ${entry}`);
  }
});

test('the checker flags wrong-way edges (it cannot pass vacuously)', () => {
  const flagged = (from: string, to: string) => violations([{ from, to }]).length === 1;
  // Upward imports, one for each adjacent pair of the order.
  for (let i = 0; i + 1 < AREA_ORDER.length; i++) {
    const [upper, lower] = [AREA_ORDER[i]!, AREA_ORDER[i + 1]!];
    assert.ok(flagged(`${lower}/x.ts`, `${upper}/y.ts`), `${lower} -> ${upper} must be flagged`);
    assert.ok(!flagged(`${upper}/x.ts`, `${lower}/y.ts`) || FORBIDDEN.some(([a, b]) => a === upper && b === lower), `${upper} -> ${lower} must pass`);
  }
  for (const [a, b] of FORBIDDEN) assert.ok(flagged(`${a}/x.ts`, `${b}/y.ts`), `${a} -> ${b} is forbidden`);
  assert.ok(flagged('serve/predictor.ts', 'ingest/teams.ts'), 'serve -> ingest');
  assert.ok(flagged('warehouse/schema.ts', 'tracking/store/tables.ts'), 'warehouse -> tracking');
  assert.ok(flagged('ml/models/x.ts', 'config.ts'), 'ml -> config');
  assert.ok(flagged('domain/x.ts', 'config.ts'), 'domain -> config');
  assert.ok(flagged('config.ts', 'warehouse/db.ts'), 'config -> warehouse');
  assert.ok(flagged('serve/app.ts', 'cli.ts'), 'anything -> cli.ts');
  assert.ok(flagged('lake/x.ts', '../bench/y.ts'), 'leaving src/');
  assert.ok(flagged('newarea/x.ts', 'domain/y.ts'), 'an unknown area');
  assert.ok(!flagged('cli/x.ts', 'domain/y.ts') && !flagged('tracking/x.ts', 'config.ts') && !flagged('lake/a.ts', 'lake/b/c.ts'));
  // The real graph plus one synthetic wrong-way edge fails, and a cycle is seen.
  const bad: Edge[] = [...edges, { from: 'warehouse/queries.ts', to: 'ml/market/market.ts' }];
  assert.deepEqual(violations(bad, ALLOWED), ['warehouse/queries.ts -> ml/market/market.ts: warehouse/ must never import ml/']);
  assert.deepEqual(areaCycles([{ from: 'lake/a.ts', to: 'warehouse/b.ts' }, { from: 'warehouse/b.ts', to: 'lake/c.ts' }]), [['lake', 'warehouse']]);
});

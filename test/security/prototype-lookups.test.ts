/**
 * Issue 13 item 3: no lookup keyed by user input may reach Object.prototype. (a) The prototype
 * names get the normal not-found / invalid answers from every lookup; (b) a static scan of src/
 * keeps plain-object lookup tables from being indexed unguarded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Predictor, PredictionInputError } from '../../src/serve/predictor.ts';
import type { ModelArtifact } from '../../src/registry/artifact.ts';
import type { ModelSpec } from '../../src/ml/models/model.ts';
import { toDouble } from '../../src/tracking/server/request.ts';
import { decodePageToken, parseFilter, parseOrderBy } from '../../src/tracking/filter.ts';
import { MlflowError } from '../../src/tracking/errors.ts';
import { parseCron } from '../../src/orchestrate/dag/cron.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { forEachEngine } from '../helpers/warehouses.ts';
import { securedApp } from './fixtures.ts';

export const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

/** A real Predictor over a two-team artifact; the model is a constant (these tests are about name resolution). */
function tinyPredictor(): Predictor {
  const artifact = { name: 'time2bet', kind: 'const', leagues: { E0: { params: {} } }, teams: { Arsenal: 'E0', Chelsea: 'E0' } } as unknown as ModelArtifact;
  const spec = {
    name: 'const',
    fromJSON: () => ({ predict: () => ({ probabilities: { home: 0.5, draw: 0.3, away: 0.2 }, expectedGoals: { home: 1.4, away: 1.1 } }) }),
  } as unknown as ModelSpec<unknown>;
  return new Predictor(artifact, 1, [spec], new Map());
}

test('predictor: prototype names are unknown teams (422 field home/away), never served as real teams', () => {
  const p = tinyPredictor();
  assert.equal(p.predict({ home: 'Arsenal', away: 'Chelsea' }).home, 'Arsenal');
  for (const name of PROTOTYPE_NAMES) {
    assert.throws(() => p.predict({ home: name, away: 'Chelsea' }), (e: unknown) => e instanceof PredictionInputError && e.field === 'home' && e.message.includes('unknown team'), name);
    assert.throws(() => p.predict({ home: 'Arsenal', away: name }), (e: unknown) => e instanceof PredictionInputError && e.field === 'away', name);
    assert.throws(() => p.predict({ home: 'Arsenal', away: 'Chelsea', league: name }), (e: unknown) => e instanceof PredictionInputError && e.field === 'league', name);
  }
});

const invalid = (fn: () => unknown, what: string) =>
  assert.throws(fn, (e: unknown) => e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE', what);

test('MLflow DSL: prototype names as entity, order_by key or page-token field are INVALID_PARAMETER_VALUE; not number words', () => {
  for (const name of PROTOTYPE_NAMES) {
    invalid(() => parseFilter(`${name}.x = 'a'`), `filter entity ${name}`);
    invalid(() => parseOrderBy(`${name}.x`), `order_by entity ${name}`);
    invalid(() => decodePageToken(Buffer.from(JSON.stringify({ [name]: 5 })).toString('base64')), `page token ${name}`);
    assert.equal(toDouble(name), undefined, `toDouble(${name})`);
  }
  invalid(() => decodePageToken(Buffer.from('{}').toString('base64')), 'page token {} (offset would come from the prototype)');
  assert.ok(Number.isNaN(toDouble('NaN')));
  assert.equal(toDouble('-Infinity'), -Infinity);
});

test('cron presets and config-file keys: prototype names are unknown', () => {
  for (const name of PROTOTYPE_NAMES) {
    assert.throws(() => parseCron(name), /cron/, `cron ${name}`);
    assert.throws(() => parseCron(`@${name}`), /unknown preset/, `cron @${name}`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 't2b-proto-cfg-'));
  for (const name of PROTOTYPE_NAMES) {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, `{"${name}": {"port": 1}}`);
    assert.throws(() => loadConfig({ TIME2BET_CONFIG: file }), (e: unknown) => e instanceof ConfigError && e.message.includes(`unknown setting "${name}"`), name);
  }
  // A file without the key never yields a value from Object.prototype.
  const empty = path.join(dir, 'empty.json');
  writeFileSync(empty, '{}');
  assert.equal(loadConfig({ TIME2BET_CONFIG: empty }).port, 8080);
});

forEachEngine('HTTP: prototype names get 422 on predictions and INVALID_PARAMETER_VALUE on every order_by/filter/view lookup', async (wh) => {
  const { app } = await securedApp(wh);
  try {
    const real = await import('../../src/serve/app.ts');
    const built = await real.buildApp({ predictor: tinyPredictor(), ping: async () => true, logLevel: 'silent' });
    for (const name of PROTOTYPE_NAMES) {
      const r = await built.app.inject({ method: 'POST', url: '/v1/predictions', payload: { home: name, away: 'toString' } });
      assert.equal(r.statusCode, 422, `${name}: ${r.body}`);
      assert.match(r.json().message, /unknown team/);
    }
    const r = await built.app.inject({ method: 'POST', url: '/v1/predictions', headers: { 'content-type': 'application/json' }, payload: '{"home":"constructor","away":"toString"}' });
    assert.equal(r.statusCode, 422, r.body);
    await built.app.close();

    const mlflow = (method: 'GET' | 'POST', route: string, body: Record<string, unknown>) =>
      method === 'GET'
        ? app.inject({ method, url: `/api/2.0/mlflow/${route}`, query: body as Record<string, string> })
        : app.inject({ method, url: `/api/2.0/mlflow/${route}`, payload: body });
    for (const name of PROTOTYPE_NAMES) {
      const cases: [string, 'GET' | 'POST', string, Record<string, unknown>][] = [
        ['runs order_by', 'POST', 'runs/search', { experiment_ids: ['0'], order_by: [name] }],
        ['runs filter attribute', 'POST', 'runs/search', { experiment_ids: ['0'], filter: `attributes.${name} = 'x'` }],
        ['runs filter entity', 'POST', 'runs/search', { experiment_ids: ['0'], filter: `${name}.x = 'x'` }],
        ['runs view type', 'POST', 'runs/search', { experiment_ids: ['0'], run_view_type: name }],
        ['experiments order_by', 'POST', 'experiments/search', { order_by: [name] }],
        ['experiments view type', 'POST', 'experiments/search', { view_type: name }],
        ['registered models order_by', 'GET', 'registered-models/search', { order_by: name }],
        ['model versions order_by', 'GET', 'model-versions/search', { order_by: name }],
      ];
      for (const [what, method, route, body] of cases) {
        const res = await mlflow(method, route, body);
        assert.equal(res.statusCode, 400, `${what} ${name}: ${res.body}`);
        assert.equal(res.json().error_code, 'INVALID_PARAMETER_VALUE', `${what} ${name}`);
        assert.doesNotMatch(res.body, /function Object|native code/);
      }
    }
  } finally {
    await app.close();
  }
});

// ---- (b) static scan ---------------------------------------------------------------------------

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sourceFiles(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []));
}

/**
 * The rule: a module-scope plain-object table typed `Record<string, …>` (or an index signature)
 * may be iterated freely, but indexed with a computed key (`TABLE[key]`) or tested with
 * `key in TABLE` only right after an `Object.hasOwn(TABLE, …)` guard (same or previous 3 lines).
 * Otherwise it must be a Map. The table name is checked in every file of src/ (tables are exported).
 */
export function prototypeLookupViolations(files: readonly { file: string; text: string }[]): string[] {
  const tables = new Set<string>();
  const decl = /^(?:export\s+)?const\s+([A-Za-z_$][\w$]*)\s*:\s*(?:Readonly<)?(?:Record<string\b|\{\s*\[\w+\s*:\s*string\])/gm;
  for (const { text } of files) for (const m of text.matchAll(decl)) tables.add(m[1]!);
  const out: string[] = [];
  for (const { file, text } of files) {
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      for (const name of tables) {
        const indexed = new RegExp(`(?<![\\w$.])${name}\\[(?!\\s*['"\`\\d])`).test(line);
        const inCheck = new RegExp(`\\bin\\s+${name}\\b`).test(line);
        if (!indexed && !inCheck) continue;
        const guard = lines.slice(Math.max(0, i - 3), i + 1).some((l) => l.includes(`Object.hasOwn(${name},`));
        if (inCheck || !guard) out.push(`${file}:${i + 1}: ${line.trim()}  (use a Map, or guard with Object.hasOwn(${name}, key))`);
      }
    });
  }
  return out;
}

test('static scan: no plain-object lookup table in src/ is indexed by a computed key without Object.hasOwn', () => {
  const root = path.resolve('src');
  const files = sourceFiles(root).map((file) => ({ file: path.relative(process.cwd(), file), text: readFileSync(file, 'utf8') }));
  assert.ok(files.length > 50, 'scanned the source tree');
  assert.deepEqual(prototypeLookupViolations(files), []);
});

test('static scan rule: flags what it should, passes guarded code and Maps', () => {
  const bad = [
    { file: 'a.ts', text: "const T: Record<string, string> = { a: 'x' };\nexport const f = (k: string) => T[k];" },
    { file: 'b.ts', text: "export const U: Readonly<Record<string, number>> = { a: 1 };\nconst g = (k: string) => k in U;" },
  ];
  assert.equal(prototypeLookupViolations(bad).length, 2);
  const good = [
    { file: 'c.ts', text: "const T: Record<string, string> = { a: 'x' };\nconst f = (k: string) => (Object.hasOwn(T, k) ? T[k] : undefined);\nconst g = T['a'];" },
    { file: 'd.ts', text: "const M = new Map<string, string>([['a', 'x']]);\nconst f = (k: string) => M.get(k);" },
  ];
  assert.deepEqual(prototypeLookupViolations(good), []);
});

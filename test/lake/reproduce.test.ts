/**
 * Reproducibility end to end, through the CLI: a git repository with this project's dvc.yaml and
 * params.yaml runs the pipeline and pushes its data to an S3 remote (s3rver); a `git clone` of
 * it pulls, finds everything up to date, then recomputes every stage from scratch in its own
 * warehouse and gets byte-identical models, metrics and dvc.lock. With TEST_DATABASE_URL the
 * original runs on PostgreSQL and the clone on PGlite.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startS3rver, type FakeS3 } from './helpers/s3.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/time2bet.js');
const work = mkdtempSync(path.join(tmpdir(), 't2b-repro-'));
let s3: FakeS3;
let pgDb: string | undefined;

async function admin(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

before(async () => {
  s3 = await startS3rver(['dvc-store']);
  if (process.env.TEST_DATABASE_URL) {
    pgDb = `t2b_${randomBytes(6).toString('hex')}`;
    await admin(`create database ${pgDb}`);
  }
});
after(async () => {
  await s3.close();
  if (pgDb) await admin(`drop database if exists ${pgDb} with (force)`);
  rmSync(work, { recursive: true, force: true });
});

function env(home: string, databaseUrl?: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TIME2BET_') && k !== 'DATABASE_URL') e[k] = v;
  return {
    ...e,
    TIME2BET_HOME: home,
    TIME2BET_S3_ACCESS_KEY_ID: 'S3RVER',
    TIME2BET_S3_SECRET_ACCESS_KEY: 'S3RVER',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

function cli(args: string[], cwd: string, e: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: e, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`time2bet ${args.join(' ')} failed (${err.code}):\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
const md5 = (file: string) => createHash('md5').update(readFileSync(file)).digest('hex');
const ran = (stderr: string) => [...stderr.matchAll(/Running stage '([^']+)'/g)].map((m) => m[1]);
const STAGES = ['ingest', 'snapshot', 'features', 'train', 'evaluate', 'register'];
const ALWAYS_CHANGED = 'ingest:\n\talways changed';

function outputs(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(path.join(dir, 'models')).sort()) out[`models/${f}`] = md5(path.join(dir, 'models', f));
  for (const f of ['metrics.json', 'registered.json', 'data/features.parquet', 'dvc.lock']) out[f] = md5(path.join(dir, f));
  for (const f of readdirSync(path.join(dir, 'data/snapshot')).sort()) out[`data/snapshot/${f}`] = md5(path.join(dir, 'data/snapshot', f));
  return out;
}

test('clone + data pull + repro reproduces byte-identical models, metrics and dvc.lock', { timeout: 30 * 60_000 }, async () => {
  // The original repository: this project's pipeline on two seasons of one league.
  const origin = path.join(work, 'origin');
  mkdirSync(path.join(origin, 'data/football-data/E0'), { recursive: true });
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'config', 'user.email', 'test@example.com');
  git(origin, 'config', 'user.name', 'test');
  copyFileSync(path.join(ROOT, 'dvc.yaml'), path.join(origin, 'dvc.yaml'));
  writeFileSync(path.join(origin, 'params.yaml'), readFileSync(path.join(ROOT, 'params.yaml'), 'utf8').replace(/refit_days: \d+/, 'refit_days: 30'));
  for (const s of ['2021-2022', '2022-2023']) copyFileSync(path.join(ROOT, `data/football-data/E0/${s}.csv`), path.join(origin, `data/football-data/E0/${s}.csv`));
  const originUrl = pgDb ? Object.assign(new URL(process.env.TEST_DATABASE_URL!), { pathname: `/${pgDb}` }).toString() : undefined;
  const oenv = env(path.join(work, 'origin-home'), originUrl);

  await cli(['data', 'init'], origin, oenv);
  writeFileSync(path.join(origin, '.dvc/config'), `[core]\n    remote = store\n['remote "store"']\n    url = s3://dvc-store/time2bet\n    endpointurl = ${s3.endpoint}\n`);
  await cli(['data', 'add', 'data/football-data'], origin, oenv);
  assert.match(readFileSync(path.join(origin, 'data/football-data.dvc'), 'utf8'), /^outs:\n- md5: [0-9a-f]{32}\.dir\n {2}size: \d+\n {2}nfiles: 2\n {2}hash: md5\n {2}path: football-data\n$/);

  const first = await cli(['repro'], origin, oenv);
  assert.deepEqual(ran(first.stderr), STAGES);
  const second = await cli(['repro'], origin, oenv);
  assert.deepEqual(ran(second.stderr), ['ingest'], 'a second repro runs only the always-changed ingest, whose receipt is unchanged');
  assert.match((await cli(['data', 'push'], origin, oenv)).stdout, /^\d+ files pushed to store/);
  assert.match((await cli(['data', 'status', '--cloud'], origin, oenv)).stdout, /Cache and remote 'store' are in sync\./);
  assert.equal((await cli(['data', 'status'], origin, oenv)).stdout.trim(), ALWAYS_CHANGED);
  // The remote holds DVC 3's layout only.
  assert.ok((await s3.store('time2bet').list('')).every((k) => /^files\/md5\/[0-9a-f]{2}\/[0-9a-f]{30}(\.dir)?$/.test(k)));
  git(origin, 'add', '-A');
  git(origin, 'commit', '-q', '-m', 'pipeline run');
  const tracked = git(origin, 'ls-files').trim().split('\n');
  for (const f of ['dvc.lock', 'data/football-data.dvc', 'metrics.json', 'registered.json', 'data/ingest.json']) assert.ok(tracked.includes(f), `${f} is in git`);
  for (const f of tracked) assert.ok(!/^(models|data\/snapshot|data\/football-data)\/|^data\/features\.parquet$/.test(f), `${f} is DVC data, not in git`);
  const expected = outputs(origin);

  // Another folder: clone, pull, nothing to do.
  const clone = path.join(work, 'clone');
  git(work, 'clone', '-q', origin, clone);
  const cenv = env(path.join(work, 'clone-home'));
  assert.match((await cli(['data', 'status'], clone, cenv)).stdout, /changed deps:/);
  const pulled = await cli(['data', 'pull'], clone, cenv);
  assert.match(pulled.stdout, /files fetched from store; 4 restored/);
  assert.deepEqual(outputs(clone), expected);
  assert.deepEqual(ran((await cli(['repro'], clone, cenv)).stderr), ['ingest'], "only ingest, which loads the clone's warehouse");
  assert.deepEqual(outputs(clone), expected);

  // Recompute everything from the pulled raw data in the clone's own, empty warehouse.
  const forced = await cli(['repro', '--force'], clone, cenv);
  assert.deepEqual(ran(forced.stderr), STAGES);
  assert.deepEqual(outputs(clone), expected, 'byte-identical models, metrics, features, snapshot and dvc.lock');
  assert.equal(git(clone, 'status', '--porcelain'), '', 'nothing changed in git');

  // One param: only the stage that reads it.
  writeFileSync(path.join(clone, 'params.yaml'), readFileSync(path.join(clone, 'params.yaml'), 'utf8').replace('restCap: 14', 'restCap: 10'));
  assert.deepEqual(ran((await cli(['repro'], clone, cenv)).stderr), ['ingest', 'features']);
  assert.notEqual(md5(path.join(clone, 'data/features.parquet')), expected['data/features.parquet']);
  assert.equal(md5(path.join(clone, 'models/elo.json')), expected['models/elo.json']);
});

test('a fresh clone without the remote: repro recomputes every stage from the CSVs in git and matches the committed dvc.lock', { timeout: 30 * 60_000 }, async () => {
  // Reuses the origin committed by the test above (node:test runs a file's tests in order).
  const origin = path.join(work, 'origin');
  const expected = outputs(origin);
  const bare = path.join(work, 'bare-clone');
  git(work, 'clone', '-q', origin, bare);
  // Without `data pull` the CSVs are missing too: put them back as a user copying them would.
  for (const s of ['2021-2022', '2022-2023']) {
    mkdirSync(path.join(bare, 'data/football-data/E0'), { recursive: true });
    copyFileSync(path.join(origin, `data/football-data/E0/${s}.csv`), path.join(bare, `data/football-data/E0/${s}.csv`));
  }
  const r = await cli(['repro'], bare, env(path.join(work, 'bare-home')));
  // ingest loads the empty warehouse before the snapshot reads it; the cached outs are rebuilt;
  // evaluate and register find their committed outs (metrics.json, registered.json) up to date.
  assert.deepEqual(ran(r.stderr), ['ingest', 'snapshot', 'features', 'train']);
  assert.deepEqual(outputs(bare), expected, 'same snapshot, features, models, metrics and dvc.lock as the origin');
  assert.equal(git(bare, 'status', '--porcelain'), '');
});

test('snapshot --receipt refuses a warehouse that does not hold the receipt\'s data, and writes nothing', { timeout: 10 * 60_000 }, async () => {
  const dir = path.join(work, 'receipt-check');
  mkdirSync(path.join(dir, 'csv/E0'), { recursive: true });
  copyFileSync(path.join(ROOT, 'data/football-data/E0/2022-2023.csv'), path.join(dir, 'csv/E0/2022-2023.csv'));
  const loaded = env(path.join(dir, 'home-loaded'));
  await cli(['stage', 'ingest', '--from', 'csv', '--out', 'ingest.json'], dir, loaded);
  const empty = env(path.join(dir, 'home-empty'));
  await assert.rejects(cli(['snapshot', '--receipt', 'ingest.json', '--out', 'snap', '--no-features'], dir, empty), (e: Error) => {
    assert.match(e.message, /the warehouse does not hold the data of the ingest receipt ingest\.json \(receipt: 380 matches, fingerprint md5:[0-9a-f]{32}:380; warehouse: 0 matches, fingerprint md5:empty:0\)/);
    assert.match(e.message, /time2bet stage ingest/);
    return true;
  });
  assert.ok(!readdirSync(dir).includes('snap'), 'no snapshot folder written');
  await assert.rejects(cli(['snapshot', '--receipt', 'nope.json', '--out', 'snap'], dir, empty), /ingest receipt nope\.json: no such file/);
  // The warehouse the receipt came from passes.
  await cli(['snapshot', '--receipt', 'ingest.json', '--out', 'snap', '--no-features'], dir, loaded);
  assert.ok(readdirSync(path.join(dir, 'snap')).includes('manifest.json'));
  // An empty warehouse's snapshot (taken without the guard) is refused by the stages that fit on it.
  await cli(['snapshot', '--out', 'empty-snap', '--no-features'], dir, empty);
  await assert.rejects(cli(['stage', 'train', '--snapshot', 'empty-snap', '--out', 'models'], dir, empty), /snapshot empty-snap holds no matches/);
  await assert.rejects(cli(['stage', 'features', '--snapshot', 'empty-snap', '--out', 'f.parquet'], dir, empty), /snapshot empty-snap holds no matches/);
  assert.ok(!readdirSync(dir).includes('f.parquet'), 'no feature table written');
  assert.ok(!readdirSync(dir).includes('models'), 'no models written');
});

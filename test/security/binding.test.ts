/**
 * Where the servers may listen: loopback by default; a non-loopback address without a key is
 * refused at start (the CLI exits saying why) unless TIME2BET_AUTH=off, which warns loudly.
 * And the `keys` verbs: create prints the key once, list never shows it, revoke.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { bindingDecision, isLoopback } from '../../src/serve/auth/binding.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/time2bet.js');

async function cli(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A fresh embedded home (PGlite) for the CLI; never the developer's own. */
const home = () => {
  const { DATABASE_URL: _drop, ...rest } = process.env;
  void _drop;
  return { ...rest, TIME2BET_HOME: mkdtempSync(path.join(tmpdir(), 't2b-sec-home-')) } as Record<string, string>;
};

test('binding decisions', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.5', 'example.org']) assert.ok(!isLoopback(h), h);
  assert.deepEqual(bindingDecision('0.0.0.0', { keysExist: false, auth: 'on' }).ok, false);
  assert.equal(bindingDecision('0.0.0.0', { keysExist: true, auth: 'on' }).ok, true);
  const off = bindingDecision('0.0.0.0', { keysExist: false, auth: 'off' });
  assert.ok(off.ok && /WARNING: TIME2BET_AUTH=off/.test(off.notice));
  const local = bindingDecision('127.0.0.1', { keysExist: false, auth: 'on' });
  assert.ok(local.ok && /loopback\) only/.test(local.notice));
});

test('tracking-server and serve refuse 0.0.0.0 without a key, saying why; keys create|list|revoke', async () => {
  const env = home();
  const refused = await cli(['tracking-server', '--port', '0'], { ...env, HOST: '0.0.0.0' });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /refusing to listen on 0\.0\.0\.0: no API key exists/);
  const serve = await cli(['serve'], { ...env, HOST: '0.0.0.0' });
  assert.equal(serve.code, 1, serve.stderr);
  assert.match(serve.stderr, /refusing to listen on 0\.0\.0\.0/);

  const created = await cli(['keys', 'create', '--name', 'ops', '--scopes', 'write,admin'], env);
  assert.equal(created.code, 0, created.stderr);
  const key = created.stdout.trim();
  assert.match(key, /^t2b_[A-Za-z0-9_-]{43}$/);
  assert.match(created.stderr, /shown only now/);
  const bad = await cli(['keys', 'create', '--name', 'x', '--scopes', 'root'], env);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown scope "root"; expected predict, write, admin/);

  const listed = await cli(['keys', 'list'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(!listed.stdout.includes(key), 'the key itself is never listed');
  assert.match(listed.stdout, /^1\tops\tt2b_\S+…\twrite,admin\t\S+\t—\t—$/m);

  // With a key, 0.0.0.0 is allowed: the tracking server starts (stopped right after).
  const server = spawn(process.execPath, [BIN, 'tracking-server', '--port', '0'], { env: { ...env, HOST: '0.0.0.0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    server.stderr.on('data', (d: Buffer) => (output += d.toString()));
    server.on('exit', (c) => reject(new Error(`tracking-server exited ${c}: ${output}`)));
  });
  try {
    const anon = await fetch(`${url}/api/2.0/mlflow/experiments/create`, { method: 'POST', body: '{"name":"x"}', headers: { 'content-type': 'application/json' } });
    assert.equal(anon.status, 401);
    const ok = await fetch(`${url}/api/2.0/mlflow/experiments/create`, { method: 'POST', body: '{"name":"x"}', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
    assert.equal(ok.status, 200, await ok.text());
  } finally {
    server.removeAllListeners('exit');
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }

  const revoked = await cli(['keys', 'revoke', '1'], env);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.match(revoked.stderr, /key 1 "ops" revoked/);
  assert.match((await cli(['keys', 'list'], env)).stdout, /^1\tops\t.*\t\d{4}-\d\d-\d\dT\S+Z$/m);
  const again = await cli(['tracking-server', '--port', '0'], { ...env, HOST: '0.0.0.0' });
  assert.equal(again.code, 1, 'a revoked key does not count');
  const unknown = await cli(['keys', 'revoke', '99'], env);
  assert.match(unknown.stderr, /no API key with id 99/);
});

test('without a key the tracking server listens on loopback and says so', async () => {
  const env = home();
  delete env.HOST;
  const server = spawn(process.execPath, [BIN, 'tracking-server', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const check = (d: Buffer) => {
        output += d.toString();
        if (/listening on http:\/\/127\.0\.0\.1:\d+/.test(output) && /loopback\) only/.test(output)) resolve();
      };
      server.stdout.on('data', check);
      server.stderr.on('data', check);
      server.on('exit', (c) => reject(new Error(`exited ${c}: ${output}`)));
    });
  } finally {
    server.removeAllListeners('exit');
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});

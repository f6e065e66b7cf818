/**
 * The client scenario against the built-in server started as its own process
 * (`time2bet tracking-server --port 0`), on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { test } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestWarehouse, testEngines } from '../helpers/warehouses.ts';
import { TrackingClient } from '../../src/tracking/client/client.ts';
import { clientScenario } from './scenario.ts';

const BIN = path.resolve('bin/time2bet.js');

/** Start the server; resolves with its URL once it prints the line announcing it. */
function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'tracking-server', '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracking-server did not start in 120 s; stderr: ${err}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /tracking server listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tracking-server exited with ${code}: ${err}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

for (const engine of testEngines()) {
  test(`the client scenario against \`time2bet tracking-server\` in its own process [${engine}]`, { timeout: 240_000 }, async () => {
    const home = mkdtempSync(path.join(tmpdir(), 't2b-tracking-server-'));
    const db = engine === 'postgres' ? await createTestWarehouse('postgres') : undefined;
    const env: Record<string, string> = { TIME2BET_HOME: home };
    if (db) env.DATABASE_URL = db.wh.location; // no password with trust auth, so the location is the URL
    const { url, child } = await startServer(env);
    try {
      await clientScenario(TrackingClient.http(url));
    } finally {
      await stop(child);
      await db?.dispose();
    }
  });
}

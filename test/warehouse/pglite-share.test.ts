/**
 * The embedded warehouse shared with other processes: the owner serves its PGlite on a Unix
 * socket recorded in the lock file; a second process connects through it instead of refusing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openWarehouse } from '../../src/warehouse/db.ts';

const run = promisify(execFile);
const guest = path.join(import.meta.dirname, 'fixtures', 'pglite-guest.ts');

test('a second process reads and writes the embedded warehouse through the owner, with transactions kept apart', async () => {
  const home = mkdtempSync(path.join(tmpdir(), 'h7share-'));
  const dir = path.join(home, 'pgdata');
  writeFileSync(`${dir}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, socket: '/nonexistent' })); // a dead owner's lock
  const wh = await openWarehouse({ engine: 'pglite', dir });
  try {
    const lock = JSON.parse(readFileSync(`${dir}.lock`, 'utf8')) as { pid: number; socket: string };
    assert.equal(lock.pid, process.pid, 'the stale lock is taken over');
    assert.equal(statSync(lock.socket).mode & 0o777, 0o700, 'the socket directory is private to this user');
    assert.ok(existsSync(path.join(lock.socket, '.s.PGSQL.5432')));
    await sql`create table share_probe (id serial primary key, who text not null)`.execute(wh.db);
    const child = run(process.execPath, ['--import', 'tsx', guest, dir, 'guest'], { cwd: process.cwd() });
    // The owner keeps working meanwhile, in its own transactions, and never sees half of the guest's.
    const seen: number[] = [];
    const deadline = Date.now() + 20_000;
    let done = false;
    void child.finally(() => (done = true)).catch(() => {});
    while (!done && Date.now() < deadline) {
      await wh.db.transaction().execute(async (tx) => {
        await sql`insert into share_probe (who) values ('owner')`.execute(tx);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from share_probe where who = 'guest'`.execute(tx);
        seen.push(rows[0]!.n);
      });
      await new Promise((r) => setTimeout(r, 20));
    }
    const { stdout } = await child;
    const out = JSON.parse(stdout) as { location: string; engine: string; n: number };
    assert.equal(out.n, 2);
    assert.equal(out.engine, 'pglite');
    assert.match(out.location, /shared by process \d+/);
    assert.ok(seen.every((n) => n === 0 || n === 2), `the owner saw a half-done guest transaction: ${seen.join(',')}`);
    const { rows } = await sql<{ who: string; n: number }>`select who, count(*)::int as n from share_probe group by who order by who`.execute(wh.db);
    assert.equal(rows.find((r) => r.who === 'guest')?.n, 2);
    assert.ok((rows.find((r) => r.who === 'owner')?.n ?? 0) > 0);
  } finally {
    await wh.close();
  }
  assert.ok(!existsSync(`${dir}.lock`), 'closing releases the lock');
  assert.ok(!existsSync(`${dir}.socket`), 'closing removes the socket');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestWarehouse } from '../helpers/warehouses.ts';

// Regression: a PostgreSQL backend dying under a checked-out pooled client used to emit an
// unhandled 'error' event and crash the whole process (scheduler, worker, API).
test('a killed PostgreSQL connection fails its query but not the process, and the pool recovers', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, async () => {
  const { wh, dispose } = await createTestWarehouse('postgres');
  try {
    const pidRow = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(wh.db);
    assert.ok(pidRow.rows[0]!.pid > 0);
    // Hold a connection, idle between two queries (as inside a transaction), and kill its backend.
    const victim = wh.db.connection().execute(async (conn) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn);
      await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(wh.db);
      await new Promise((r) => setTimeout(r, 300)); // the dead client's 'error' event fires now
      return sql`select 1`.execute(conn);
    });
    await assert.rejects(victim, /terminat|Connection terminated|connection/i);
    const after = await sql<{ one: number }>`select 1 as one`.execute(wh.db);
    assert.equal(after.rows[0]!.one, 1);
  } finally {
    await dispose();
  }
});

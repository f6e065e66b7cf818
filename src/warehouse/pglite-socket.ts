/**
 * Share an open PGlite with other processes (the CLI beside `time2bet start`): serve it over the
 * Postgres protocol on a Unix socket with @electric-sql/pglite-socket, reachable only by this
 * user (a 0700 directory next to the data dir, never a network port).
 *
 * PGlite is one Postgres session. The owner's own queries go to PGlite directly, under the
 * dialect's mutex; a socket client takes the same mutex for its messages and keeps it while the
 * session is mid-transaction or mid extended-protocol exchange (Parse … Sync), so nobody's
 * statements land inside somebody else's transaction. pglite-socket alone serialises only its
 * own clients, and only inside explicit transactions.
 */
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Mutex } from './pglite-dialect.ts';

/** The port number in the socket file's name (`.s.PGSQL.<port>`), as pg expects it. */
export const SOCKET_PORT = 5432;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
// Frontend messages that open or continue an extended-protocol exchange: Parse, Bind, Describe, Execute, Close, Flush.
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

/** The directory holding the socket for a data dir (pg's `host`). */
export function socketDirFor(dataDir: string): string {
  return `${dataDir}.socket`;
}

/** A pg connection string for a socket directory. */
export function socketUrl(socketDir: string): string {
  return `postgres://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`;
}

/** The object pglite-socket drives, with the owner's mutex around every socket client's turn. */
function guarded(pgl: PGlite, mutex: Mutex): PGlite {
  let release: (() => void) | undefined;
  let midExtended = false;
  const busy = () => midExtended || pgl.isInTransaction();
  const settle = () => {
    if (busy()) return;
    const r = release;
    release = undefined;
    r?.();
  };
  const shim = {
    get waitReady() {
      return pgl.waitReady;
    },
    isInTransaction: busy,
    async runExclusive<T>(fn: () => Promise<T>): Promise<T> {
      release ??= await mutex.lock();
      try {
        return await pgl.runExclusive(fn);
      } finally {
        settle();
      }
    },
    execProtocolRawStream(message: Uint8Array, opts: Parameters<PGlite['execProtocolRawStream']>[1]) {
      const kind = message[0]!;
      if (EXTENDED.has(kind)) midExtended = true;
      else if (kind === 0x53 || kind === 0x51) midExtended = false; // Sync, simple Query
      return pgl.execProtocolRawStream(message, opts);
    },
    // pglite-socket calls exec('ROLLBACK') when a client leaves mid-transaction.
    async exec(query: string) {
      release ??= await mutex.lock();
      try {
        if (midExtended) await pgl.runExclusive(() => pgl.execProtocolRaw(SYNC));
        midExtended = false;
        return pgl.isInTransaction() || query.trim().toUpperCase() !== 'ROLLBACK' ? await pgl.exec(query) : [];
      } finally {
        settle();
      }
    },
  };
  return shim as unknown as PGlite;
}

export interface SharedSocket {
  /** pg `host` for clients: the socket directory. */
  socketDir: string;
  stop(): Promise<void>;
}

/** Serve `pgl` on `<dataDir>.socket/.s.PGSQL.5432`; a stale socket from a dead owner is replaced. */
export async function shareOverSocket(pgl: PGlite, mutex: Mutex, dataDir: string): Promise<SharedSocket> {
  const socketDir = socketDirFor(dataDir);
  const file = path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
  if (Buffer.byteLength(file) > 103) {
    throw new Error(`cannot share the embedded warehouse: the socket path ${file} is longer than a Unix socket allows (103 bytes); use a shorter TIME2BET_HOME`);
  }
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  chmodSync(socketDir, 0o700);
  rmSync(file, { force: true }); // we hold the data dir lock: any socket here is a dead owner's
  const server = new PGLiteSocketServer({ db: guarded(pgl, mutex), path: file, maxConnections: 32 });
  await server.start();
  chmodSync(file, 0o600);
  return {
    socketDir,
    async stop() {
      await server.stop();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/**
 * Kysely over PGlite (Postgres compiled to WASM, in-process): Kysely's own PGliteDialect, handed
 * a view of the PGlite instance that adds the two things this project needs:
 * - one Mutex around every use of the single PGlite session, shared with the socket that serves
 *   the same instance to other processes (pglite-socket.ts), so their statements never run
 *   inside this process's transactions nor ours inside theirs;
 * - statements without parameters go through the simple protocol (`exec`), so multi-statement
 *   scripts (the migrations) run as they do on PostgreSQL.
 */
import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { PGliteDialect as KyselyPGliteDialect } from 'kysely';

/** Serialises users of the one PGlite session (this dialect, and socket clients: pglite-socket.ts). */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.#tail;
    this.#tail = prev.then(() => next);
    return prev.then(() => release);
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.lock();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

type Queryable = Pick<Transaction, 'query' | 'exec'>;

async function query<T>(q: Queryable, text: string, params: unknown[] = [], opts?: QueryOptions): Promise<Results<T>> {
  if (params.length > 0) return q.query<T>(text, params, opts);
  const results = await q.exec(text, opts);
  return (results.at(-1) ?? { rows: [], fields: [] }) as Results<T>;
}

/** A Kysely dialect over `pgl`, serialised with `mutex`. */
export class PGliteDialect extends KyselyPGliteDialect {
  constructor(
    pgl: PGlite,
    readonly mutex = new Mutex(),
  ) {
    super({
      pglite: {
        get closed() {
          return pgl.closed;
        },
        get ready() {
          return pgl.ready;
        },
        get waitReady() {
          return pgl.waitReady;
        },
        close: () => pgl.close(),
        query: <T>(text: string, params?: unknown[], opts?: QueryOptions) => mutex.run(() => query<T>(pgl, text, params, opts)),
        transaction: <T>(fn: (tx: { query: Transaction['query']; rollback(): Promise<void> }) => Promise<T>) =>
          mutex.run(() =>
            pgl.transaction((tx) =>
              fn({ query: <R>(text: string, params?: unknown[], opts?: QueryOptions) => query<R>(tx, text, params, opts), rollback: () => tx.rollback() }),
            ),
          ),
      },
    });
  }
}

/**
 * The ingest receipt (`time2bet stage ingest --out`) as the snapshot's guard. The warehouse is
 * state outside the repository: a fresh clone, another TIME2BET_HOME or a later load can leave it
 * holding something other than what the receipt describes. A snapshot taken then would silently
 * version the wrong data (an empty warehouse gives an empty snapshot, and models fitted on
 * nothing), so the pipeline's snapshot stage checks the receipt's data fingerprint first.
 */
import { readFile } from 'node:fs/promises';
import type { Warehouse } from '../../warehouse/db.ts';
import { dataFingerprint } from '../../warehouse/queries.ts';

/** The warehouse fingerprint recorded in a receipt; a clear error when the file is not one. */
export async function receiptFingerprint(file: string): Promise<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`ingest receipt ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const fp = (doc as { warehouse?: { fingerprint?: unknown } } | null)?.warehouse?.fingerprint;
  if (typeof fp !== 'string') throw new Error(`ingest receipt ${file}: no warehouse.fingerprint (was it written by \`time2bet stage ingest\`?)`);
  return fp;
}

/** Throws, naming both fingerprints, unless the warehouse holds the data the receipt describes. */
export async function assertWarehouseMatches(wh: Warehouse, expected: string, receipt: string): Promise<void> {
  const actual = await dataFingerprint(wh.db);
  if (actual === expected) return;
  const matches = (fp: string) => `${fp.split(':').at(-1)} matches`;
  throw new Error(
    `the warehouse does not hold the data of the ingest receipt ${receipt} (receipt: ${matches(expected)}, fingerprint ${expected}; ` +
      `warehouse: ${matches(actual)}, fingerprint ${actual}). Load it first: \`time2bet stage ingest\`, or \`time2bet repro\`, whose ingest stage always runs`,
  );
}

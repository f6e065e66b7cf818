/**
 * The raw zone: every body fetched (or imported from a folder) is stored in the lake under its
 * sha256, `raw/whoscored/sha256/ab/abcdef…`, and never overwritten or deleted. A manifest row
 * (url, fetched_at, status, hash, bytes, outcome) in `whoscored_raw_pages` says where it came
 * from. Parsing reads bodies back from here only.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { ObjectStore } from '../../lake/store.ts';
import type { RawKind, WsDb, WsRawPagesTable } from './schema.ts';

export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export function rawKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`raw zone: "${sha256}" is not a sha256 hex digest`);
  return `raw/whoscored/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** Store a body unless an object with that hash is already there. */
export async function putRaw(lake: ObjectStore, body: Uint8Array): Promise<{ sha256: string; bytes: number; created: boolean }> {
  const sha256 = sha256Hex(body);
  const key = rawKey(sha256);
  if (await lake.exists(key)) return { sha256, bytes: body.byteLength, created: false };
  await lake.put(key, body);
  return { sha256, bytes: body.byteLength, created: true };
}

/** A stored body, checked against its hash. */
export async function getRaw(lake: ObjectStore, sha256: string): Promise<Uint8Array> {
  const body = await lake.get(rawKey(sha256));
  if (!body) throw new Error(`raw zone: object ${rawKey(sha256)} is missing from ${lake.location}`);
  if (sha256Hex(body) !== sha256) throw new Error(`raw zone: object ${rawKey(sha256)} in ${lake.location} does not match its hash`);
  return body;
}

export interface ManifestEntry {
  url: string;
  kind: RawKind;
  outcome: 'ok' | 'blocked' | 'invalid';
  httpStatus: number;
  sha256: string;
  bytes: number;
  contentType?: string | null;
  whoscoredMatchId?: number | null;
  matchStatus?: string | null;
  crawlRunId?: number | null;
  fetchedAt?: Date;
  error?: string | null;
}

export type ManifestRow = Pick<WsRawPagesTable, 'url' | 'kind' | 'outcome' | 'sha256' | 'whoscored_match_id' | 'http_status' | 'match_status'> & {
  id: number;
  loaded_at: Date | null;
};

/** Insert a manifest row, or, for a (url, hash) already listed, refresh it. Returns its id and whether it is new. */
export async function recordPage(db: WsDb, e: ManifestEntry): Promise<{ id: number; inserted: boolean }> {
  const row = await db
    .insertInto('whoscored_raw_pages')
    .values({
      url: e.url,
      kind: e.kind,
      outcome: e.outcome,
      http_status: e.httpStatus,
      sha256: e.sha256,
      bytes: e.bytes,
      content_type: e.contentType ?? null,
      whoscored_match_id: e.whoscoredMatchId ?? null,
      match_status: e.matchStatus ?? null,
      crawl_run_id: e.crawlRunId ?? null,
      fetched_at: e.fetchedAt ?? new Date(),
      error: e.error ?? null,
    })
    .onConflict((oc) =>
      oc.columns(['url', 'sha256']).doUpdateSet({
        last_seen_at: sql`now()`,
        outcome: (eb) => eb.ref('excluded.outcome'),
        error: (eb) => eb.ref('excluded.error'),
        kind: (eb) => eb.ref('excluded.kind'),
        match_status: (eb) => eb.ref('excluded.match_status'),
      }),
    )
    .returning(['id', sql<boolean>`(xmax = 0)`.as('inserted')])
    .executeTakeFirstOrThrow();
  return { id: row.id, inserted: row.inserted };
}

const COLS = ['id', 'url', 'kind', 'outcome', 'sha256', 'whoscored_match_id', 'http_status', 'match_status', 'loaded_at'] as const;

/** The newest usable (outcome ok) body of a URL, if the raw zone has one. */
export async function latestOkPage(db: WsDb, url: string): Promise<ManifestRow | undefined> {
  return (await db
    .selectFrom('whoscored_raw_pages')
    .select(COLS)
    .where('url', '=', url)
    .where('outcome', '=', 'ok')
    .orderBy('last_seen_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()) as ManifestRow | undefined;
}

/** Every URL's newest ok row, in load order: listings first, then match centres, then previews. */
export async function latestOkPages(db: WsDb): Promise<ManifestRow[]> {
  const rows = (await db
    .selectFrom('whoscored_raw_pages')
    .select(COLS)
    .select('last_seen_at')
    .where('outcome', '=', 'ok')
    .orderBy('url')
    .orderBy('last_seen_at', 'desc')
    .orderBy('id', 'desc')
    .execute()) as (ManifestRow & { last_seen_at: Date })[];
  const seen = new Set<string>();
  const out: ManifestRow[] = [];
  for (const r of rows) {
    if (seen.has(r.url)) continue;
    seen.add(r.url);
    out.push(r);
  }
  const order: Record<string, number> = { regions: 0, tournament: 1, calendar: 2, fixtures: 3, 'match-centre': 4, preview: 5 };
  return out.sort((a, b) => (order[a.kind] ?? 9) - (order[b.kind] ?? 9) || a.id - b.id);
}

export async function markLoaded(db: WsDb, id: number): Promise<void> {
  await db.updateTable('whoscored_raw_pages').set({ loaded_at: sql`now()` }).where('id', '=', id).execute();
}

/**
 * API keys: `t2b_<43 chars of base64url>` (32 random bytes), shown once, stored as SHA-256.
 * A key is found by its first characters (`prefix`, indexed) and then compared in constant time.
 * The `api_keys` table (migration 006) is declared here and joins the warehouse Database type.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { Database } from '../../warehouse/schema.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  key_sha256: string;
  scopes: string[];
  created_at: Generated<Date>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export type KeysDatabase = Database & { api_keys: ApiKeysTable };
type Db = Kysely<Database>;
const keysDb = (db: Db) => db as unknown as Kysely<KeysDatabase>;

/** What a key may do: admin implies write implies predict. */
export const SCOPES = ['predict', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
const RANK = new Map<string, number>(SCOPES.map((s, i) => [s, i]));

export function isScope(s: string): s is Scope {
  return RANK.has(s);
}

/** Does a key holding `held` scopes satisfy `needed`? */
export function grants(held: readonly string[], needed: Scope): boolean {
  const need = RANK.get(needed)!;
  return held.some((s) => (RANK.get(s) ?? -1) >= need);
}

export class KeyError extends Error {
  override name = 'KeyError';
}

/** Parse `predict,write` into scopes, naming a bad one. */
export function parseScopes(text: string): Scope[] {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new KeyError(`--scopes "${text}": expected a comma-separated list of ${SCOPES.join(', ')}`);
  for (const s of list) if (!isScope(s)) throw new KeyError(`--scopes: unknown scope "${s}"; expected ${SCOPES.join(', ')}`);
  return [...new Set(list)] as Scope[];
}

const KEY_PATTERN = /^t2b_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 12; // "t2b_" + 8 characters: shown in `keys list`, used to find the row
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface KeyInfo {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export async function createKey(db: Db, name: string, scopes: Scope[]): Promise<{ key: string; info: KeyInfo }> {
  if (!/^[\w .@-]{1,64}$/.test(name)) throw new KeyError(`--name "${name}": expected 1-64 letters, digits, spaces or _ . @ -`);
  const key = `t2b_${randomBytes(32).toString('base64url')}`;
  const info = await keysDb(db)
    .insertInto('api_keys')
    .values({ name, prefix: key.slice(0, PREFIX_LENGTH), key_sha256: sha256(key), scopes, last_used_at: null, revoked_at: null })
    .returning(['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
    .executeTakeFirstOrThrow();
  return { key, info: info as KeyInfo };
}

export async function listKeys(db: Db): Promise<KeyInfo[]> {
  const rows = await keysDb(db).selectFrom('api_keys').select(['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at']).orderBy('id').execute();
  return rows as KeyInfo[];
}

export async function revokeKey(db: Db, id: number): Promise<KeyInfo> {
  const row = await keysDb(db).updateTable('api_keys').set({ revoked_at: sql`coalesce(revoked_at, now())` }).where('id', '=', id).returning(['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at']).executeTakeFirst();
  if (!row) throw new KeyError(`no API key with id ${id} (see \`time2bet keys list\`)`);
  return row as KeyInfo;
}

/** Is there any key not revoked? (Until there is, the server only binds loopback.) */
export async function anyActiveKey(db: Db): Promise<boolean> {
  const row = await keysDb(db).selectFrom('api_keys').select('id').where('revoked_at', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The active key matching `presented`, or undefined (malformed, unknown or revoked). */
export async function verifyKey(db: Db, presented: string): Promise<{ id: number; scopes: string[] } | undefined> {
  if (!KEY_PATTERN.test(presented)) return undefined;
  const digest = Buffer.from(sha256(presented), 'hex');
  const rows = await keysDb(db).selectFrom('api_keys').select(['id', 'key_sha256', 'scopes']).where('prefix', '=', presented.slice(0, PREFIX_LENGTH)).where('revoked_at', 'is', null).execute();
  for (const r of rows) {
    const stored = Buffer.from(r.key_sha256, 'hex');
    if (stored.length === digest.length && timingSafeEqual(stored, digest)) return { id: r.id, scopes: r.scopes };
  }
  return undefined;
}

/** Record a use (callers throttle: at most once a minute per key). */
export async function touchKey(db: Db, id: number): Promise<void> {
  await keysDb(db).updateTable('api_keys').set({ last_used_at: sql`now()` }).where('id', '=', id).execute();
}

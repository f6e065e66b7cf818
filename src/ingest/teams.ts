/**
 * Canonical teams and their aliases.
 *
 * Every spelling a source uses is stored in `team_aliases` under its normalised form
 * (`normaliseAlias`), pointing at one `teams` row. An unknown spelling creates a team whose
 * canonical name is the first spelling seen, except for spellings in the seed list
 * (`TEAM_ALIASES`): those always land on the seed's canonical club, whichever spelling
 * arrives first, so `Manchester United` (openfootball) and `Man United` (football-data) are
 * one team whether or not `seedAliases` was run.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../warehouse/schema.ts';
import { TEAM_ALIASES } from '../domain/team-aliases.ts';
import { buildSeedIndex, normaliseAlias } from '../domain/team-identity.ts';

export { buildSeedIndex, normaliseAlias, type SeedGroup } from '../domain/team-identity.ts';

const SEED = buildSeedIndex(TEAM_ALIASES);

function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

async function selectAliases(db: Kysely<Database>, keys: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await db
      .selectFrom('team_aliases')
      .select(['alias', 'team_id'])
      .where('alias', 'in', keys.slice(i, i + 1000))
      .execute();
    for (const r of rows) out.set(r.alias, r.team_id);
  }
  return out;
}

/** Team ids for spellings, without creating anything; unknown spellings are absent from the map. */
export async function lookupTeams(db: Kysely<Database>, names: Iterable<string>): Promise<Map<string, number>> {
  const keyOf = new Map<string, string>();
  for (const n of names) keyOf.set(n, normaliseAlias(n));
  const lookup = new Set<string>();
  for (const k of keyOf.values()) for (const x of SEED.get(k)?.keys ?? [k]) lookup.add(x);
  if (lookup.size === 0) return new Map();
  const found = await selectAliases(db, [...lookup]);
  const out = new Map<string, number>();
  for (const [n, k] of keyOf) {
    const id = found.get(k) ?? SEED.get(k)?.keys.map((x) => found.get(x)).find((x) => x !== undefined);
    if (id !== undefined) out.set(n, id);
  }
  return out;
}

/**
 * Map each spelling to a team id, creating teams and alias rows for unknown spellings.
 * Pass a transaction to make it part of a larger write (the loaders do); otherwise it runs in
 * its own. `source` is recorded on new alias rows.
 */
export async function resolveTeams(
  db: Kysely<Database>,
  names: Iterable<string>,
  source: string,
): Promise<Map<string, number>> {
  const keyOf = new Map<string, string>(); // spelling as given → normalised
  const firstSpelling = new Map<string, string>(); // normalised → first spelling seen
  for (const raw of names) {
    if (keyOf.has(raw)) continue;
    const k = normaliseAlias(raw);
    if (k === '') throw new Error('resolveTeams: empty team name');
    keyOf.set(raw, k);
    if (!firstSpelling.has(k)) firstSpelling.set(k, raw.trim().replace(/\s+/g, ' '));
  }
  if (keyOf.size === 0) return new Map();

  return inTransaction(db, async (trx) => {
    const lookup = new Set<string>();
    for (const k of firstSpelling.keys()) for (const x of SEED.get(k)?.keys ?? [k]) lookup.add(x);
    const found = await selectAliases(trx, [...lookup]);

    const newAliases = new Map<string, { alias: string; team_id?: number; teamName?: string; source: string }>();
    const teamsToCreate = new Set<string>();
    for (const [k, spelling] of firstSpelling) {
      if (found.has(k)) continue;
      const group = SEED.get(k);
      if (group) {
        // Known club: attach to whichever of its spellings is already stored, canonical first.
        const id = group.keys.map((x) => found.get(x)).find((x) => x !== undefined);
        if (id !== undefined) {
          newAliases.set(k, { alias: k, team_id: id, source });
          continue;
        }
        teamsToCreate.add(group.canonical);
        newAliases.set(k, { alias: k, teamName: group.canonical, source });
        const ck = group.keys[0];
        if (!newAliases.has(ck) && !found.has(ck)) newAliases.set(ck, { alias: ck, teamName: group.canonical, source: 'seed' });
      } else {
        teamsToCreate.add(spelling);
        newAliases.set(k, { alias: k, teamName: spelling, source });
      }
    }

    if (teamsToCreate.size > 0) {
      const teamNames = [...teamsToCreate];
      await trx
        .insertInto('teams')
        .values(teamNames.map((name) => ({ name })))
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const rows = await trx.selectFrom('teams').select(['id', 'name']).where('name', 'in', teamNames).execute();
      const idByName = new Map(rows.map((r) => [r.name, r.id]));
      for (const a of newAliases.values()) if (a.teamName !== undefined) a.team_id = idByName.get(a.teamName);
    }
    if (newAliases.size > 0) {
      await trx
        .insertInto('team_aliases')
        .values([...newAliases.values()].map((a) => ({ alias: a.alias, team_id: a.team_id!, source: a.source })))
        .onConflict((oc) => oc.column('alias').doNothing())
        .execute();
    }

    // Read back what is stored: the truth even if a concurrent writer got there first.
    const stored = newAliases.size > 0 ? await selectAliases(trx, [...firstSpelling.keys()]) : found;
    const out = new Map<string, number>();
    for (const [raw, k] of keyOf) {
      const id = stored.get(k);
      if (id === undefined) throw new Error(`resolveTeams: no team stored for "${raw}"`);
      out.set(raw, id);
    }
    return out;
  });
}

export interface SeedResult {
  /** Alias rows added by this call. */
  aliasesAdded: number;
  /** Seed clubs whose spellings already point at more than one team (need a manual merge). */
  conflicts: { canonical: string; teamIds: number[] }[];
}

/** Store every seed spelling (creating the canonical clubs as needed). Idempotent. */
export async function seedAliases(db: Kysely<Database>): Promise<SeedResult> {
  return inTransaction(db, async (trx) => {
    const count = async () =>
      Number((await trx.selectFrom('team_aliases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const groups = Object.entries(TEAM_ALIASES);
    const names = groups.flatMap(([canonical, alternates]) => [canonical, ...alternates]);
    const ids = await resolveTeams(trx, names, 'seed');
    const conflicts: SeedResult['conflicts'] = [];
    for (const [canonical, alternates] of groups) {
      const teamIds = [...new Set([canonical, ...alternates].map((n) => ids.get(n)!))];
      if (teamIds.length > 1) conflicts.push({ canonical, teamIds: teamIds.sort((a, b) => a - b) });
    }
    return { aliasesAdded: (await count()) - before, conflicts };
  });
}

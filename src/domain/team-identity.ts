/**
 * Team identity: how a spelling of a club's name becomes a lookup key, and the seed list's
 * index from key to canonical club. Pure; the warehouse side lives in `src/ingest/teams.ts`.
 */

/** Lower-case, trimmed, single-spaced, accents stripped, typographic apostrophes made plain. */
export function normaliseAlias(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u02BC\u0060\u00B4]/g, "'")
    .toLowerCase()
    .trim()
    .replace(/\s+/g, ' ');
}

export interface SeedGroup {
  canonical: string;
  /** Normalised spellings, the canonical one first. */
  keys: string[];
}

/** Normalised spelling → its seed group. Throws if one spelling is listed for two clubs. */
export function buildSeedIndex(aliases: Readonly<Record<string, readonly string[]>>): Map<string, SeedGroup> {
  const index = new Map<string, SeedGroup>();
  for (const [canonical, alternates] of Object.entries(aliases)) {
    const keys = [...new Set([canonical, ...alternates].map(normaliseAlias))];
    const group: SeedGroup = { canonical, keys };
    for (const k of keys) {
      const other = index.get(k);
      if (other) throw new Error(`team alias "${k}" is listed for both "${other.canonical}" and "${canonical}"`);
      index.set(k, group);
    }
  }
  return index;
}

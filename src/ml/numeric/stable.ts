/** Deterministic hashing helper (pure). Stable JSON lives in src/domain/stable-json.ts. */

/** 32-bit FNV-1a hash of a string, as 8 hex digits. */
export function fnv1a(s: string, seed = 0x811c9dc5): string {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Stable JSON: object keys sorted recursively, so equal values give equal strings and equal
 * bytes. The one serialiser behind every hashed or persisted document (model artifacts and
 * their sha256, snapshot manifests, DVC receipts, run-cache keys, training-config keys).
 * Pure: no I/O.
 */

export interface StableJsonOptions {
  /** Spaces of indentation; 0 (default) = compact, one line. */
  indent?: number;
  /** End with "\n" (files written for people and diffs). Default false. */
  finalNewline?: boolean;
}

/** The layout of JSON files on disk (manifests, receipts): 2-space indent and a final newline. */
export const STABLE_JSON_FILE: Readonly<StableJsonOptions> = Object.freeze({ indent: 2, finalNewline: true });

function sortKeys(_key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  }
  return v;
}

/**
 * JSON of `value` with object keys sorted at every depth (arrays keep their order; `toJSON`
 * is honoured, so a Date becomes its ISO string). `undefined` at the top level gives
 * `undefined`, as JSON.stringify does.
 */
export function stableJson(value: unknown, opts: StableJsonOptions = {}): string {
  const text = JSON.stringify(value, sortKeys, opts.indent ? opts.indent : undefined) as string | undefined;
  if (text === undefined) return text as unknown as string;
  return opts.finalNewline ? `${text}\n` : text;
}

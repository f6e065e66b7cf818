/**
 * One check for every MLflow request's decoded input (JSON body, query string, path
 * parameters): no string or key may hold a NUL byte (PostgreSQL text cannot store one), and
 * nesting is bounded. Returns the first offending field's path, or undefined.
 */

/** Deeper than any MLflow request needs (log-batch is three levels). */
export const MAX_DEPTH = 32;

export interface UnsafeInput {
  /** Field path, e.g. `tags[0].value`. */
  path: string;
  why: string;
}

const hasNul = (s: string) => s.includes('\u0000');

export function findUnsafeString(value: unknown): UnsafeInput | undefined {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (hasNul(v)) return { path: path || 'body', why: 'the value contains a NUL byte (\\u0000)' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) return { path: path || 'body', why: `nested deeper than ${MAX_DEPTH} levels` };
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const k of Object.keys(v)) {
      const at = path ? `${path}.${k}` : k;
      if (hasNul(k)) return { path: at.replace(/\u0000/g, '\\u0000'), why: 'the field name contains a NUL byte (\\u0000)' };
      stack.push({ v: (v as Record<string, unknown>)[k], path: at, depth: depth + 1 });
    }
  }
  return undefined;
}

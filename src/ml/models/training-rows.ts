/**
 * Training rows of the softmax regressions (softmax-model.ts, stacking.ts): one row a past
 * match — its input vector, outcome, day and (market-offset models) the price's log-odds — and
 * the cache that lets a walk-forward's refit add only the matches since its previous fit.
 */
import type { TrainingMatch } from './model.ts';
import { historySignatures } from './signature.ts';
import { compareMatches } from './training-data.ts';

export interface TrainingRow {
  x: Float64Array;
  y: number;
  day: number;
  /** Offsets for z_H, z_A (market-offset models). */
  off?: [number, number];
}

/** The rows' offsets, flattened (z_H, z_A per row), or undefined when the rows carry none. */
export function offsetsOf(rows: readonly TrainingRow[]): Float64Array | undefined {
  if (rows.length === 0 || !rows[0]!.off) return undefined;
  const o = new Float64Array(2 * rows.length);
  rows.forEach((r, i) => {
    o[2 * i] = r.off![0];
    o[2 * i + 1] = r.off![1];
  });
  return o;
}

/** Rows cached between refits of a walk-forward (not serialised). */
export interface RowCache {
  key: unknown;
  asOfDay: number;
  signature: string;
  rows: TrainingRow[];
}

/**
 * Training rows of the matches in [lo, asOfDay), sorted by (day, home, away), reusing the
 * previous fit's rows when it was made on the same history (same `key`, same signature of the
 * matches before its fit day).
 */
export function incrementalRows(
  matches: readonly TrainingMatch[],
  asOfDay: number,
  lo: number,
  key: unknown,
  extras: { stats?: boolean; odds?: boolean },
  make: (m: TrainingMatch) => TrainingRow | undefined,
  prev?: RowCache,
  /** A further cut-off day whose signature the caller needs (computed in the same pass). */
  alsoBefore?: number,
): RowCache & { also?: string } {
  const cuts = [asOfDay, ...(prev ? [prev.asOfDay] : []), ...(alsoBefore !== undefined ? [alsoBefore] : [])];
  const sigs = historySignatures(matches, cuts, extras);
  const sigNow = sigs[0]!;
  const sigPrev = prev ? sigs[1] : undefined;
  const also = alsoBefore !== undefined ? sigs[sigs.length - 1] : undefined;
  let rows: TrainingRow[] = [];
  let from = lo;
  if (prev && prev.key === key && prev.asOfDay <= asOfDay && sigPrev === prev.signature) {
    rows = prev.rows.filter((r) => r.day >= lo);
    from = Math.max(lo, prev.asOfDay);
  }
  const fresh = matches.filter((m) => m.day >= from && m.day < asOfDay).sort(compareMatches);
  let last = '';
  for (const m of fresh) {
    const k = `${m.day}|${m.home}|${m.away}`;
    if (k === last) continue;
    last = k;
    const r = make(m);
    if (r) rows.push(r);
  }
  return { key, asOfDay, signature: sigNow, rows, also };
}

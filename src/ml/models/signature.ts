/** Signatures of match histories, to tell whether a cached computation still applies. Pure. */
import type { TrainingMatch } from './model.ts';
import { stableJson } from '../../domain/stable-json.ts';
import { fnv1a } from '../numeric/stable.ts';

const MATCH_HASH = [new WeakMap<TrainingMatch, number>(), new WeakMap<TrainingMatch, number>(), new WeakMap<TrainingMatch, number>(), new WeakMap<TrainingMatch, number>()];

function matchHash(m: TrainingMatch, stats: boolean, odds: boolean): number {
  const cache = MATCH_HASH[(stats ? 1 : 0) + (odds ? 2 : 0)]!;
  let h = cache.get(m);
  if (h === undefined) {
    let s = `${m.day}|${m.home}|${m.away}|${m.homeGoals}|${m.awayGoals}`;
    if (stats) s += `|${m.stats ? stableJson(m.stats) : ''}`;
    if (odds) s += `|${m.preOdds ? `${m.preOdds.home},${m.preOdds.draw},${m.preOdds.away}` : ''}`;
    h = parseInt(fnv1a(s), 16);
    cache.set(m, h);
  }
  return h;
}

/**
 * An order-independent signature of the matches before `before` (results; optionally their
 * statistics and pre-match prices). Per-match hashes are memoised by object identity: treat
 * matches as immutable values.
 */
export function historySignature(matches: readonly TrainingMatch[], before: number, extras: { stats?: boolean; odds?: boolean } = {}): string {
  let a = 0;
  let b = 0;
  let n = 0;
  for (const m of matches) {
    if (m.day >= before) continue;
    const h = matchHash(m, extras.stats === true, extras.odds === true);
    a = (a + h) >>> 0;
    b = (b ^ Math.imul(h, 0x9e3779b1)) >>> 0;
    n++;
  }
  return `${n}:${a.toString(16)}:${b.toString(16)}`;
}


/** {@link historySignature} for several cut-off days in one pass (one hash look-up per match). */
export function historySignatures(matches: readonly TrainingMatch[], befores: readonly number[], extras: { stats?: boolean; odds?: boolean } = {}): string[] {
  const k = befores.length;
  const a = new Array<number>(k).fill(0);
  const b = new Array<number>(k).fill(0);
  const n = new Array<number>(k).fill(0);
  let max = -Infinity;
  for (const x of befores) if (x > max) max = x;
  const stats = extras.stats === true;
  const odds = extras.odds === true;
  for (const m of matches) {
    if (m.day >= max) continue;
    const h = matchHash(m, stats, odds);
    const hm = Math.imul(h, 0x9e3779b1);
    for (let i = 0; i < k; i++) {
      if (m.day >= befores[i]!) continue;
      a[i] = (a[i]! + h) >>> 0;
      b[i] = (b[i]! ^ hm) >>> 0;
      n[i]!++;
    }
  }
  return befores.map((_, i) => `${n[i]}:${a[i]!.toString(16)}:${b[i]!.toString(16)}`);
}

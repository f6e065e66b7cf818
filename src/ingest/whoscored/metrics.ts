/**
 * Process-wide counters of WhoScored pages by outcome, for the metrics endpoint:
 * ok (fetched and parsed), cached (taken from the raw zone), blocked (block page), error
 * (HTTP error, network failure, robots.txt refusal or unparseable page).
 */
export type PageOutcome = 'ok' | 'cached' | 'blocked' | 'error';

export const PAGE_OUTCOMES: readonly PageOutcome[] = ['ok', 'cached', 'blocked', 'error'];

const totals: Record<PageOutcome, number> = { ok: 0, cached: 0, blocked: 0, error: 0 };
const byKind = new Map<string, Record<PageOutcome, number>>();
const listeners = new Set<(outcome: PageOutcome, kind: string) => void>();

export function recordPageOutcome(outcome: PageOutcome, kind = 'unknown'): void {
  totals[outcome]++;
  let k = byKind.get(kind);
  if (!k) byKind.set(kind, (k = { ok: 0, cached: 0, blocked: 0, error: 0 }));
  k[outcome]++;
  for (const l of listeners) {
    try {
      l(outcome, kind);
    } catch {
      /* a metrics listener must never break a crawl */
    }
  }
}

/** Totals since the process started (or the last reset). */
export function whoscoredPageCounts(): Readonly<Record<PageOutcome, number>> {
  return { ...totals };
}

/** Totals per page kind (fixtures, match-centre, …). */
export function whoscoredPageCountsByKind(): Record<string, Record<PageOutcome, number>> {
  return Object.fromEntries([...byKind].map(([k, v]) => [k, { ...v }]));
}

/** Subscribe (e.g. to increment a prom-client counter); returns the unsubscribe function. */
export function onWhoScoredPage(listener: (outcome: PageOutcome, kind: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function resetWhoScoredPageCounts(): void {
  for (const o of PAGE_OUTCOMES) totals[o] = 0;
  byKind.clear();
}

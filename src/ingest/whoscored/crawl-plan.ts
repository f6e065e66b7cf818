/** Which match pages a crawl visits, from the season's fixtures. Pure. */
import type { WsFixture } from './records.ts';

export type PreviewPolicy = 'upcoming' | 'all' | 'none';

export interface MatchPagePlan {
  matchId: number;
  page: 'match-centre' | 'preview';
  /** The fixture is finished (a match centre saved before the end is fetched again). */
  finished: boolean;
  date: string;
}

export interface PlanOptions {
  previews?: PreviewPolicy;
  /** Only these WhoScored match ids. */
  matchIds?: readonly number[];
  /** At most this many matches (oldest first). */
  maxMatches?: number;
}

/**
 * Finished matches get their match centre; upcoming ones with a preview get the preview
 * (`previews: 'all'` also takes previews of finished matches, for their missing players).
 * Postponed matches get nothing until rescheduled. Ordered by date, then id.
 */
export function planMatchPages(fixtures: readonly WsFixture[], opts: PlanOptions = {}): MatchPagePlan[] {
  const previews = opts.previews ?? 'upcoming';
  const only = opts.matchIds ? new Set(opts.matchIds) : undefined;
  const unique = [...new Map(fixtures.map((f) => [f.whoscoredId, f])).values()]
    .filter((f) => !only || only.has(f.whoscoredId))
    .sort((a, b) => a.date.localeCompare(b.date) || a.whoscoredId - b.whoscoredId);
  const chosen = opts.maxMatches !== undefined ? unique.slice(0, Math.max(0, opts.maxMatches)) : unique;
  const out: MatchPagePlan[] = [];
  for (const f of chosen) {
    const finished = f.status === 'finished';
    if (finished) out.push({ matchId: f.whoscoredId, page: 'match-centre', finished, date: f.date });
    const wantPreview = previews === 'all' ? f.hasPreview : previews === 'upcoming' ? f.status === 'scheduled' && f.hasPreview : false;
    if (wantPreview) out.push({ matchId: f.whoscoredId, page: 'preview', finished, date: f.date });
  }
  return out;
}

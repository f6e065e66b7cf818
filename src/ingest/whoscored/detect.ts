/** Which parser a page needs (from its URL when known, else its content), and one entry point to run it. */
import { WhoScoredLayoutError } from './extract.ts';
import { parseCalendar, parseFixtures, parseRegions, parseTournamentPage } from './parse-listings.ts';
import { parseMatchCentre } from './parse-match.ts';
import { parsePreview } from './parse-preview.ts';
import type { WsCalendar, WsFixture, WsMatchCentre, WsPreview, WsRegion, WsTournamentPage } from './records.ts';
import { kindFromUrl } from './urls.ts';

/** Kinds of content: the URL kinds, with tournament/season/stage pages sharing one parser, plus a saved calendar. */
export type ContentKind = 'regions' | 'tournament' | 'calendar' | 'fixtures' | 'match-centre' | 'preview';

export type ParsedPage =
  | { kind: 'regions'; regions: WsRegion[] }
  | { kind: 'tournament'; tournament: WsTournamentPage }
  | { kind: 'calendar'; calendar: WsCalendar }
  | { kind: 'fixtures'; fixtures: WsFixture[] }
  | { kind: 'match-centre'; match: WsMatchCentre }
  | { kind: 'preview'; preview: WsPreview };

export function contentKindFromUrl(url: string): ContentKind | undefined {
  const k = kindFromUrl(url);
  if (k === 'season' || k === 'stage') return 'tournament';
  return k;
}

/** Guess the kind from the text itself (saved files have no URL). */
export function detectKind(text: string, page = 'file'): ContentKind {
  const t = text.trimStart();
  const head = t.slice(0, 4000);
  if (t[0] === '[') return 'regions';
  if (t[0] === '{') {
    if (/"tournaments"\s*:\s*\[/.test(head) || /"tournaments"\s*:\s*\[/.test(t.slice(0, 200_000))) return 'fixtures';
    if (/"mask"\s*:/.test(t.slice(0, 100_000)) && t.length < 100_000) return 'calendar';
    return 'match-centre';
  }
  if (/require\.config\.params\[\s*["']args["']\s*\]\s*=\s*\{\s*matchId/.test(t) || t.includes('matchCentreData')) return 'match-centre';
  if (t.includes('id="missing-players"') || /require\.config\.params\[\s*["'](previousmeetings|matchprediction)["']/.test(t)) return 'preview';
  if (/<select[^>]*id="[^"]*seasons/.test(t) || /\bwsCalendar\s*=/.test(t)) return 'tournament';
  if (/\ballRegions\s*=/.test(t)) return 'regions';
  throw new WhoScoredLayoutError(page, 'not a page kind the WhoScored parsers know (regions, tournament, calendar, fixtures, match centre, preview)');
}

export function parsePage(kind: ContentKind, text: string, hints: { matchId?: number; page?: string } = {}): ParsedPage {
  const page = hints.page;
  switch (kind) {
    case 'regions':
      return { kind, regions: parseRegions(text, page) };
    case 'tournament':
      return { kind, tournament: parseTournamentPage(text, page) };
    case 'calendar':
      return { kind, calendar: parseCalendar(text, page) };
    case 'fixtures':
      return { kind, fixtures: parseFixtures(text, page) };
    case 'match-centre':
      return { kind, match: parseMatchCentre(text, hints) };
    case 'preview':
      return { kind, preview: parsePreview(text, hints) };
  }
}

/** The match preview (`/Matches/{id}/Preview`): match header and the injured/suspended players. */
import { isRecord, loadHtml, numOrNull, readBreadcrumb, readRequireParam, WhoScoredLayoutError } from './extract.ts';
import type { Side, WsMissingPlayer, WsPreview, WsTeamRef } from './records.ts';

/** `input: [homeId, awayId, 'Home', 'Away', 'dd/mm/yyyy HH:MM:SS', …]` of `require.config.params['matchheader']`. */
function header(html: string): { matchId: number | null; home: WsTeamRef | null; away: WsTeamRef | null; date: string | null } {
  const h = readRequireParam(html, 'matchheader');
  if (!isRecord(h) || !Array.isArray(h.input)) return { matchId: null, home: null, away: null, date: null };
  const [hid, aid, hname, aname, when] = h.input as unknown[];
  const d = typeof when === 'string' ? /^(\d{2})\/(\d{2})\/(\d{4})/.exec(when) : null;
  const ref = (id: unknown, name: unknown): WsTeamRef | null =>
    numOrNull(id) !== null && typeof name === 'string' ? { teamId: Number(id), name: name.trim() } : null;
  return {
    matchId: numOrNull(h.matchId),
    home: ref(hid, hname),
    away: ref(aid, aname),
    date: d ? `${d[3]}-${d[2]}-${d[1]}` : null,
  };
}

export function parsePreview(html: string, hints: { matchId?: number; page?: string } = {}): WsPreview {
  const page = hints.page ?? `match preview${hints.matchId ? ` ${hints.matchId}` : ''}`;
  const head = header(html);
  const $ = loadHtml(html);
  const block = $('#missing-players');
  if (!head.home && block.length === 0) {
    throw new WhoScoredLayoutError(page, "no require.config.params['matchheader'] and no #missing-players block");
  }
  const missing: WsMissingPlayer[] = [];
  for (const side of ['home', 'away'] as Side[]) {
    block.find(`div.${side} table tbody tr`).each((_i, tr) => {
      const a = $(tr).find('td.pn a').first();
      const id = /\/players\/(\d+)/i.exec(a.attr('href') ?? '')?.[1];
      if (!id) throw new WhoScoredLayoutError(page, `a missing-players row without a player link (${side})`);
      const reason = $(tr).find('td.reason span').attr('title')?.trim() || null;
      const status = $(tr).find('td.confirmed').text().trim() || null;
      missing.push({ side, playerId: Number(id), name: a.text().trim(), reason, status });
    });
  }
  return {
    whoscoredId: head.matchId ?? hints.matchId ?? null,
    home: head.home,
    away: head.away,
    date: head.date,
    missing,
    context: readBreadcrumb(html),
  };
}

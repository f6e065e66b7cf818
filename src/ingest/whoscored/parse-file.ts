/** `time2bet parse whoscored <file> --json`: what the parsers read from one saved file; no warehouse. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { errorText } from '../football-data/error-text.ts';
import { detectKind, parsePage, type ContentKind } from './detect.ts';
import { WhoScoredLayoutError } from './extract.ts';

/** Decoded text of a saved page: gunzipped when it is gzip (by magic bytes), UTF-8. */
export function decodeSaved(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return new Uint8Array(gunzipSync(bytes));
  return bytes;
}

/** A WhoScored match id at the start of a file name: `1485184_burnley-man-utd….json` or `1485184.json`. */
export function matchIdFromFileName(file: string): number | undefined {
  const m = /^(\d{5,})(?=[._-])/.exec(path.basename(file));
  return m ? Number(m[1]) : undefined;
}

export type ParsedFile = { file: string; kind: ContentKind } & Record<string, unknown>;

/**
 * Parse one saved page or JSON file. For a match centre the result has `matchId`, `date`,
 * `home`/`away` (WhoScored team id and name), `htScore`/`ftScore` ([home, away] or null) and
 * `stats` (each team's statistics), plus lineups and formations.
 */
export async function parseWhoScoredFile(file: string): Promise<ParsedFile> {
  const bytes = new Uint8Array(await readFile(file));
  try {
    return parseSaved(file, Buffer.from(decodeSaved(bytes)).toString('utf8'));
  } catch (e) {
    // Every error names the file: layout errors already do; others (gzip, literal depth) get it here.
    if (e instanceof WhoScoredLayoutError) throw e;
    throw new WhoScoredLayoutError(file, errorText(e));
  }
}

function parseSaved(file: string, text: string): ParsedFile {
  const page = path.basename(file);
  const kind = detectKind(text, page);
  const hint = matchIdFromFileName(file);
  const parsed = parsePage(kind, text, { page, ...(hint !== undefined ? { matchId: hint } : {}) });
  switch (parsed.kind) {
    case 'match-centre': {
      const m = parsed.match;
      return {
        file,
        kind,
        matchId: m.whoscoredId,
        date: m.date,
        time: m.time,
        status: m.status,
        home: m.home,
        away: m.away,
        htScore: m.htScore,
        ftScore: m.ftScore,
        stats: m.stats,
        venue: m.venue,
        referee: m.referee,
        attendance: m.attendance,
        events: m.eventCount,
        context: m.context,
        players: m.players,
        formations: m.formations,
      };
    }
    case 'fixtures':
      return { file, kind, count: parsed.fixtures.length, fixtures: parsed.fixtures };
    case 'regions':
      return { file, kind, count: parsed.regions.length, regions: parsed.regions };
    case 'tournament':
      return { file, kind, ...parsed.tournament };
    case 'calendar':
      return { file, kind, ...parsed.calendar };
    case 'preview':
      return { file, kind, ...parsed.preview };
  }
}

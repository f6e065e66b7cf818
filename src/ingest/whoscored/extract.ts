/** Finding data inside WhoScored pages: JS assignments in inline scripts, breadcrumb context. */
import * as cheerio from 'cheerio';
import { readJsValue } from './jsliteral.ts';
import { wsSeasonToWarehouse } from './leagues.ts';
import type { WsContext } from './records.ts';

/** A changed page layout: names the page and what was missing, instead of returning wrong data. */
export class WhoScoredLayoutError extends Error {
  override name = 'WhoScoredLayoutError';
  constructor(readonly page: string, readonly missing: string) {
    super(`WhoScored ${page}: ${missing}. The page layout may have changed; nothing was loaded from it.`);
  }
}

/** Cheerio over htmlparser2 (about 7x faster than the default parse5 on these pages). */
export function loadHtml(html: string): cheerio.CheerioAPI {
  return cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true } });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `require.config.params["args"] = {…}` (either quote) → the value, or undefined when absent. */
export function readRequireParam(html: string, name: string): unknown {
  const re = new RegExp(`require\\.config\\.params\\[\\s*(["'])${escapeRe(name)}\\1\\s*\\]\\s*=\\s*`);
  const m = re.exec(html);
  if (!m) return undefined;
  return readJsValue(html, m.index + m[0].length).value;
}

/** `var name = …;` (or `name = …`) → the value, or undefined when absent. */
export function readVariable(html: string, name: string): unknown {
  const re = new RegExp(`(?:var|let|const)\\s+${escapeRe(name)}\\s*=\\s*`);
  const m = re.exec(html) ?? new RegExp(`\\b${escapeRe(name)}\\s*=\\s*(?=[\\[{])`).exec(html);
  if (!m) return undefined;
  return readJsValue(html, m.index + m[0].length).value;
}

export function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&raquo;/g, '»')
    .replace(/&amp;/g, '&');
}

/**
 * The breadcrumb of match pages: `<a href="/Regions/206/Tournaments/4/Seasons/9149/…">LaLiga - 2022/2023</a>`
 * after the country span. Undefined when the page has none.
 */
export function readBreadcrumb(html: string): WsContext | null {
  const at = html.indexOf('id="breadcrumb-nav"');
  if (at < 0) return null;
  const seg = html.slice(at, at + 4000);
  const country = /<\/span>([^<]+)<\/span>/.exec(seg)?.[1]?.trim() ?? null;
  const a = /<a href="\/Regions\/(\d+)\/Tournaments\/(\d+)(?:\/Seasons\/(\d+))?[^"]*"[^>]*>([^<]*)<\/a>/i.exec(seg);
  if (!a) return null;
  const text = decodeEntities(a[4]).trim();
  const sm = /^(.*?)\s+-\s+(\d{4}\/\d{4})$/.exec(text);
  let season: string | null = null;
  if (sm) {
    try {
      season = wsSeasonToWarehouse(sm[2]);
    } catch {
      season = null;
    }
  }
  return {
    regionId: Number(a[1]),
    tournamentId: Number(a[2]),
    wsSeasonId: a[3] ? Number(a[3]) : null,
    country: country ? decodeEntities(country) : null,
    tournamentName: sm ? sm[1] : text || null,
    season,
  };
}

/** "0 : 1" → [0, 1]; empty or unreadable → null. */
export function parseScore(s: unknown): [number, number] | null {
  if (typeof s !== 'string') return null;
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(s);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function numOrNull(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

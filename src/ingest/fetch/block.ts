/**
 * Block-page detection: bot-protection pages (Incapsula / Imperva, Cloudflare) are recognised by
 * their markers and never handed to a parser. Strong markers count anywhere in the head of the
 * body; weak ones (generic phrases) only on small pages or on 403/429/503 answers, so a real data
 * page that happens to mention a phrase is not mistaken for a block.
 */

const STRONG = [
  'Incapsula incident ID',
  '_Incapsula_Resource',
  'Request unsuccessful. Incapsula',
  'cf-challenge',
  'cf_chl_opt',
  'Attention Required! | Cloudflare',
  'cf-browser-verification',
];
/** Cloudflare injects its challenge-platform script into ordinary pages too, so it is only a weak sign. */
const WEAK = ['Just a moment...', 'Verify you are human', 'Ray ID:', 'Checking your browser before accessing', 'Access denied', '/cdn-cgi/challenge-platform/'];
/** Data a block page never carries: a page with one of these is content, whatever else it says. */
const DATA = ['require.config.params', '"tournaments":', '"playerIdNameDictionary"', 'var allRegions'];

const HEAD_BYTES = 64 * 1024;
const SMALL_PAGE = 100 * 1024;

function marker(head: string, size: number, status: number): string | undefined {
  for (const m of STRONG) if (head.includes(m)) return m;
  if (size <= SMALL_PAGE || status === 403 || status === 429 || status === 503) {
    for (const m of WEAK) if (head.includes(m)) return m;
  }
  return undefined;
}

export function detectBlockPage(body: Uint8Array | string, status: number): string | undefined {
  const size = typeof body === 'string' ? body.length : body.byteLength;
  const head = typeof body === 'string' ? body.slice(0, HEAD_BYTES) : Buffer.from(body.subarray(0, HEAD_BYTES)).toString('utf8');
  const found = marker(head, size, status);
  if (!found) return undefined;
  const all = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return DATA.some((d) => all.includes(d)) ? undefined : found;
}

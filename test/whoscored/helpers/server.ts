/**
 * A local stand-in for www.whoscored.com (node:http on 127.0.0.1, port 0) serving the real
 * samples at WhoScored's URL paths, with per-path fault injection for the fault tests.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/whoscored');
export const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));

export const BURNLEY_ID = 1485184;
export const LALIGA_ID = 1650630;
const MONTHS = ['2020-09', '2020-10', '2020-11', '2020-12', '2021-01', '2021-02', '2021-03', '2021-04', '2021-05'];

/**
 * The Burnley match centre as WhoScored serves it: the page assigns the data in an inline
 * script, `require.config.params["args"] = { matchId:…, matchCentreData: {…}, … };` (layout of
 * the real LaLiga page). The matchCentreData JSON inside is the real sample, byte for byte.
 */
export function burnleyMatchCentrePage(): Buffer {
  const json = fixture('1485184_burnley-man-utd_epl-2020-21_matchCentreData.json').toString('utf8');
  return Buffer.from(
    '<!DOCTYPE html>\n<html><head><title>Burnley 0-1 Manchester United - Live</title></head><body>\n' +
      '<script>\n        require.config.params["args"] = {\n            matchId:1485184,\n' +
      `            matchCentreData: ${json},\n            formationIdNameMappings:{"2":"442","8":"4231"}\n        };\n</script>\n</body></html>\n`,
    'utf8',
  );
}

export type Fault =
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { type: 'slow'; ms: number }
  | { type: 'reset' }
  /** Declares the full length, sends half, closes the socket. */
  | { type: 'truncate' }
  /** Sends the first half as a complete, well-formed HTTP response (a truncated body the transport cannot see). */
  | { type: 'truncate-valid' }
  | { type: 'block'; vendor: 'incapsula' | 'cloudflare' };

export const INCAPSULA_PAGE =
  '<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"></head><body style="margin:0px;height:100%">' +
  '<iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=24&xinfo=0-0-0" frameborder=0 width="100%" height="100%">' +
  'Request unsuccessful. Incapsula incident ID: 1234000000000000000-123456789012345678</iframe></body></html>';
export const CLOUDFLARE_PAGE =
  '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><div id="challenge-body">' +
  'Verify you are human by completing the action below.</div><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script>' +
  '<div>Ray ID: <code>8f00000000000000</code></div></body></html>';

/** Route key: lower-case path without a trailing slash, plus the query: "/tournaments/18685/data?d=202101". */
export function routeKey(pathAndQuery: string): string {
  const u = new URL(pathAndQuery, 'http://x');
  return (u.pathname.toLowerCase().replace(/\/+$/, '') || '/') + u.search;
}

export interface LoggedRequest {
  path: string;
  userAgent: string;
  at: number;
}

export interface TestSite {
  baseUrl: string;
  requests: LoggedRequest[];
  /** Faults served, in order, to the next requests of a path; keyed by routeKey(path). */
  faults: Map<string, Fault[]>;
  /** Paths (routeKey) that always answer with a block page. */
  blockAlways: Set<string>;
  fault(pathAndQuery: string, ...f: Fault[]): void;
  robots: string;
  count(pathPrefix: string): number;
  close(): Promise<void>;
}

function routes(): Map<string, { body: Buffer; type: string }> {
  const html = 'text/html; charset=utf-8';
  const json = 'application/json; charset=utf-8';
  const tournament = fixture('ENG-Premier_League_2020-21_stage18685_tournament-page.html');
  const m = new Map<string, { body: Buffer; type: string }>();
  // The saved tournament page is the 2020/21 stage page: it carries the seasons selector,
  // the "Fixtures" link, the wsCalendar and allRegions, so it answers all four levels.
  for (const p of ['/', '/regions/252/tournaments/2', '/regions/252/tournaments/2/seasons/8228', '/regions/252/tournaments/2/seasons/8228/stages/18685']) {
    m.set(routeKey(p), { body: tournament, type: html });
  }
  for (const mo of MONTHS) {
    m.set(routeKey(`/tournaments/18685/data/?d=${mo.replace('-', '')}`), { body: fixture(`ENG-Premier_League_2020-21_stage18685_${mo}.json`), type: json });
  }
  m.set(routeKey(`/Matches/${BURNLEY_ID}/Live`), { body: burnleyMatchCentrePage(), type: html });
  m.set(routeKey(`/Matches/${BURNLEY_ID}/Preview`), { body: fixture('1485184_burnley-man-utd_epl-2020-21_preview.html'), type: html });
  m.set(routeKey(`/Matches/${LALIGA_ID}/Live`), { body: gunzipSync(fixture('1650630_barcelona-rayo-vallecano_laliga-2022-23_live.html.gz')), type: html });
  return m;
}

export async function startTestSite(): Promise<TestSite> {
  const table = routes();
  const requests: LoggedRequest[] = [];
  const faults = new Map<string, Fault[]>();
  const blockAlways = new Set<string>();
  const site = { robots: 'User-agent: *\nDisallow: /private/\n' };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const keyLower = routeKey(url.pathname + url.search);
    requests.push({ path: url.pathname + url.search, userAgent: req.headers['user-agent'] ?? '', at: Date.now() });
    if (url.pathname === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(site.robots);
      return;
    }
    const route = table.get(keyLower);
    const queue = faults.get(keyLower);
    const fault = queue?.shift();
    if (blockAlways.has(keyLower) || fault?.type === 'block') {
      const vendor = fault?.type === 'block' ? fault.vendor : 'incapsula';
      res.writeHead(vendor === 'cloudflare' ? 403 : 200, { 'content-type': 'text/html' }).end(vendor === 'cloudflare' ? CLOUDFLARE_PAGE : INCAPSULA_PAGE);
      return;
    }
    if (fault?.type === 'status') {
      res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers }).end(fault.body ?? `status ${fault.status}`);
      return;
    }
    if (fault?.type === 'reset') {
      req.socket.destroy();
      return;
    }
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Page not found</body></html>');
      return;
    }
    const send = () => {
      if (fault?.type === 'truncate') {
        res.writeHead(200, { 'content-type': route.type, 'content-length': String(route.body.length) });
        res.write(route.body.subarray(0, Math.floor(route.body.length / 2)), () => res.socket?.destroy());
        return;
      }
      const body = fault?.type === 'truncate-valid' ? route.body.subarray(0, Math.floor(route.body.length / 2)) : route.body;
      res.writeHead(200, { 'content-type': route.type, 'content-length': String(body.length) }).end(body);
    };
    if (fault?.type === 'slow') setTimeout(send, fault.ms);
    else send();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    faults,
    blockAlways,
    fault(p: string, ...f: Fault[]) {
      faults.set(routeKey(p), [...(faults.get(routeKey(p)) ?? []), ...f]);
    },
    get robots() {
      return site.robots;
    },
    set robots(v: string) {
      site.robots = v;
    },
    count: (prefix: string) => requests.filter((r) => r.path.toLowerCase().startsWith(prefix.toLowerCase())).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

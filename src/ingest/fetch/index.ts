/** The polite fetcher: one interface, two implementations (plain HTTP and a real browser). */
import { BrowserTransport, type BrowserOptions } from './browser-transport.ts';
import { HttpTransport } from './http-transport.ts';
import { PoliteFetcher, type FetchEvent } from './polite-fetcher.ts';
import type { Fetcher, PolitenessOptions } from './types.ts';

export interface FetcherOptions extends PolitenessOptions {
  /** 'http' (undici, default) or 'browser' (playwright-core + system Chromium). */
  kind?: 'http' | 'browser';
  browser?: BrowserOptions;
  onEvent?: (e: FetchEvent) => void;
}

export function createFetcher(opts: FetcherOptions = {}): Fetcher {
  const kind = opts.kind ?? 'http';
  if (kind !== 'http' && kind !== 'browser') throw new Error(`fetcher kind "${String(kind)}": expected "http" or "browser"`);
  const transport = kind === 'browser' ? new BrowserTransport(opts.browser) : new HttpTransport();
  return new PoliteFetcher(transport, opts, opts.onEvent);
}

export { PoliteFetcher, type FetchEvent } from './polite-fetcher.ts';
export { HttpTransport } from './http-transport.ts';
export { BrowserTransport, type BrowserOptions } from './browser-transport.ts';
export { detectBlockPage } from './block.ts';
export { parseRobots, robotsAllows } from './robots.ts';
export * from './types.ts';

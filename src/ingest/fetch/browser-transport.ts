/**
 * Single attempts through a real browser: playwright-core driving the system's Chromium
 * (Debian `chromium`, never a downloaded one). The body is the server's response as the
 * browser received it (cookies, TLS and JavaScript of a real browser); when it is a
 * JavaScript challenge page, the challenge is given time to pass and reload the page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { detectBlockPage } from './block.ts';
import { abortError, TransientError, type AttemptResult, type Transport } from './types.ts';

export interface BrowserOptions {
  /** Chromium binary. Default /usr/bin/chromium (Debian package). */
  executablePath?: string;
  /** Default true. WhoScored is known to block headless browsers; headful needs a display. */
  headless?: boolean;
  /** Persistent profile folder; default a fresh temporary one, removed on close. */
  userDataDir?: string;
  /**
   * Fetch only the documents asked for: sub-resources (scripts, images, ads, trackers) are
   * aborted, except same-host ones while a challenge page runs. Default true.
   */
  blockThirdParty?: boolean;
  /** How long to let a JavaScript challenge page finish and reload (ms). Default 10000. */
  challengeWaitMs?: number;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export class BrowserTransport implements Transport {
  readonly kind = 'browser' as const;
  #context: Promise<BrowserContext> | undefined;
  #tmpDir: string | undefined;
  readonly #hosts = new Set<string>();
  /** Pages kept open between attempts (opening one costs a few hundred ms). */
  readonly #idle: Page[] = [];
  /** > 0 while a JavaScript challenge is given time to pass (its scripts may load). */
  #challenge = 0;

  constructor(private readonly opts: BrowserOptions = {}) {}

  #launch(userAgent: string): Promise<BrowserContext> {
    if (!this.#context) {
      let dir = this.opts.userDataDir;
      if (!dir) dir = this.#tmpDir = mkdtempSync(path.join(tmpdir(), 'time2bet-chromium-'));
      const headless = this.opts.headless ?? true;
      this.#context = chromium
        .launchPersistentContext(dir, {
          executablePath: this.opts.executablePath ?? '/usr/bin/chromium',
          headless,
          args: [...(headless ? ['--headless'] : []), ...CHROMIUM_ARGS],
          userAgent,
          locale: 'en-GB',
          acceptDownloads: false,
        })
        .then(async (ctx) => {
          if (this.opts.blockThirdParty ?? true) {
            await ctx.route('**/*', (route) => {
              let host = '';
              try {
                host = new URL(route.request().url()).host;
              } catch {
                /* data: and other schemes */
              }
              const req = route.request();
              let topDocument = false;
              try {
                topDocument = req.isNavigationRequest() && req.frame().parentFrame() === null;
              } catch {
                /* a request without a frame (service worker) */
              }
              // The documents asked for (and their redirects); same-host sub-resources only while a challenge page runs.
              const wanted = topDocument || (this.#challenge > 0 && this.#hosts.has(host));
              return wanted ? route.continue() : route.abort();
            });
          }
          return ctx;
        });
      this.#context.catch(() => (this.#context = undefined));
    }
    return this.#context;
  }

  async attempt(url: string, opts: { userAgent: string; timeoutMs: number; signal?: AbortSignal }): Promise<AttemptResult> {
    if (opts.signal?.aborted) throw abortError(opts.signal);
    this.#hosts.add(new URL(url).host);
    const ctx = await this.#launch(opts.userAgent);
    let page: Page | undefined;
    let reusable = false;
    const onAbort = () => void page?.close().catch(() => {});
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      page = this.#idle.pop() ?? (await ctx.newPage());
      const resp = await page.goto(url, { waitUntil: 'commit', timeout: opts.timeoutMs });
      if (!resp) throw new TransientError(`GET ${url}: the browser got no response`);
      let status = resp.status();
      let headers = await resp.allHeaders();
      // The server's own bytes (the data sits in inline scripts; nothing needs rendering).
      let body: Uint8Array = new Uint8Array(await resp.body());
      const wait = this.opts.challengeWaitMs ?? 10_000;
      if (wait > 0 && /html/i.test(headers['content-type'] ?? '') && detectBlockPage(body, status)) {
        const passed = await this.#awaitChallenge(page, resp, wait);
        if (passed) ({ status, headers, body } = passed);
      }
      reusable = true;
      return { finalUrl: page.url(), status, headers, body };
    } catch (e) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      if (e instanceof TransientError) throw e;
      const err = e as Error;
      if (err.name === 'TimeoutError') throw new TransientError(`GET ${url}: timed out after ${opts.timeoutMs} ms (browser)`, 'TIMEOUT');
      if (/net::ERR_|Target (page, context or browser )?(has been )?closed|Navigation failed/i.test(err.message)) {
        throw new TransientError(`GET ${url}: ${err.message.split('\n')[0]}`, 'BROWSER');
      }
      throw err;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (page && reusable && !page.isClosed() && !opts.signal?.aborted) this.#idle.push(page);
      else await page?.close().catch(() => {});
    }
  }

  /** A JavaScript challenge: let it run (with its scripts); it reloads the page when it passes. */
  async #awaitChallenge(page: Page, first: Response, wait: number): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array } | undefined> {
    this.#challenge++;
    try {
      const next = await page
        .waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && r !== first, { timeout: wait })
        .catch(() => undefined);
      if (!next) return undefined;
      await page.waitForLoadState('domcontentloaded', { timeout: wait }).catch(() => {});
      const body = await next.body().catch(async () => Buffer.from(await page.content(), 'utf8'));
      return { status: next.status(), headers: await next.allHeaders(), body: new Uint8Array(body) };
    } finally {
      this.#challenge--;
    }
  }

  async close(): Promise<void> {
    const ctx = this.#context;
    this.#context = undefined;
    this.#idle.length = 0;
    if (ctx) await (await ctx.catch(() => undefined))?.close().catch(() => {});
    if (this.#tmpDir) rmSync(this.#tmpDir, { recursive: true, force: true });
    this.#tmpDir = undefined;
  }
}

/**
 * The worker's Chromium: one browser per worker, launched on the first PDF and reused, with a fresh
 * context (own cookies, cache, storage) per job. The page runs no JavaScript and may load nothing:
 * every request it would make is aborted, so a message can neither run code nor reach the network.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Chromium is not installed where CHROMIUM_PATH says: retrying on this worker will not help. */
export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
}

export class PdfBrowser {
  private browser: Promise<Browser> | null = null;
  private closed = false;

  /** `executablePath`: a path, or a command name looked up on PATH (`chromium`). */
  constructor(readonly executablePath: string) {}

  /** Runs `fn` on a new page of a new context, and closes the context whatever happens. */
  async withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
    const browser = await this.launched();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true, serviceWorkers: 'block' });
    try {
      await context.route('**/*', (route) => route.abort('blockedbyclient'));
      const page = await context.newPage();
      return await fn(page);
    } finally {
      await context.close().catch(() => {});
    }
  }

  /** Closes the browser and its processes; a later withPage launches a new one. */
  async close(): Promise<void> {
    const pending = this.browser;
    this.browser = null;
    if (pending) await pending.then((b) => b.close(), () => {});
  }

  /** Stops for good: for worker shutdown. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.close();
  }

  private async launched(): Promise<Browser> {
    if (this.closed) throw new Error('the PDF browser was shut down with its worker');
    if (this.browser) {
      const browser = await this.browser.catch(() => null);
      if (browser?.isConnected()) return browser;
      this.browser = null;
    }
    const launching = this.launch();
    this.browser = launching;
    launching.then(
      (b) => b.on('disconnected', () => {
        if (this.browser === launching) this.browser = null;
      }),
      () => {
        if (this.browser === launching) this.browser = null;
      },
    );
    return launching;
  }

  private async launch(): Promise<Browser> {
    const executable = resolveExecutable(this.executablePath);
    if (!executable) throw new ChromiumMissingError(`Chromium not found at CHROMIUM_PATH=${this.executablePath}`);
    // Loaded on the first PDF only: playwright-core costs a worker ~65 MB of memory from the moment it
    // is imported, and most workers only ever export CSV (docs/performance.md).
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: executable, args: LAUNCH_ARGS, timeout: 60_000,
      // Playwright would close the browser on the first SIGTERM/SIGINT, failing the PDF being printed; the
      // worker owns shutdown instead: it lets running jobs finish (grace time), then calls shutdown().
      // Playwright still kills the browser when this process exits, however it exits.
      handleSIGTERM: false, handleSIGINT: false, handleSIGHUP: false,
    });
    // shutdown() may have run while we were launching: do not leave an orphan behind.
    if (this.closed) {
      await browser.close();
      throw new Error('the PDF browser was shut down with its worker');
    }
    return browser;
  }
}

/** An absolute or relative path as is when it exists; a bare name searched on PATH. */
function resolveExecutable(name: string): string | null {
  if (name.includes('/')) return existsSync(name) ? path.resolve(name) : null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';

/** Debian's Chromium (`scripts/browser.sh` installs it for CI). */
export const CHROMIUM = '/usr/bin/chromium';
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Headless Chromium whose contexts send nothing off the host: every request is routed, those to localhost or
 * 127.0.0.1 go through, any other is aborted and recorded in `offHostRequests`, which a test expects to stay empty.
 */
export class LocalBrowser {
  readonly offHostRequests: string[] = [];

  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<LocalBrowser> {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/browser.sh (apt-get install chromium)`);
    const { chromium } = await import('playwright-core');
    return new LocalBrowser(await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] }));
  }

  async context(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || LOCAL_HOSTS.has(url.hostname)) return route.continue();
      this.offHostRequests.push(url.href);
      return route.abort('blockedbyclient');
    });
    return context;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** Writes a screenshot under reports/screenshots (created when missing) and returns it. */
export function saveScreenshot(path: string, png: Buffer): Buffer {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return png;
}

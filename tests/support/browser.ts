/**
 * The inspector's browser tests, on the chromium that chromium.ts launches.
 * One browser per
 * suite; each page gets a fresh context that
 * - routes every request: one to a host other than 127.0.0.1 or localhost is
 *   aborted and recorded (`offsite`), so a test can assert the page works with
 *   the network off and tried nothing else;
 * - collects console errors and warnings and uncaught page errors (`problems`);
 * - saves a 1280x800 screenshot to `docs/inspector-<view>.png` when
 *   `PODMESH_SCREENSHOTS=1` (a plain `npm test` leaves docs/ alone).
 * Every wait is bounded (playwright's default timeouts are set short), so a
 * page that never renders fails its test instead of hanging the run.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { suite } from 'uvu';
import { CHROMIUM_PATH, chromiumMissing, launchChromium } from './chromium.js';
import { repoRoot, within } from './podProcess.js';

export { CHROMIUM_PATH, launchChromium };

/** Bound on one locator action or expectation poll. */
export const PAGE_TIMEOUT_MS = 10_000;
export const VIEWPORT = { width: 1280, height: 800 } as const;
/** Whether tests save their screenshots into docs/. */
export const SAVE_SCREENSHOTS = process.env.PODMESH_SCREENSHOTS === '1';

/** Whether the chromium binary is there to run. */
export function chromiumAvailable(path = CHROMIUM_PATH): boolean {
  return chromiumMissing(path) === null;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a URL stays on this machine (data: and blob: URLs are the page's own). */
export function isLocalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || url === 'about:blank') return true;
  return LOCAL_HOSTS.has(parsed.hostname);
}

/** A page under watch. */
export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every request (or web socket) to a host other than 127.0.0.1/localhost, in order; each was aborted. */
  readonly offsite: string[];
  /** Console errors and warnings and uncaught page errors, in order. */
  readonly problems: string[];
  /** Saves `docs/inspector-<view>.png` when screenshots are on; resolves to its path, or null. */
  screenshot(view: string): Promise<string | null>;
  /** Throws when a request left 127.0.0.1 or the console reported a problem. */
  assertClean(): void;
  close(): Promise<void>;
}

/** A fresh context and page of `browser`, watched as described at the top of this file. */
export async function openPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, serviceWorkers: 'block' });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS * 2);
  const offsite: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLocalUrl(url)) await route.continue();
    else {
      offsite.push(url);
      await route.abort('blockedbyclient');
    }
  });
  const page = await context.newPage();
  page.on('websocket', (socket) => {
    if (!isLocalUrl(socket.url())) offsite.push(socket.url());
  });
  page.on('console', (message) => {
    const type = message.type();
    if (type === 'error' || type === 'warning') {
      const where = message.location();
      problems.push(`console.${type}: ${message.text()}${where.url === '' ? '' : ` (${where.url}:${where.lineNumber})`}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.stack ?? error.message}`));
  page.on('crash', () => problems.push('page crashed'));
  return {
    page,
    context,
    offsite,
    problems,
    async screenshot(view) {
      if (!SAVE_SCREENSHOTS) return null;
      const path = join(repoRoot, 'docs', `inspector-${view}.png`);
      await page.screenshot({ path, type: 'png', fullPage: false, animations: 'disabled', timeout: PAGE_TIMEOUT_MS });
      return path;
    },
    assertClean() {
      if (offsite.length > 0) throw new Error(`requests left 127.0.0.1 (aborted): ${offsite.join(', ')}`);
      if (problems.length > 0) throw new Error(`the page reported ${problems.length} problem(s):\n${problems.join('\n')}`);
    },
    async close() {
      await within(context.close(), PAGE_TIMEOUT_MS, 'closing a browser context');
    },
  };
}

/** The context of a browser suite: one chromium for all its tests. */
export interface BrowserContextState {
  browser?: Browser;
}

/**
 * A uvu suite with one chromium launched before its first test and closed
 * after its last. When chromium is missing the suite still registers, and
 * `skipWithoutChromium` lets each test say so instead of failing.
 */
export function browserSuite<T extends BrowserContextState = BrowserContextState>(name: string, context: T = {} as T) {
  const tests = suite<T>(name, context);
  tests.before(async (ctx) => {
    if (chromiumAvailable()) ctx.browser = await launchChromium();
    else process.stdout.write(`\n  (${name}: no chromium at ${CHROMIUM_PATH}; install Debian's chromium or set PODMESH_CHROMIUM; its tests are skipped)\n`);
  });
  tests.after(async (ctx) => {
    await ctx.browser?.close();
    ctx.browser = undefined;
  });
  return tests;
}

/** The value of `attribute` on every element `locator` matches, in document order (bounded by the page timeout). */
export async function attributesOf(locator: import('playwright-core').Locator, attribute: string): Promise<string[]> {
  const values: string[] = [];
  const count = await locator.count();
  for (let i = 0; i < count; i += 1) values.push((await locator.nth(i).getAttribute(attribute)) ?? '');
  return values;
}

/** The ids of the states drawn active in the statechart of `machine` (a `data-machine`) on `page`. */
export async function activeStates(page: Page, machine: string): Promise<string[]> {
  return attributesOf(page.locator(`svg[data-testid="statechart"][data-machine="${machine}"] [data-testid="chart-state"][data-active="true"]`), 'data-state-id');
}

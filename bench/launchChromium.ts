/**
 * Chromium for the browser rows of the bench: Debian's chromium
 * (`/usr/lib/chromium/chromium`, or `PODMESH_CHROMIUM`) driven by
 * playwright-core, headless, with the network limited to loopback as in
 * tests/support/browser.ts. When the binary is missing, the rows are skipped
 * with a note instead of failing the bench.
 */
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** The built page (`npm run bench` builds first): the bench runs from src/, whose page folder holds only sources. */
export const PAGE_DIR = join(resolve(import.meta.dirname, '..'), 'dist', 'inspector', 'page');

export const CHROMIUM_PATH = process.env.PODMESH_CHROMIUM ?? '/usr/lib/chromium/chromium';

/** Why the browser rows cannot run, or null when they can. */
export function chromiumMissing(path = CHROMIUM_PATH): string | null {
  try {
    accessSync(path, constants.X_OK);
    return null;
  } catch {
    return `no chromium at ${path} (apt-get install -y chromium, or set PODMESH_CHROMIUM)`;
  }
}

export function launchChromium(path = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({
    executablePath: path,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
}

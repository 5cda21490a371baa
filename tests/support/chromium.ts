/**
 * Debian's chromium (`/usr/lib/chromium/chromium`, or `PODMESH_CHROMIUM`)
 * driven by playwright-core — no browser download is possible here — for the
 * browser tests (tests/support/browser.ts) and the browser rows of the bench,
 * which import it as they import natsServer.ts. Headless, with no name but
 * the loopback ones resolving.
 */
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PODMESH_CHROMIUM ?? '/usr/lib/chromium/chromium';
/** Bound on launching chromium (a cold start on a loaded 2-core machine). */
export const LAUNCH_TIMEOUT_MS = 30_000;

/** Why chromium cannot run here, or null when it can. */
export function chromiumMissing(path = CHROMIUM_PATH): string | null {
  try {
    accessSync(path, constants.X_OK);
    return null;
  } catch {
    return `no chromium at ${path} (apt-get install -y chromium, or set PODMESH_CHROMIUM)`;
  }
}

/** Launches headless chromium (`--no-sandbox`: CI runs as root); bounded by playwright's launch timeout and a guard beyond it. */
export async function launchChromium(path = CHROMIUM_PATH): Promise<Browser> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`launching ${path} took more than ${LAUNCH_TIMEOUT_MS + 5_000} ms`)), LAUNCH_TIMEOUT_MS + 5_000);
  });
  try {
    return await Promise.race([
      chromium.launch({
        executablePath: path,
        headless: true,
        timeout: LAUNCH_TIMEOUT_MS,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          // Chromium's own traffic (updates, safe browsing, field trials) is not the page's: keep it off as well.
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          // Belt and braces: no name but the loopback ones resolves, whatever the page or the browser tries.
          '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
        ],
      }),
      guard,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

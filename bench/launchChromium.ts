/**
 * Chromium for the browser rows of the bench: the tests' launcher
 * (tests/support/chromium.ts), and where the built page is. When the binary
 * is missing, the rows are skipped with a note instead of failing the bench.
 */
import { join, resolve } from 'node:path';

export { CHROMIUM_PATH, chromiumMissing, launchChromium } from '../tests/support/chromium.js';

/** The built page (`npm run bench` builds first): the bench runs from src/, whose page folder holds only sources. */
export const PAGE_DIR = join(resolve(import.meta.dirname, '..'), 'dist', 'inspector', 'page');

/** Temporary folders of check:package, removed on exit, on Ctrl-C and on SIGTERM. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, PREFIX } from './log.js';

const temporary: string[] = [];

export function makeTemp(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `podmesh-check-${label}-`));
  temporary.push(dir);
  return dir;
}

export function removeTemporary(): void {
  for (const dir of temporary.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      process.stderr.write(`${PREFIX} could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

/** Removes the folders on every way out; `stop` first passes a signal on to the running child. */
export function removeOnExit(stop: (signal: NodeJS.Signals) => void): void {
  process.on('exit', removeTemporary);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping, removing temporary folders`);
      stop(signal);
      removeTemporary();
      process.exit(code);
    });
  }
}

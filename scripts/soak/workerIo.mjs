// What every soak worker shares: lines to the parent on stdout (a pipe, so
// each write is in the kernel before the call returns and survives a kill -9
// a moment later), commands from the parent on stdin, and an exit when the
// parent is gone (stdin ends), so no worker outlives a soak killed by force.
import { createInterface } from 'node:readline';

/** One line to the parent. */
export const out = (line) => process.stdout.write(`${line}\n`);

const waiting = [];
const stdin = createInterface({ input: process.stdin, crlfDelay: Infinity });
stdin.on('line', (line) => {
  const index = waiting.findIndex((w) => w.word === line.trim());
  if (index >= 0) waiting.splice(index, 1)[0].resolve();
});
stdin.on('close', () => process.exit(0));

/** Resolves when the parent sends the line `word` (e.g. `go`). */
export const command = (word) => new Promise((resolve) => waiting.push({ word, resolve }));

/** The seeded random source of the parent (stats.ts), so a worker's choices follow `--seed`. */
export function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An error as `code: message`, one bounded line. */
export function errorLine(error) {
  const code = typeof error?.code === 'string' ? error.code : error?.name ?? typeof error;
  return `${code}: ${String(error?.message ?? error).replace(/\s+/g, ' ').slice(0, 200)}`;
}

/** Reports a failure the worker cannot go past, and exits 1. */
export function fail(error) {
  out(`error ${errorLine(error)}`);
  process.exit(1);
}

/**
 * Runs every `tests/**\/*.test.ts` suite in one process with uvu, then prints the
 * plain closing line `N passed, N failed` that CI reads.
 *
 * Usage: tsx scripts/test.ts [--help] [filter...]   (a filter keeps files whose path under
 * the checkout contains it, in any case: `fuzz` keeps tests/fuzz/ and podProtocolFuzz.test.ts)
 */
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write('usage: npm test [-- filter...]\nRuns the uvu suites under tests/ whose path contains a filter, in any case (all by default).\n');
  process.exit(0);
}

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(path));
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

const root = resolve(import.meta.dirname, '..');
const filters = args.map((filter) => filter.toLowerCase());
const files = findTests(join(root, 'tests')).filter(
  (file) => filters.length === 0 || filters.some((filter) => relative(root, file).toLowerCase().includes(filter)),
);

// uvu's own CLI protocol: defer execution, give each file its own queue.
const g = globalThis as { UVU_DEFER?: number; UVU_INDEX?: number; UVU_QUEUE?: unknown[][] };
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];
const uvu = await import('uvu');
let index = 0;
for (const file of files) {
  g.UVU_INDEX = index++;
  g.UVU_QUEUE.push([relative(root, file)]);
  await import(pathToFileURL(file).href);
}

/**
 * Nothing may hang silently: past `PODMESH_TEST_TIMEOUT_S` (default 900 s; a full run takes about 100 s on
 * 2 cores) the run stops with exit 1, naming the file that was running and what keeps the process busy.
 */
const timeoutS = Number(process.env.PODMESH_TEST_TIMEOUT_S ?? 900);
let running = '(loading)';
const hung = (why: string): never => {
  process.stderr.write(`\n${why}; running: ${running}; active: ${process.getActiveResourcesInfo().join(', ')}\n`);
  process.exit(1);
};
setTimeout(() => hung(`the test run exceeded ${timeoutS} s (PODMESH_TEST_TIMEOUT_S)`), timeoutS * 1000).unref();

// How long each file took, so a slow one is named (nothing hangs: the watchdogs above and below bound it).
const durations: { file: string; ms: number }[] = [];
let fileStarted = performance.now();
const took = (now: number): void => {
  if (running !== '(loading)') durations.push({ file: running, ms: now - fileStarted });
};

// uvu prints its totals but does not return them: read them off its output.
let printed = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  printed += text;
  // uvu prints each file's path before its suites run.
  const file = /(tests\/\S+\.test\.ts)/.exec(text)?.[1];
  if (file !== undefined) {
    took(performance.now());
    running = file;
    fileStarted = performance.now();
  }
  if (printed.length > 4096) printed = printed.slice(-4096);
  return write(chunk, ...rest);
}) as typeof process.stdout.write;
await uvu.exec(false);
took(performance.now());
process.stdout.write = write;
const slowest = durations.sort((a, b) => b.ms - a.ms).slice(0, 8);
if (slowest.length > 1) process.stdout.write(`\nslowest files: ${slowest.map(({ file, ms }) => `${file.replace(/^tests\//, '')} ${(ms / 1000).toFixed(1)} s`).join(', ')}\n`);

// eslint-disable-next-line no-control-regex
const plain = printed.replace(/\u001b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
// uvu's Total counts the tests that ran; a skipped one (no nats-server here, say) is in Skipped alone.
process.stdout.write(`${passed} passed, ${total - passed} failed, ${skipped} skipped\n`);
if (files.length === 0 || total + skipped === 0) {
  process.stdout.write('no test ran\n');
  process.exitCode = 1;
}
// Every suite cleans up after itself: a process still busy 10 s after the totals means a leaked handle.
running = '(all done)';
setTimeout(() => hung('the tests finished but something keeps the process alive'), 10_000).unref();

/**
 * A child process for tests/actors/fsPodStoreProcesses.test.ts: opens a file
 * store on a shared folder and changes one record many times, all calls at once.
 *
 * Usage: node --import tsx tests/support/fsStoreWorker.ts <dir> <record> <mode> <count> [prefix]
 *   mode `add-peers`: addPeer(record, `<prefix>-<i>`) for i < count
 *   mode `count`:     update(record) incrementing its unknown field `counter`, count times
 *
 * It prints `ready` once loaded and starts on a `go` line on stdin, so a test
 * can start several workers and release them together. It ends with one JSON
 * line `{"changed":n}` and exit code 0, or the error on stderr and exit code 1;
 * it also exits (1) when stdin closes before `go`, so it never outlives its test.
 */
import { createInterface } from 'node:readline';
import { createFsPodStore } from '../../src/actors/stores/createFsPodStore.js';
import type { PodMetadata } from '../../src/core/types.js';

type Mode = 'add-peers' | 'count';

async function work(dir: string, record: string, mode: Mode, count: number, prefix: string): Promise<number> {
  const store = createFsPodStore(dir);
  const indexes = Array.from({ length: count }, (_, i) => i);
  if (mode === 'add-peers') {
    const results = await Promise.all(indexes.map((i) => store.addPeer(record, `${prefix}-${String(i).padStart(3, '0')}`)));
    return results.filter(Boolean).length;
  }
  const increment = (current: PodMetadata): PodMetadata => {
    const counter = typeof current.counter === 'number' ? current.counter : 0;
    return { ...current, counter: counter + 1 };
  };
  await Promise.all(indexes.map(() => store.update(record, increment)));
  return count;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const [dir, record, mode, countText, prefix = 'peer'] = process.argv.slice(2);
const count = Number(countText);
if (dir === undefined || record === undefined || (mode !== 'add-peers' && mode !== 'count') || !Number.isInteger(count)) {
  fail('usage: fsStoreWorker.ts <dir> <record> <add-peers|count> <count> [prefix]');
}

const lines = createInterface({ input: process.stdin });
let started = false;
lines.on('line', (line) => {
  if (line.trim() !== 'go' || started) return;
  started = true;
  lines.close();
  work(dir, record, mode, count, prefix).then(
    (changed) => {
      process.stdout.write(`${JSON.stringify({ changed })}\n`);
      process.exitCode = 0;
    },
    (error: unknown) => fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
  );
});
lines.on('close', () => {
  if (!started) fail('stdin closed before go');
});
process.stdout.write('ready\n');

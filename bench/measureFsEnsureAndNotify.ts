/**
 * `fs-ensure-and-notify-vs-atomic-write`: the orchestrator hook's per-event
 * work on the durable store — `ensureExistingPeer` on a pair that already
 * holds each other (reads, no write) plus a weak notify — against the one
 * thing a durable store cannot avoid per change: one atomic record write
 * (temp file, fsync, rename, folder fsync).
 */
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsPodStore, createPodRuntime } from '../src/index.js';
import { METADATA_FILE } from '../src/actors/stores/createFsPodStore.js';
import { writeFileAtomic } from '../src/actors/stores/writeFileAtomic.js';
import { createNotifyPair, NOTIFY_RUNTIME_OPTIONS } from './createNotifyPair.js';
import type { NotifyLoopOptions } from './measureWeakNotify.js';
import { alternate, result, usPerOp, type BenchResult } from './stats.js';

export const FS_ENSURE_GOAL = 2.5;

export async function measureFsEnsureAndNotify(options: NotifyLoopOptions): Promise<BenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-bench-'));
  try {
    const podsDir = join(dir, 'pods');
    const runtime = createPodRuntime({ ...NOTIFY_RUNTIME_OPTIONS, store: createFsPodStore(podsDir) });
    try {
      const pair = await createNotifyPair(runtime, 'sender', 'target');
      const records = ['sender', 'target'].map((name) => join(podsDir, name, METADATA_FILE));
      const record = await readFile(records[1] as string, 'utf8');
      const writesBefore = await Promise.all(records.map(async (file) => (await stat(file)).mtimeMs));
      const atomicDir = join(dir, 'atomic');
      await mkdir(atomicDir);
      const atomicFile = join(atomicDir, METADATA_FILE);
      const atomicWrites = (): Promise<number> => usPerOp(options.batch, () => writeFileAtomic(atomicFile, record));
      const sampled = await alternate({
        rounds: options.rounds,
        warmup: options.warmup,
        value: () => pair.ensureAndWeak(options.batch),
        baseline: atomicWrites,
        settle: pair.drain,
        ...(options.progress === undefined ? {} : { progress: options.progress, label: 'fs-ensure-and-notify-vs-atomic-write' }),
      });
      const writesAfter = await Promise.all(records.map(async (file) => (await stat(file)).mtimeMs));
      if (writesAfter.some((mtime, i) => mtime !== writesBefore[i])) {
        throw new Error('ensureExistingPeer rewrote a record of an already reciprocal pair');
      }
      return result({
        name: 'fs-ensure-and-notify-vs-atomic-write',
        unit: 'us/op',
        value: sampled.value,
        baseline: sampled.baseline,
        goal: FS_ENSURE_GOAL,
        info: [
          'value: ensureExistingPeer(target) on an already reciprocal pair + weak notify, createFsPodStore under os.tmpdir()',
          `baseline: one writeFileAtomic of the ${Buffer.byteLength(record)}-byte record (temp file, fsync, rename, folder fsync)`,
          `median of ${sampled.samples} alternating batches of ${options.batch} per side; records verified unwritten`,
        ],
      });
    } finally {
      await runtime.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `weak-notify-100k-vs-100`: the same weak notify in a runtime holding many
 * pods and in one holding few. Both runtimes live in the same heap and their
 * rounds alternate, so garbage-collection pressure from the big heap hits both
 * sides alike and the ratio shows only what grows with the pod count.
 */
import { createPodRuntime, type PodRuntime } from '../src/index.js';
import { createNotifyPair, NOTIFY_RUNTIME_OPTIONS } from './createNotifyPair.js';
import type { NotifyLoopOptions } from './measureWeakNotify.js';
import { fillerSpawns, spawnWithProgress } from './spawnFillers.js';
import { alternate, collect, result, type BenchResult, type Progress } from './stats.js';

export interface ScaleOptions extends NotifyLoopOptions {
  /** Pods in the large runtime (100,000). */
  readonly large: number;
  /** Pods in the small runtime (100). */
  readonly small: number;
}

export const WEAK_NOTIFY_SCALE_GOAL = 1.3;

const quiet: Progress = () => undefined;

/** A runtime holding `count` pods in total, two of them the reciprocal pair. */
async function populated(count: number, progress: Progress) {
  const runtime = createPodRuntime(NOTIFY_RUNTIME_OPTIONS);
  const spawns = fillerSpawns(Math.max(0, count - 2));
  await spawnWithProgress(runtime, spawns, progress, `weak-notify-100k-vs-100: runtime of ${count.toLocaleString('en-US')}`);
  const pair = await createNotifyPair(runtime, 'sender', 'target');
  return { runtime, pair };
}

export async function measureWeakNotifyAtScale(options: ScaleOptions): Promise<BenchResult> {
  const progress = options.progress ?? quiet;
  const runtimes: PodRuntime[] = [];
  try {
    const large = await populated(options.large, progress);
    runtimes.push(large.runtime);
    const small = await populated(options.small, progress);
    runtimes.push(small.runtime);
    collect();
    const sampled = await alternate({
      rounds: options.rounds,
      warmup: options.warmup,
      value: () => large.pair.weak(options.batch),
      baseline: () => small.pair.weak(options.batch),
      settle: async () => {
        await large.pair.drain();
        await small.pair.drain();
      },
      progress,
      label: 'weak-notify-100k-vs-100',
    });
    return result({
      name: 'weak-notify-100k-vs-100',
      unit: 'us/op',
      value: sampled.value,
      baseline: sampled.baseline,
      goal: WEAK_NOTIFY_SCALE_GOAL,
      info: [
        `value: weak notify in a runtime of ${options.large.toLocaleString('en-US')} pods; baseline: in one of ${options.small.toLocaleString('en-US')} (same heap, alternating)`,
        `median of ${sampled.samples} batches of ${options.batch} per side`,
      ],
    });
  } finally {
    for (const runtime of runtimes) await runtime.stop();
  }
}

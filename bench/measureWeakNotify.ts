/**
 * `weak-notify-vs-direct-notify`: what the weak notify's checks (two record
 * reads, visibility, liveness, the decision walk, a diagnostic) cost on top of
 * the notify event itself, to a live reciprocal peer with the memory store.
 */
import { createPodRuntime } from '../src/index.js';
import { createNotifyPair, NOTIFY_RUNTIME_OPTIONS } from './createNotifyPair.js';
import { alternate, result, type BenchResult, type Progress } from './stats.js';

export interface NotifyLoopOptions {
  /** Timed rounds; each times one batch per side. */
  readonly rounds: number;
  /** Untimed rounds first (JIT warm-up). */
  readonly warmup: number;
  /** Sends per batch (at most 100, so the 128-notice buffer never overflows). */
  readonly batch: number;
  readonly progress?: Progress;
}

export const WEAK_NOTIFY_GOAL = 1.5;

export async function measureWeakNotify(options: NotifyLoopOptions): Promise<BenchResult> {
  const runtime = createPodRuntime(NOTIFY_RUNTIME_OPTIONS);
  try {
    const pair = await createNotifyPair(runtime, 'sender', 'target');
    const sampled = await alternate({
      rounds: options.rounds,
      warmup: options.warmup,
      value: () => pair.weak(options.batch),
      baseline: () => pair.direct(options.batch),
      settle: pair.drain,
      ...(options.progress === undefined ? {} : { progress: options.progress, label: 'weak-notify-vs-direct-notify' }),
    });
    return result({
      name: 'weak-notify-vs-direct-notify',
      unit: 'us/op',
      value: sampled.value,
      baseline: sampled.baseline,
      goal: WEAK_NOTIFY_GOAL,
      info: [
        'value: await discovery(sender).sendWeakNotifyToLivePeer(target, msg), memory store, reciprocal live peer',
        "baseline: runtime.pod(target).actor.send({ type: 'pod.notify', message, autoRun: false })",
        `median of ${sampled.samples} alternating batches of ${options.batch} per side; buffer drained untimed after each`,
      ],
    });
  } finally {
    await runtime.stop();
  }
}

/**
 * `direct-notify-vs-raw-send`: what a pod's notify transition (guards, the
 * buffer copy, the assign) costs over xstate's own per-event cost.
 */
import { createActor } from 'xstate';
import { createPodRuntime } from '../src/index.js';
import { bareMachine } from './bareMachine.js';
import { createNotifyPair, NOTIFY_RUNTIME_OPTIONS } from './createNotifyPair.js';
import type { NotifyLoopOptions } from './measureWeakNotify.js';
import { alternate, result, type BenchResult } from './stats.js';

export async function measureDirectNotify(options: NotifyLoopOptions): Promise<BenchResult> {
  const runtime = createPodRuntime(NOTIFY_RUNTIME_OPTIONS);
  const bare = createActor(bareMachine).start();
  try {
    const pair = await createNotifyPair(runtime, 'sender', 'target');
    const raw = (): number => {
      const start = performance.now();
      for (let i = 0; i < options.batch; i += 1) bare.send({ type: 'ping' });
      return ((performance.now() - start) * 1000) / options.batch;
    };
    const sampled = await alternate({
      rounds: options.rounds,
      warmup: options.warmup,
      value: () => pair.direct(options.batch),
      baseline: raw,
      settle: pair.drain,
      ...(options.progress === undefined ? {} : { progress: options.progress, label: 'direct-notify-vs-raw-send' }),
    });
    return result({
      name: 'direct-notify-vs-raw-send',
      unit: 'us/op',
      value: sampled.value,
      baseline: sampled.baseline,
      goal: null,
      info: [
        "value: runtime.pod(target).actor.send({ type: 'pod.notify', message, autoRun: false })",
        "baseline: actor.send({ type: 'ping' }) to setup({}).createMachine({ id: 'bare', on: { ping: {} } })",
        `median of ${sampled.samples} alternating batches of ${options.batch} per side`,
      ],
    });
  } finally {
    bare.stop();
    await runtime.stop();
  }
}

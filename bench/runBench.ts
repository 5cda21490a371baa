/**
 * The whole bench: nineteen results, each against a baseline measured in the
 * same run. The 100,000-pod parts run in child processes of their own unless
 * `isolate` is false (the smoke test runs everything in process).
 */
import { idleHeapSide, measureIdleHeap } from './measureIdleHeap.js';
import { measureCliStartup } from './measureCliStartup.js';
import { measureCrossProcess } from './measureCrossProcess.js';
import { measureDirectNotify } from './measureDirectNotify.js';
import { measureNatsKvEnsure } from './measureNatsKvEnsure.js';
import { measureNatsNotify } from './measureNatsNotify.js';
import { measureNatsNoticeThroughput } from './measureNatsNoticeThroughput.js';
import { measureNoticeThroughput } from './measureNoticeThroughput.js';
import { measureFsEnsureAndNotify } from './measureFsEnsureAndNotify.js';
import { measureInspectLatency } from './measureInspectLatency.js';
import { measureInspectLoad } from './measureInspectLoad.js';
import { measureWeakNotifyInspected } from './measureWeakNotifyInspected.js';
import { measureSpawn, spawnSide } from './measureSpawn.js';
import { measureWeakNotify } from './measureWeakNotify.js';
import { measureWeakNotifyAtScale } from './measureWeakNotifyAtScale.js';
import { runTask } from './runTask.js';
import type { BenchResult, Progress } from './stats.js';

/** Result names, in the order the bench prints them. */
export const BENCH_NAMES = [
  'weak-notify-vs-direct-notify',
  'direct-notify-vs-raw-send',
  'weak-notify-100k-vs-100',
  'heap-per-idle-pod-100k',
  'spawn-100k-vs-bare-actors',
  'fs-ensure-and-notify-vs-atomic-write',
  'cross-process-notify-vs-socket-ping-pong',
  'cross-process-notify-fs-store-vs-socket-ping-pong',
  'durable-notify-vs-ping-pong-plus-fsync',
  'durable-notices-4-senders-vs-volatile',
  'cli-help-vs-node-startup',
  'weak-notify-inspect-vs-plain',
  'inspect-load-100k-home-vs-json-parse',
  'inspect-load-100k-trace-vs-json-parse',
  'inspect-update-latency-p50-vs-bare-sse',
  'inspect-update-latency-p95-vs-bare-sse',
  'nats-kv-ensure-existing-vs-kv-get',
  'nats-weak-notify-vs-request-reply',
  'nats-notices-4-senders-vs-request-reply',
] as const;

export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchSizes {
  /** Rounds and warm-up rounds of the in-memory notify loops (1, 2, 3). */
  readonly notifyRounds: number;
  readonly notifyWarmup: number;
  /** Sends per timed batch (at most 100). */
  readonly batch: number;
  /** Pods in the large and the small runtime (3). */
  readonly scaleLarge: number;
  readonly scaleSmall: number;
  /** Pods and actors in the heap and spawn samples (4, 5), and spawn repetitions. */
  readonly count: number;
  readonly spawnReps: number;
  /** Rounds, warm-up rounds and batch of the file-store loop (6). */
  readonly fsRounds: number;
  readonly fsWarmup: number;
  readonly fsBatch: number;
  /** Rounds, warm-up rounds and batch of the cross-process loop (7). */
  readonly crossRounds: number;
  readonly crossWarmup: number;
  readonly crossBatch: number;
  /** Rounds, warm-up rounds and notices per sender of the 4-sender throughput loops (sockets and NATS). */
  readonly throughputRounds: number;
  readonly throughputWarmup: number;
  readonly throughputPerSender: number;
  /** Timed and warm-up runs per side of the CLI start-up comparison (9). */
  readonly cliRounds: number;
  readonly cliWarmup: number;
  /** Pods of the inspector's load rows, steps of their trace, navigations per view. */
  readonly inspectPods: number;
  readonly inspectSteps: number;
  readonly inspectReps: number;
  /** Pods, events per second and timed seconds of the update-latency rows. */
  readonly latencyPods: number;
  readonly latencyRate: number;
  readonly latencySeconds: number;
  /** Rounds, warm-up rounds and batch of the NATS KV ensure loop. */
  readonly natsRounds: number;
  readonly natsWarmup: number;
  readonly natsBatch: number;
}

export const FULL_SIZES: BenchSizes = {
  notifyRounds: 300,
  notifyWarmup: 30,
  batch: 100,
  scaleLarge: 100_000,
  scaleSmall: 100,
  count: 100_000,
  spawnReps: 3,
  fsRounds: 40,
  fsWarmup: 4,
  fsBatch: 10,
  crossRounds: 60,
  crossWarmup: 6,
  crossBatch: 50,
  throughputRounds: 30,
  throughputWarmup: 3,
  throughputPerSender: 50,
  cliRounds: 30,
  cliWarmup: 3,
  inspectPods: 100_000,
  inspectSteps: 1000,
  inspectReps: 4,
  latencyPods: 1000,
  latencyRate: 1000,
  latencySeconds: 10,
  natsRounds: 40,
  natsWarmup: 4,
  natsBatch: 100,
};

/** A couple of seconds: enough to run every code path, not to measure anything. */
export const SMOKE_SIZES: BenchSizes = {
  notifyRounds: 6,
  notifyWarmup: 2,
  batch: 100,
  scaleLarge: 200,
  scaleSmall: 100,
  // Enough that the heap delta stands clear of noise in a shared test process.
  count: 1000,
  spawnReps: 1,
  fsRounds: 3,
  fsWarmup: 1,
  fsBatch: 5,
  crossRounds: 2,
  crossWarmup: 1,
  crossBatch: 5,
  throughputRounds: 2,
  throughputWarmup: 1,
  throughputPerSender: 5,
  cliRounds: 2,
  cliWarmup: 1,
  inspectPods: 200,
  inspectSteps: 10,
  inspectReps: 1,
  latencyPods: 100,
  latencyRate: 200,
  latencySeconds: 0.5,
  natsRounds: 2,
  natsWarmup: 1,
  natsBatch: 5,
};

export interface BenchOptions {
  /** Tiny sizes (default false). */
  readonly smoke?: boolean;
  /** Run the 100,000-pod parts in child processes (default true). */
  readonly isolate?: boolean;
  /** Keep only results whose name contains this text. */
  readonly only?: string;
  /** Progress lines of the long parts (default: none). */
  readonly progress?: Progress;
}

export async function runBench(options: BenchOptions = {}): Promise<BenchResult[]> {
  const sizes = options.smoke === true ? SMOKE_SIZES : FULL_SIZES;
  const isolate = options.isolate ?? true;
  const progress: Progress = options.progress ?? (() => undefined);
  const notifyLoop = { rounds: sizes.notifyRounds, warmup: sizes.notifyWarmup, batch: sizes.batch, progress };

  // The browser rows come in pairs from one run each: measured once, handed out by name.
  const once = <T>(run: () => Promise<T>): (() => Promise<T>) => {
    let running: Promise<T> | undefined;
    return () => (running ??= run());
  };
  const load = once(() => measureInspectLoad({ count: sizes.inspectPods, steps: sizes.inspectSteps, reps: sizes.inspectReps, progress }));
  const latency = once(() => measureInspectLatency({ pods: sizes.latencyPods, rate: sizes.latencyRate, seconds: sizes.latencySeconds, progress }));
  const pick = async (rows: Promise<BenchResult[]>, name: string): Promise<BenchResult> => {
    const found = (await rows).find((entry) => entry.name === name);
    if (found === undefined) throw new Error(`no ${name} result`);
    return found;
  };

  const measurements: Record<BenchName, () => Promise<BenchResult>> = {
    'weak-notify-vs-direct-notify': () => measureWeakNotify(notifyLoop),
    'direct-notify-vs-raw-send': () => measureDirectNotify(notifyLoop),
    'weak-notify-100k-vs-100': () => {
      const args = { rounds: sizes.notifyRounds, warmup: sizes.notifyWarmup, batch: sizes.batch, large: sizes.scaleLarge, small: sizes.scaleSmall };
      return isolate ? runTask('weakNotifyAtScale', args, progress) : measureWeakNotifyAtScale({ ...args, progress });
    },
    'heap-per-idle-pod-100k': () =>
      measureIdleHeap({
        count: sizes.count,
        runSide: (kind, count) => {
          progress(`heap-per-idle-pod-100k: ${kind}, ${count.toLocaleString('en-US')}`);
          return isolate ? runTask('idleHeapSide', { kind, count }, progress) : idleHeapSide(kind, count);
        },
      }),
    'spawn-100k-vs-bare-actors': () =>
      measureSpawn({
        count: sizes.count,
        reps: sizes.spawnReps,
        runSide: (kind, count) => (isolate ? runTask('spawnSide', { kind, count }, progress) : spawnSide(kind, count)),
        progress,
      }),
    'fs-ensure-and-notify-vs-atomic-write': () =>
      measureFsEnsureAndNotify({ rounds: sizes.fsRounds, warmup: sizes.fsWarmup, batch: sizes.fsBatch, progress }),
    'cross-process-notify-vs-socket-ping-pong': () =>
      measureCrossProcess({ rounds: sizes.crossRounds, warmup: sizes.crossWarmup, batch: sizes.crossBatch, kind: 'memory', progress }),
    'cross-process-notify-fs-store-vs-socket-ping-pong': () =>
      measureCrossProcess({ rounds: sizes.crossRounds, warmup: sizes.crossWarmup, batch: sizes.crossBatch, kind: 'fs', progress }),
    'durable-notify-vs-ping-pong-plus-fsync': () =>
      measureCrossProcess({ rounds: sizes.crossRounds, warmup: sizes.crossWarmup, batch: sizes.crossBatch, kind: 'durable', progress }),
    'durable-notices-4-senders-vs-volatile': () =>
      measureNoticeThroughput({ rounds: sizes.throughputRounds, warmup: sizes.throughputWarmup, perSender: sizes.throughputPerSender, progress }),
    'cli-help-vs-node-startup': () => measureCliStartup({ rounds: sizes.cliRounds, warmup: sizes.cliWarmup, progress }),
    'weak-notify-inspect-vs-plain': () => measureWeakNotifyInspected(notifyLoop),
    'inspect-load-100k-home-vs-json-parse': () => pick(load(), 'inspect-load-100k-home-vs-json-parse'),
    'inspect-load-100k-trace-vs-json-parse': () => pick(load(), 'inspect-load-100k-trace-vs-json-parse'),
    'inspect-update-latency-p50-vs-bare-sse': () => pick(latency(), 'inspect-update-latency-p50-vs-bare-sse'),
    'inspect-update-latency-p95-vs-bare-sse': () => pick(latency(), 'inspect-update-latency-p95-vs-bare-sse'),
    'nats-kv-ensure-existing-vs-kv-get': () =>
      measureNatsKvEnsure({ rounds: sizes.natsRounds, warmup: sizes.natsWarmup, batch: sizes.natsBatch, progress }),
    'nats-weak-notify-vs-request-reply': () =>
      measureNatsNotify({ rounds: sizes.crossRounds, warmup: sizes.crossWarmup, batch: sizes.crossBatch, progress }),
    'nats-notices-4-senders-vs-request-reply': () =>
      measureNatsNoticeThroughput({ rounds: sizes.throughputRounds, warmup: sizes.throughputWarmup, perSender: sizes.throughputPerSender, progress }),
  };

  const results: BenchResult[] = [];
  for (const name of BENCH_NAMES) {
    if (options.only !== undefined && !name.includes(options.only)) continue;
    progress(`${name}: measuring`);
    const entry = await measurements[name]();
    progress(`${name}: ${entry.value} vs ${entry.baseline} ${entry.unit}, ratio ${entry.ratio}`);
    results.push(entry);
  }
  return results;
}

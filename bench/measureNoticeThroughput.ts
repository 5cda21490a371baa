/**
 * `durable-notices-4-senders-vs-volatile`: notices per second that one pod
 * process accepts from 4 senders at once (each its own connection, one notice
 * in flight per sender) when it journals every notice before acknowledging it,
 * against the same senders and notices to a pod that keeps no journal
 * (`--no-journal`). The journal's group commit makes one `fdatasync` cover every
 * notice that arrived while the previous one ran, so the ratio is what
 * durability costs under concurrency, beside the single sender's cost in
 * `durable-notify-vs-ping-pong-plus-fsync`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocketTransport, type SocketTransport } from '../src/actors/process/createSocketTransport.js';
import { startBenchPod, stopChild } from './benchPod.js';
import { NOTICE } from './createNotifyPair.js';
import { alternate, result, type BenchResult, type Progress } from './stats.js';

export const SENDERS = 4;

/** Each sender sends `perSender` notices to `pod`, one awaited after another; resolves to microseconds per notice. */
async function burst(senders: readonly SocketTransport[], pod: string, perSender: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    senders.map(async (sender) => {
      for (let i = 0; i < perSender; i += 1) {
        const answer = (await sender.request(pod, 'notify', { message: NOTICE, autoRun: false })) as { accepted?: unknown } | null;
        if (answer?.accepted !== true) throw new Error(`the ${pod} pod did not accept a notice: ${JSON.stringify(answer)}`);
      }
    }),
  );
  return ((performance.now() - start) * 1000) / (perSender * senders.length);
}

export async function measureNoticeThroughput(options: {
  rounds: number;
  warmup: number;
  perSender: number;
  progress?: Progress;
}): Promise<BenchResult> {
  const name = 'durable-notices-4-senders-vs-volatile';
  const base = await mkdtemp(join(tmpdir(), 'podmesh-bench-'));
  const runtimeDir = join(base, 'run');
  const env = { ...process.env, PODMESH_HOME: join(base, 'home'), PODMESH_RUNTIME_DIR: runtimeDir };
  const children: ChildProcess[] = [];
  const senders = Array.from({ length: SENDERS }, () => createSocketTransport({ runtimeDir }));
  const drain = createSocketTransport({ runtimeDir });
  // Room for a whole burst: nothing is dropped, so both pods do the same work.
  const bufferSize = String(Math.max(128, options.perSender * SENDERS));
  try {
    children.push(await startBenchPod({ name: 'durable', args: ['--buffer-size', bufferSize], env, runtimeDir }));
    children.push(await startBenchPod({ name: 'volatile', args: ['--buffer-size', bufferSize, '--no-journal'], env, runtimeDir }));
    const sampled = await alternate({
      rounds: options.rounds,
      warmup: options.warmup,
      value: () => burst(senders, 'durable', options.perSender),
      baseline: () => burst(senders, 'volatile', options.perSender),
      // A default turn consumes the queue (and compacts the journal), untimed.
      settle: async () => {
        await drain.request('durable', 'run');
        await drain.request('volatile', 'run');
      },
      ...(options.progress === undefined ? {} : { progress: options.progress, label: name }),
    });
    const perSecond = (us: number): string => Math.round(1e6 / us).toLocaleString('en-US');
    return result({
      name,
      unit: 'us/notice',
      value: sampled.value,
      baseline: sampled.baseline,
      goal: null,
      info: [
        `value: ${SENDERS} senders, each on its own connection with one notify in flight, to a \`podmesh pod start\` process that journals (group commit): ${perSecond(sampled.value)} notices/s`,
        `baseline: the same senders and notices to a \`podmesh pod start --no-journal\` process: ${perSecond(sampled.baseline)} notices/s`,
        `median of ${sampled.samples} alternating bursts of ${SENDERS} x ${options.perSender} notices per side; the queues drained untimed; both pods pinned to one CPU when taskset exists`,
      ],
    });
  } finally {
    for (const sender of senders) sender.close();
    drain.close();
    await Promise.all(children.map(stopChild));
    await rm(base, { recursive: true, force: true });
  }
}

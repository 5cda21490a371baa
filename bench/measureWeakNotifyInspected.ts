/**
 * `weak-notify-inspect-vs-plain`: the weak-notify loop of
 * `weak-notify-vs-direct-notify` in a runtime with `createRuntimeInspector()`
 * attached and a client reading its live feed (`/api/events`), against the
 * same loop in a runtime without an inspector, in the same process. The
 * client stands in for a connected page: a Node process of its own
 * (`eventStreamClient.ts`, as a browser is) whose fetch reads and parses
 * every server-sent batch; it must receive one `podmesh.decision` per weak
 * notify sent: batching may delay a decision, never drop it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createPodRuntime } from '../src/index.js';
import { createRuntimeInspector } from '../src/inspector/createRuntimeInspector.js';
import { createNotifyPair, NOTIFY_RUNTIME_OPTIONS } from './createNotifyPair.js';
import type { NotifyLoopOptions } from './measureWeakNotify.js';
import { alternate, result, type BenchResult } from './stats.js';

/** The client process and the running totals it reports. */
interface Client {
  decisions(): number;
  batches(): number;
  /** Resolves once the client has seen `count` decisions; rejects after `timeoutMs` or when it exits. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

async function startClient(url: string): Promise<Client> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'eventStreamClient.ts'), url], { stdio: ['pipe', 'pipe', 'pipe'] });
  let decisions = 0;
  let batches = 0;
  let ready = false;
  let stderr = '';
  let exited = false;
  const listeners = new Set<() => void>();
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') ready = true;
      else [decisions, batches] = line.split(' ').map(Number) as [number, number];
    }
    for (const listener of listeners) listener();
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  void closed.then(() => {
    exited = true;
    for (const listener of listeners) listener();
  });
  const until = (done: () => boolean, timeoutMs: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) finish(resolve);
        else if (exited) finish(() => reject(new Error(`the event-stream client exited before ${what}: ${stderr.trim().slice(-500)}`)));
      };
      const finish = (then: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        then();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`the event-stream client: not ${what} within ${timeoutMs} ms (at ${decisions} decisions)`))), timeoutMs);
      listeners.add(check);
      check();
    });
  await until(() => ready, 30_000, 'connected');
  return {
    decisions: () => decisions,
    batches: () => batches,
    waitFor: (count, timeoutMs) => until(() => decisions >= count, timeoutMs, `${count} decisions`),
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

export const INSPECT_OVERHEAD_GOAL = 1.5;

export async function measureWeakNotifyInspected(options: NotifyLoopOptions): Promise<BenchResult> {
  const inspector = await createRuntimeInspector();
  const inspected = createPodRuntime({ ...NOTIFY_RUNTIME_OPTIONS, inspect: inspector.inspect });
  const plain = createPodRuntime(NOTIFY_RUNTIME_OPTIONS);
  const stream = await startClient(new URL('/api/events', inspector.url).href);
  try {
    const decisionsBefore = (): number => stream.decisions();
    const inspectedPair = await createNotifyPair(inspected, 'sender', 'target');
    const plainPair = await createNotifyPair(plain, 'sender', 'target');
    // createNotifyPair sent one weak notify on each side; wait for the inspected one to arrive.
    await stream.waitFor(1, 10_000);
    const start = decisionsBefore();
    let sent = 0;
    const sampled = await alternate({
      rounds: options.rounds,
      warmup: options.warmup,
      value: async () => {
        sent += options.batch;
        return inspectedPair.weak(options.batch);
      },
      baseline: () => plainPair.weak(options.batch),
      settle: async () => {
        await inspectedPair.drain();
        await plainPair.drain();
      },
      ...(options.progress === undefined ? {} : { progress: options.progress, label: 'weak-notify-inspect-vs-plain' }),
    });
    await stream.waitFor(start + sent, 30_000);
    const received = decisionsBefore() - start;
    return result({
      name: 'weak-notify-inspect-vs-plain',
      unit: 'us/op',
      value: sampled.value,
      baseline: sampled.baseline,
      goal: INSPECT_OVERHEAD_GOAL,
      info: [
        'value: the weak notify of weak-notify-vs-direct-notify in a runtime with createRuntimeInspector() attached',
        '  and a page connected to its /api/events: a Node process of its own whose fetch parses every batch (no rendering)',
        'baseline: the same weak notify in a runtime without an inspector, same process, alternating batches',
        `median of ${sampled.samples} batches of ${options.batch} per side; the client received ${received} of ${sent} decisions ` +
          `in ${stream.batches()} batches`,
      ],
    });
  } finally {
    await stream.close();
    await inspected.stop();
    await plain.stop();
    await inspector.close();
  }
}

/**
 * `cross-process-notify-vs-socket-ping-pong`: a weak notify to a pod in another
 * process (record reads, liveness, the decision, the request and its
 * acknowledgement over the pod's Unix socket) against a raw Unix-socket
 * ping-pong of the same request line with an echo process, on a kept
 * connection. The goal is on the transport: the sender's records come from a
 * memory store, and the pod keeps no journal (`--no-journal`). The `-fs-store`
 * variant reads them from the shared file store (two file reads per notify,
 * whose cost `fs-ensure-and-notify` bounds). `durable-notify-vs-ping-pong-plus-fsync`
 * is the same notify to a pod that journals every notice before acknowledging
 * it, against the same ping-pong with the echo appending each line to a file and
 * flushing it (`fdatasync`) before answering.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsPodStore, createMemoryPodStore, createPodRuntime } from '../src/index.js';
import { createSocketTransport } from '../src/actors/process/createSocketTransport.js';
import { pinned, startBenchPod, stopChild } from './benchPod.js';
import { deliverOrThrow, NOTICE } from './createNotifyPair.js';
import { alternate, result, usPerOp, type BenchResult, type Progress } from './stats.js';

export const CROSS_PROCESS_GOAL = 2;
export const DURABLE_NOTIFY_GOAL = 1.5;

/** Which pod the notify goes to, and which echo answers the baseline. */
export type CrossProcessKind = 'memory' | 'fs' | 'durable';

const NAMES: Record<CrossProcessKind, string> = {
  memory: 'cross-process-notify-vs-socket-ping-pong',
  fs: 'cross-process-notify-fs-store-vs-socket-ping-pong',
  durable: 'durable-notify-vs-ping-pong-plus-fsync',
};

// The echo process: answers every line with the same line, as a pod answers a request.
const ECHO = `
const net = require('node:net');
const server = net.createServer((s) => s.on('data', (d) => s.write(d)));
server.listen(process.argv[1], () => process.stdout.write('ready\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

// The durable echo: every line is appended to a file and flushed to disk before it is answered.
const DURABLE_ECHO = `
const fs = require('node:fs');
const net = require('node:net');
const fd = fs.openSync(process.argv[2], 'a', 0o600);
const server = net.createServer((s) => s.on('data', (d) => { fs.writeSync(fd, d); fs.fdatasyncSync(fd); s.write(d); }));
server.listen(process.argv[1], () => process.stdout.write('ready\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

function waitForLine(child: ChildProcess, pattern: RegExp, ms: number): Promise<void> {
  return new Promise((resolveLine, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} from the child within ${ms} ms: ${seen.slice(-200)}`)), ms);
    const onData = (data: Buffer) => {
      seen += data.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        // Keep draining (the pod prints every notice) without keeping what it says.
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolveLine();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the child exited (${code}) before ${pattern}: ${seen.slice(-200)}`));
    });
  });
}

/** A ping-pong client: one line out, wait for one line back. */
function pingPong(socket: Socket): (line: string) => Promise<void> {
  let waiting: (() => void) | undefined;
  let buffered = '';
  socket.on('data', (data: Buffer) => {
    buffered += data.toString();
    if (buffered.endsWith('\n')) {
      buffered = '';
      waiting?.();
    }
  });
  return (line) =>
    new Promise<void>((done) => {
      waiting = done;
      socket.write(line);
    });
}

export async function measureCrossProcess(options: {
  rounds: number;
  warmup: number;
  batch: number;
  kind: CrossProcessKind;
  progress?: Progress;
}): Promise<BenchResult> {
  const { kind } = options;
  const name = NAMES[kind];
  const store = kind === 'fs' ? 'fs' : 'memory';
  const base = await mkdtemp(join(tmpdir(), 'podmesh-bench-'));
  const env = { ...process.env, PODMESH_HOME: join(base, 'home'), PODMESH_RUNTIME_DIR: join(base, 'run') };
  const children: ChildProcess[] = [];
  const runtime = createPodRuntime({
    store: store === 'memory' ? createMemoryPodStore() : createFsPodStore(join(base, 'home', 'pods')),
    transport: createSocketTransport({ runtimeDir: join(base, 'run') }),
    historyLimit: 16,
  });
  try {
    // Only the durable variant journals: the others measure the transport alone.
    const journal = kind === 'durable' ? [] : ['--no-journal'];
    children.push(await startBenchPod({ name: 'target', args: journal, env, runtimeDir: join(base, 'run') }));
    const echoPath = join(base, 'echo.sock');
    const echoArgs = kind === 'durable' ? ['-e', DURABLE_ECHO, echoPath, join(base, 'echo.jsonl')] : ['-e', ECHO, echoPath];
    const echo = spawn(...pinned(process.execPath, echoArgs), { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(echo);
    await waitForLine(echo, /ready/, 10_000);

    await runtime.store.write({ name: 'sender', peers: [], spawnedChildren: [] });
    // The memory store holds its own copy of the target's record (the pod process keeps its own).
    if (store === 'memory') await runtime.store.write({ name: 'target', peers: [], spawnedChildren: [] });
    const view = runtime.discovery('sender');
    await view.registerPeer('target');
    const transport = createSocketTransport({ runtimeDir: join(base, 'run') });
    await deliverOrThrow(view, 'target', 'cross-process weak notify');

    const socket = createConnection(echoPath);
    await new Promise<void>((ready) => socket.once('connect', () => ready()));
    const roundTrip = pingPong(socket);
    // The very line a notify request puts on the wire.
    const line = `${JSON.stringify({ id: 1, method: 'notify', params: { message: NOTICE, autoRun: false } })}\n`;
    const sampled = await alternate({
      rounds: options.rounds,
      warmup: options.warmup,
      value: () => usPerOp(options.batch, () => deliverOrThrow(view, 'target', 'cross-process weak notify')),
      baseline: () => usPerOp(options.batch, () => roundTrip(line)),
      // Drain the target (a default turn) so its buffer never overflows.
      settle: async () => {
        await transport.request('target', 'run');
      },
      ...(options.progress === undefined ? {} : { progress: options.progress, label: name }),
    });
    socket.destroy();
    transport.close();
    return result({
      name,
      unit: 'us/op',
      value: sampled.value,
      baseline: sampled.baseline,
      goal: kind === 'memory' ? CROSS_PROCESS_GOAL : kind === 'durable' ? DURABLE_NOTIFY_GOAL : null,
      info: [
        `value: sendWeakNotifyToLivePeer to a \`podmesh pod start${kind === 'durable' ? '' : ' --no-journal'}\` process: ${store} store reads, liveness, decision, notify request + ack${kind === 'durable' ? ' once journaled' : ''}`,
        `baseline: the same ${line.length}-byte request line echoed by a raw Unix-socket server process, on a kept connection${kind === 'durable' ? ', each line appended to a file and fdatasync\'d before the answer' : ''}`,
        `median of ${sampled.samples} alternating batches of ${options.batch} per side; the pod's buffer drained untimed; pod and echo pinned to one CPU when taskset exists`,
      ],
    });
  } finally {
    await runtime.stop();
    await Promise.all(children.map(stopChild));
    await rm(base, { recursive: true, force: true });
  }
}

import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSandbox, waitFor, within, type Sandbox } from '../../support/podProcess.js';
import { startInProcessPod, type InProcessPod } from '../../support/inProcessPod.js';
import { connectRawClient, residentBytes, type RawPodClient } from '../../support/rawPodClient.js';

interface Context {
  sandbox?: Sandbox;
  pod?: InProcessPod;
  sockets: Socket[];
  clients: RawPodClient[];
}

const MiB = 1024 * 1024;
/**
 * What a client that never reads may add to a pod process's resident memory
 * (docs/protocol.md, Backpressure: at most 64 MiB unsent plus what is being
 * read), with room for the allocator and GC timing.
 */
const RSS_GROWTH_BOUND = 160 * MiB;

/** A client that writes and never reads: its socket is paused from the start. */
async function deafClient(context: Context, path: string): Promise<Socket> {
  const socket = createConnection(path);
  context.sockets.push(socket);
  socket.pause();
  socket.on('error', () => undefined);
  await within(new Promise((resolvePromise) => socket.once('connect', resolvePromise)), 5_000, 'connecting');
  return socket;
}

/**
 * Whether the pod dropped `socket` within `ms`: a paused socket does not see
 * the end of its connection, so it reads again after `ms` and must then reach
 * its end within a second (a pod that kept it would keep it open).
 */
async function dropped(socket: Socket, ms: number): Promise<void> {
  await sleep(ms);
  const ended = new Promise<void>((resolvePromise) => (socket.destroyed ? resolvePromise() : socket.once('close', () => resolvePromise())));
  socket.on('data', () => undefined).resume();
  await within(ended, 1_000, 'the pod dropping the client');
}

const backpressure = suite<Context>('backpressure on pod sockets', { sockets: [], clients: [] });

backpressure.before.each((context) => {
  context.sockets = [];
  context.clients = [];
});

backpressure.after.each(async (context) => {
  for (const socket of context.sockets) socket.destroy();
  for (const client of context.clients) client.close();
  await context.pod?.stop();
  context.pod = undefined;
  await context.sandbox?.cleanup();
  context.sandbox = undefined;
});

backpressure('should keep a pod process within its memory bound under a client that never reads, serve others, and stop on SIGTERM', async (context) => {
  const s = (context.sandbox = await createSandbox());
  const pod = await s.startPod('yoi', ['--quiet']);
  const { transport } = s.openRuntime();
  // Four notices of 256 KiB: every state answer is a line of about 1 MiB.
  for (let i = 0; i < 4; i += 1) await transport.request('yoi', 'notify', { message: `${i}`.repeat(256 * 1024) });
  await transport.request('yoi', 'state', undefined, { timeoutMs: 10_000 });
  const baseline = await residentBytes(pod.pid);

  const socket = await deafClient(context, join(s.runtimeDir, 'yoi', 'sock'));
  // 4,000 requests, 120 KB: answered in full they would be 4 GB.
  let peak = baseline;
  for (let batch = 0; batch < 8; batch += 1) {
    let lines = '';
    for (let i = 0; i < 500; i += 1) lines += `{"id":${batch * 500 + i},"method":"state"}\n`;
    socket.write(lines);
    await sleep(100);
    peak = Math.max(peak, await residentBytes(pod.pid));
    // Without backpressure the pod grows by gigabytes: stop before the machine feels it.
    if (peak - baseline > RSS_GROWTH_BOUND) break;
  }
  for (let i = 0; i < 10; i += 1) {
    await sleep(100);
    peak = Math.max(peak, await residentBytes(pod.pid));
  }
  assert.ok(peak - baseline <= RSS_GROWTH_BOUND, `the pod grew by ${Math.round((peak - baseline) / MiB)} MiB (bound ${RSS_GROWTH_BOUND / MiB} MiB)`);

  // Another client is answered at once meanwhile.
  const started = performance.now();
  const { type, name, status, activity } = (await transport.request('yoi', 'ping', undefined, { timeoutMs: 2_000 })) as Record<string, unknown>;
  assert.equal({ type, name, status, activity }, { type: 'snapshot', name: 'yoi', status: 'live', activity: 'idle' });
  assert.ok(performance.now() - started < 1_000);

  const stopping = performance.now();
  const exit = await pod.stop('SIGTERM', 5_000);
  assert.is(exit.code, 0);
  assert.ok(performance.now() - stopping < 3_000, `exited ${Math.round(performance.now() - stopping)} ms after SIGTERM`);
});

backpressure('should drop a client whose unsent output has not shrunk for the stall time, and serve the others', async (context) => {
  context.pod = await startInProcessPod('yoi', { server: { connectionLimits: { highWaterBytes: 64 * 1024, stallMs: 200 } } });
  await context.pod.runtime.pod('yoi')!.receive('x'.repeat(64 * 1024), { autoRun: false });
  const other = await connectRawClient(context.pod.socketPath);
  context.clients.push(other);
  await other.next();

  const stalled = await deafClient(context, context.pod.socketPath);
  stalled.write('{"id":1,"method":"state"}\n'.repeat(200));
  await dropped(stalled, 600);

  other.send('{"id":"still","method":"ping"}\n');
  assert.is((await other.nextAnswer()).value.id, 'still');
});

backpressure('should drop a client whose answers in progress would pass the unsent cap', async (context) => {
  const answer = 'z'.repeat(256 * 1024);
  context.pod = await startInProcessPod('yoi', {
    server: { tools: async () => answer, connectionLimits: { highWaterBytes: 64 * 1024, maxUnsentBytes: MiB, stallMs: 60_000 } },
  });
  const greedy = await deafClient(context, context.pod.socketPath);
  // Tools answer with promises: all 100 are in progress at once, 25 MiB of answers against a cap of 1 MiB.
  greedy.write('{"id":1,"method":"tool","params":{"tool":"list"}}\n'.repeat(100));
  await dropped(greedy, 300);
  const other = await connectRawClient(context.pod.socketPath);
  context.clients.push(other);
  await other.next();
  other.send('{"id":"still","method":"ping"}\n');
  assert.is((await other.nextAnswer()).value.id, 'still');
});

backpressure('should pause a slow reader and answer every request once it reads again', async (context) => {
  context.pod = await startInProcessPod('yoi', { server: { connectionLimits: { highWaterBytes: 64 * 1024, stallMs: 5_000 } } });
  await context.pod.runtime.pod('yoi')!.receive('y'.repeat(32 * 1024), { autoRun: false });
  const client = await connectRawClient(context.pod.socketPath);
  context.clients.push(client);
  await client.next();
  client.socket.pause();
  let lines = '';
  for (let id = 1; id <= 300; id += 1) lines += `{"id":${id},"method":"state"}\n`;
  client.send(lines);
  await sleep(300);
  client.socket.resume();
  for (let id = 1; id <= 300; id += 1) assert.is((await client.nextAnswer()).value.id, id);
  client.send('{"id":"after","method":"ping"}\n');
  assert.is((await client.nextAnswer()).value.id, 'after');
  await waitFor(() => client.unread() === 0, 1_000, 'no extra line');
});

backpressure.run();

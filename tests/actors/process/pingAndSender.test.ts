import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocketTransport, type SocketTransport } from '../../../src/actors/process/createSocketTransport.js';
import type { PodPingResult } from '../../../src/actors/process/podProtocol.js';
import { startPodServer, type PodServer } from '../../../src/actors/process/startPodServer.js';
import { createMemoryPodStore, createPodRuntime, type PodRuntime } from '../../../src/index.js';
import { waitFor } from '../../support/podProcess.js';

interface Notice {
  readonly message: string;
  readonly autoRun: boolean;
  readonly from: string | undefined;
}

interface Context {
  root: string;
  runtimes: PodRuntime[];
  servers: PodServer[];
  transports: SocketTransport[];
  notices: Notice[];
}

const pings = suite<Context>('ping answer and notify sender', { root: '', runtimes: [], servers: [], transports: [], notices: [] });

pings.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'podmesh-ping-'));
  context.runtimes = [];
  context.servers = [];
  context.transports = [];
  context.notices = [];
});

pings.after.each(async (context) => {
  for (const transport of context.transports.splice(0)) transport.close();
  for (const server of context.servers.splice(0)) await server.close();
  for (const runtime of context.runtimes.splice(0)) await runtime.stop();
  await rm(context.root, { recursive: true, force: true });
});

/** Pod `yoi` of a runtime on `store`, served on a socket; its accepted notices land in `context.notices`. */
async function serveYoi(context: Context, store = createMemoryPodStore()) {
  const runtime = createPodRuntime({ store, notifyBufferSize: 2 });
  context.runtimes.push(runtime);
  await runtime.spawnPod({ name: 'yoi', role: 'companion' });
  const server = await startPodServer({
    runtime,
    name: 'yoi',
    runtimeDir: context.root,
    onNotice: (message, autoRun, from) => context.notices.push({ message, autoRun, from }),
  });
  context.servers.push(server);
  const transport = createSocketTransport({ runtimeDir: context.root });
  context.transports.push(transport);
  return { runtime, server, transport, store };
}

pings('should answer ping with queued, dropped, turns, pid and startedAt, and keep the pushed snapshot bare', async (context) => {
  const { server, transport } = await serveYoi(context);
  const first = (await transport.request('yoi', 'ping')) as PodPingResult;
  assert.equal(first, { type: 'snapshot', name: 'yoi', status: 'live', activity: 'idle', queued: 0, dropped: 0, turns: 0, pid: process.pid, startedAt: server.process.startedAt });

  for (const message of ['a', 'b', 'c']) await transport.notify('yoi', message, { autoRun: false });
  const queued = (await transport.request('yoi', 'ping')) as PodPingResult;
  assert.is(queued.queued, 2, 'a buffer of 2 holds two');
  assert.is(queued.dropped, 1, 'the oldest went');

  await transport.request('yoi', 'run');
  const ran = await waitFor(
    async () => {
      const ping = (await transport.request('yoi', 'ping')) as PodPingResult;
      return ping.turns === 1 && ping.activity === 'idle' ? ping : undefined;
    },
    5_000,
    'the turn counted',
  );
  assert.is(ran.queued, 0, 'the turn took the notices');
  assert.is(ran.pid, process.pid);
});

pings('should hand params.from of a notify to onNotice, and a weak notify over the socket names its sender', async (context) => {
  const store = createMemoryPodStore();
  const { transport } = await serveYoi(context, store);
  await transport.notify('yoi', 'plain', { autoRun: false });
  await transport.notify('yoi', 'signed', { autoRun: true, from: 'yoi-orchestrator' });

  // A runtime of its own reaching yoi only through the socket, as another process would.
  const sender = createPodRuntime({ store, transport: createSocketTransport({ runtimeDir: context.root }) });
  context.runtimes.push(sender);
  await sender.store.write({ name: 'yoi-orchestrator', role: 'orchestrator', peers: [], spawnedChildren: [] });
  await sender.discovery('yoi-orchestrator').registerPeer('yoi');
  assert.equal(await sender.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', 'weak'), { type: 'delivered' });

  await waitFor(() => context.notices.length === 3, 5_000, 'three notices shown');
  assert.equal(context.notices, [
    { message: 'plain', autoRun: false, from: undefined },
    { message: 'signed', autoRun: true, from: 'yoi-orchestrator' },
    { message: 'weak', autoRun: false, from: 'yoi-orchestrator' },
  ]);
});

pings.run();

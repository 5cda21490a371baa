import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createMemoryPodStore, createPodRuntime, type PodRuntime } from '../../../src/index.js';
import { createNatsTransport, type NatsTransport } from '../../../src/actors/nats/createNatsTransport.js';
import { encodeJson } from '../../../src/actors/nats/natsPodWire.js';
import { natsSubjects } from '../../../src/actors/nats/natsSubjects.js';
import { NatsPodAlreadyRunningError, startNatsPodServer, type NatsPodServer } from '../../../src/actors/nats/startNatsPodServer.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from '../../support/natsServer.js';
import { waitFor } from '../../support/podProcess.js';

const transportSuite = suite('createNatsTransport with startNatsPodServer (one nats-server)');

interface World {
  server: NatsServer;
  /** Runs the pods (the target side). */
  pods: PodRuntime;
  /** Sends (the sender `alice`, records of every target, a transport). */
  sender: PodRuntime;
  transport: NatsTransport;
  served: NatsPodServer[];
  raw: NatsConnection[];
}

let world: World;

/** A weak notice as the pod keeps it. */
const notice = (text: string): string => `[Notification]\n${text}`;

async function serve(name: string, options: { namespace?: string } = {}): Promise<NatsPodServer> {
  if (world.pods.pod(name) === undefined) await world.pods.spawnPod({ name });
  const server = await startNatsPodServer({ runtime: world.pods, name, servers: world.server.url, ...options });
  world.served.push(server);
  return server;
}

/** Records `alice` and `peer` as peers in the sender's store. */
async function befriend(peer: string): Promise<void> {
  if ((await world.sender.store.read(peer)) === null) await world.sender.store.write({ name: peer, peers: [], spawnedChildren: [] });
  await world.sender.discovery('alice').registerPeer(peer);
}

transportSuite.before.each(async () => {
  const server = await startNatsServer();
  const transport = createNatsTransport({ servers: server.url });
  const sender = createPodRuntime({ store: createMemoryPodStore(), transport });
  await sender.spawnPod({ name: 'alice' });
  world = { server, pods: createPodRuntime({}), sender, transport, served: [], raw: [] };
});

transportSuite.after.each(async () => {
  await Promise.all(world.served.map((server) => server.close()));
  await Promise.all(world.raw.map((nc) => nc.close()));
  await world.sender.stop(); // closes the transport
  await world.transport.close();
  await world.pods.stop();
  await world.server.stop();
});

transportSuite('should deliver a weak notify, acknowledged once the notice is in the buffer', async () => {
  const served = await serve('yoi');
  await befriend('yoi');
  const outcome = await world.sender.discovery('alice').sendWeakNotifyToLivePeer('yoi', 'hello over NATS');
  assert.equal(outcome, { type: 'delivered' });
  assert.equal(world.pods.pod('yoi')!.pendingNotices(), [notice('hello over NATS')]);
  assert.is(world.transport.incarnation('yoi')?.incarnation, served.incarnation);
});

transportSuite('should answer state of a pod holding more than max_payload, cut to fit instead of refused', async () => {
  await serve('yoi');
  const pod = world.pods.pod('yoi')!;
  const big = (i: number): string => `${i} ${'x'.repeat(60 * 1024)}`;
  // About 1.8 MB of consumed notices in the history, then 1.8 MB more queued: twice the 1 MiB default.
  for (let i = 0; i < 30; i += 1) await pod.receive(big(i), { autoRun: false });
  pod.run();
  await waitFor(() => pod.history().length === 1 && pod.pendingNotices().length === 0, 5000, 'the turn that consumes them');
  for (let i = 30; i < 60; i += 1) await pod.receive(big(i), { autoRun: false });
  const state = (await world.transport.request('yoi', 'state')) as { pendingNotices: string[]; pendingNoticesOmitted?: number; history: { truncated?: true }[]; turns: number };
  assert.ok(state.pendingNotices.length > 0 && state.pendingNotices.length < 30, `${state.pendingNotices.length} notices sent`);
  assert.is(state.pendingNotices.length + (state.pendingNoticesOmitted ?? 0), 30);
  assert.is(state.pendingNotices[0], notice(big(30)), 'the oldest first');
  // The one turn holds 1.8 MB of notices: over its third of the budget, so it is sent truncated.
  assert.equal(state.history, [{ turn: 1, ok: true, truncated: true }]);
  assert.ok(JSON.stringify(state).length < 1024 * 1024);
});

transportSuite('should carry a disconnected pod\'s reason across NATS', async () => {
  await serve('yoi');
  world.pods.pod('yoi')!.disconnect('cable unplugged');
  assert.equal(await world.transport.probe('yoi'), { status: 'unreachable', reason: 'cable unplugged' });
});

transportSuite('should skip a pod nobody serves as not live, stopped, at once', async () => {
  await befriend('ghost');
  const started = performance.now();
  const outcome = await world.sender.discovery('alice').sendWeakNotifyToLivePeer('ghost', 'anyone?');
  const ms = performance.now() - started;
  assert.equal(outcome, { type: 'skipped-not-live', status: 'stopped' });
  assert.ok(ms < 100, `took ${ms} ms`);
});

transportSuite('should say stopped after a goodbye, and refuse a second server of a running name', async () => {
  const first = await serve('yoi');
  assert.equal(await world.transport.probe('yoi'), { status: 'live', activity: 'idle' });
  const other = createPodRuntime({});
  await other.spawnPod({ name: 'yoi' });
  try {
    const error = await startNatsPodServer({ runtime: other, name: 'yoi', servers: world.server.url }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(error, NatsPodAlreadyRunningError);
    assert.is((error as NatsPodAlreadyRunningError).code, 'pod-already-running');
    assert.is((error as NatsPodAlreadyRunningError).running.incarnation, first.incarnation);
  } finally {
    await other.stop();
  }
  await first.close();
  assert.equal(await world.transport.probe('yoi'), { status: 'stopped' });
});

transportSuite('should keep hostile names on their own subjects', async () => {
  const names = ['a.b', '*', '>', 'a b', 'x.*.y', 'a', 'b', 'x', 'y', 'a_2Eb'];
  for (const name of names) {
    await serve(name);
    await befriend(name);
  }
  for (const name of names) {
    assert.equal(await world.sender.discovery('alice').sendWeakNotifyToLivePeer(name, `for ${name}`), { type: 'delivered' }, name);
  }
  for (const name of names) assert.equal(world.pods.pod(name)!.pendingNotices(), [notice(`for ${name}`)], name);
  // A raw client publishing on wildcards of the escaped space reaches nobody's notify.
  const nc = await connect({ servers: world.server.url });
  world.raw.push(nc);
  for (const subject of ['podmesh.default.pod.*.notify', 'podmesh.default.pod.>']) {
    nc.publish(subject, encodeJson({ message: 'wildcard' }));
  }
  await nc.flush();
  assert.equal(await world.transport.probe('a'), { status: 'live', activity: 'idle' });
  for (const name of names) assert.equal(world.pods.pod(name)!.pendingNotices(), [notice(`for ${name}`)], name);
});

transportSuite('should keep namespaces apart', async () => {
  await serve('yoi', { namespace: 'team-b' });
  assert.equal(await world.transport.probe('yoi'), { status: 'stopped' });
  const other = createNatsTransport({ servers: world.server.url, namespace: 'team-b' });
  try {
    assert.equal(await other.probe('yoi'), { status: 'live', activity: 'idle' });
  } finally {
    await other.close();
  }
});

transportSuite('should turn a notice over the payload limit into send-failed, never a crash', async () => {
  await serve('yoi');
  await befriend('yoi');
  const discovery = world.sender.discovery('alice');
  // Under the weak notify's 1 MiB, but over the server's max_payload once JSON-escaped.
  const quoted = '"'.repeat(1024 * 1024 - 16);
  const tooBig = await discovery.sendWeakNotifyToLivePeer('yoi', quoted);
  assert.is(tooBig.type, 'send-failed');
  assert.match((tooBig as { error: string }).error, /max_payload/);
  const overLimit = await discovery.sendWeakNotifyToLivePeer('yoi', 'x'.repeat(1024 * 1024 + 1));
  assert.is(overLimit.type, 'send-failed');
  assert.equal(await discovery.sendWeakNotifyToLivePeer('yoi', 'x'.repeat(1024 * 1024 - 100)), { type: 'delivered' });
  assert.equal(await discovery.sendWeakNotifyToLivePeer('yoi', 'small'), { type: 'delivered' });
  assert.is(world.pods.pod('yoi')!.pendingNotices().length, 2);
});

transportSuite('should reject a refused request with the pod error code', async () => {
  await serve('yoi');
  const error = await world.transport.request('yoi', 'tool', { tool: 'list' }).then(
    () => undefined,
    (e: unknown) => e as { reason?: string; code?: string },
  );
  assert.is(error?.code, 'request-rejected');
  assert.is(error?.reason, 'not-an-orchestrator');
});

transportSuite('should answer malformed bodies with an error reply, and go on serving', async () => {
  const served = await serve('yoi');
  const nc = await connect({ servers: world.server.url });
  world.raw.push(nc);
  const subject = natsSubjects().request('yoi', 'notify');
  for (const [body, code] of [
    ['not json', 'bad-json'],
    ['[1]', 'bad-request'],
    [`{"message":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'invalid-params'],
    ['{"message":7}', 'invalid-params'],
  ] as const) {
    const reply = JSON.parse((await nc.request(subject, body, { timeout: 1000 })).string()) as { ok: boolean; error?: { code: string }; incarnation: string };
    assert.is(reply.ok, false);
    assert.is(reply.error?.code, code, body.slice(0, 20));
    assert.is(reply.incarnation, served.incarnation);
  }
  const unknown = JSON.parse((await nc.request('podmesh.default.pod.yoi.explode', undefined, { timeout: 1000 })).string()) as { error?: { code: string } };
  assert.is(unknown.error?.code, 'unknown-method');
  assert.equal(await world.transport.probe('yoi'), { status: 'live', activity: 'idle' });
});

transportSuite('should ignore a late reply and heartbeats of a superseded incarnation', async () => {
  const served = await serve('yoi');
  assert.equal(await world.transport.probe('yoi'), { status: 'live', activity: 'idle' });
  // An older start of the same name (a process that hung, then woke up) answers too, and beats.
  const nc = await connect({ servers: world.server.url });
  world.raw.push(nc);
  const old = { incarnation: 'old-incarnation', startedAt: served.startedAt - 60_000 };
  nc.subscribe(natsSubjects().podWildcard('yoi'), {
    callback: (_error, msg) => void msg.respond(encodeJson({ ...old, status: 'live', activity: 'running', ok: true, result: { stale: true } })),
  });
  nc.publish(natsSubjects().live('yoi'), encodeJson({ ...old, status: 'live', activity: 'running', pid: 1, at: new Date().toISOString() }));
  await nc.flush();
  for (let i = 0; i < 20; i += 1) {
    const result = await world.transport.request('yoi', 'ping');
    assert.is((result as { stale?: boolean }).stale, undefined, 'took the old incarnation\'s reply');
  }
  assert.is(world.transport.incarnation('yoi')?.incarnation, served.incarnation);
  await new Promise((resolve) => setTimeout(resolve, 150)); // past freshMs
  assert.equal(await world.transport.probe('yoi'), { status: 'live', activity: 'idle' });
});

transportSuite('should step down when a newer incarnation of its name starts', async () => {
  // The older one hung while a newer start took the name: what it hears on waking is the newer one's heartbeat.
  await world.pods.spawnPod({ name: 'yoi' });
  const heard: string[] = [];
  const older = await startNatsPodServer({ runtime: world.pods, name: 'yoi', servers: world.server.url, onSuperseded: (newer) => void heard.push(newer.incarnation) });
  world.served.push(older);
  const nc = await connect({ servers: world.server.url });
  world.raw.push(nc);
  const subjects = natsSubjects();
  // An older start than its own is no reason to step down; a newer one is.
  nc.publish(subjects.live('yoi'), encodeJson({ incarnation: 'elder', startedAt: older.startedAt - 1, status: 'live', pid: 1, at: new Date().toISOString() }));
  nc.publish(subjects.live('yoi'), encodeJson({ incarnation: 'newer', startedAt: older.startedAt + 1, status: 'live', pid: 1, at: new Date().toISOString() }));
  await nc.flush();
  await waitFor(() => older.superseded(), 3000, 'the older server stepping down');
  assert.equal(heard, ['newer']);
  // It answers nothing any more: a ping finds no responder.
  const ping = await nc.request(subjects.request('yoi', 'ping'), undefined, { timeout: 1000 }).then(
    () => 'answered',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  assert.match(ping, /no responders/i);
});

if (natsServerAvailable()) transportSuite.run();
else console.log('skipped: createNatsTransport (no nats-server; .ci/run installs it)');

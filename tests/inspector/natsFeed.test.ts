import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createNatsKvPodStore } from '../../src/actors/nats/createNatsKvPodStore.js';
import { createNatsFeed, type InspectorFeed } from '../../src/inspector/index.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from '../support/natsServer.js';
import { createSandbox, within, type PodmeshProcess, type Sandbox } from '../support/podProcess.js';
import { followRows, type FollowedRows } from './followRows.js';
import { readEventStream } from './readEventStream.js';

const inspector = suite<{ sandbox?: Sandbox; nats?: NatsServer; feed?: InspectorFeed; rows?: FollowedRows }>('createNatsFeed (real pod processes over a real nats-server)');
// Without a nats-server the cases are counted as skipped, never as passed.
const test = natsServerAvailable() ? inspector : inspector.skip;

/** Listing and refresh an hour apart: every change below must come from a heartbeat or the KV watch. */
const QUIET = { relistMs: 3_600_000, refreshMs: 3_600_000 };

inspector.before.each(async (context) => {
  context.sandbox = await createSandbox('podmesh-inspect-nats-');
  context.nats = await startNatsServer();
});

inspector.after.each(async (context) => {
  context.rows?.stop();
  await context.feed?.close();
  await context.sandbox?.cleanup();
  await context.nats?.stop();
  Object.assign(context, { sandbox: undefined, nats: undefined, feed: undefined, rows: undefined });
});

test('should show a pod live with its pid and role, paused, with a new peer, then stopped by its goodbye', async (context) => {
  const sandbox = context.sandbox!;
  const url = context.nats!.url;
  const store = await createNatsKvPodStore({ servers: url });
  try {
    await store.write({ name: 'buddy', peers: [], spawnedChildren: [] });
  } finally {
    await store.close();
  }
  const feed = (context.feed = await createNatsFeed({ servers: url, ...QUIET }));
  const rows = (context.rows = followRows(feed));
  assert.equal(
    feed.pods().map((p) => [p.name, p.status]),
    [['buddy', 'stopped']],
  );
  assert.equal(feed.hello().source, url);

  const pod = await sandbox.startPod('watched', ['--role', 'coder', '--nats', url]);
  const live = await within(rows.next('watched', (p) => p.status === 'live' && p.role === 'coder'), 10_000, 'the pod live');
  assert.is(live.pid, pod.pid);
  assert.is(live.activity, 'idle');
  assert.is(live.queued, 0);

  let from = rows.events.length;
  const paused = await sandbox.run(['pod', 'pause', 'watched', '--nats', url]);
  assert.is(paused.code, 0, paused.stderr);
  const pausedRow = await within(rows.next('watched', (p) => p.activity === 'paused', from), 5_000, 'the pod paused');
  assert.is(pausedRow.status, 'live');

  const added = await sandbox.run(['peer', 'add', '--as', 'watched', 'buddy', '--nats', url]);
  assert.is(added.code, 0, added.stderr);
  await within(rows.next('watched', (p) => p.peers.includes('buddy')), 5_000, "buddy in watched's peers");
  await within(rows.next('buddy', (p) => p.peers.includes('watched')), 5_000, "watched in buddy's peers");

  from = rows.events.length;
  const stopping = performance.now();
  await pod.stop('SIGTERM');
  const stopped = await within(rows.next('watched', (p) => p.status === 'stopped', from), 5_000, 'the pod stopped');
  assert.ok(performance.now() - stopping < 3000, 'seen stopped soon after the process ended');
  assert.is(stopped.pid, null);
  assert.equal(stopped.peers, ['buddy'], 'its record stays');
});

test('should show a SIGKILLed pod not live within the lease, then stopped', async (context) => {
  const sandbox = context.sandbox!;
  const url = context.nats!.url;
  const feed = (context.feed = await createNatsFeed({ servers: url, ...QUIET }));
  const rows = (context.rows = followRows(feed));
  const pod: PodmeshProcess = await sandbox.startPod('doomed', ['--nats', url]);
  await within(rows.next('doomed', (p) => p.status === 'live' && p.pid === pod.pid), 10_000, 'the pod live');
  const from = rows.events.length;
  const killed = performance.now();
  await pod.stop('SIGKILL');
  // Two missed heartbeats, a probe, the lease of three heartbeats: a few seconds; the bounds are generous.
  const gone = await within(rows.next('doomed', (p) => p.status !== 'live', from), 15_000, 'the pod not live');
  assert.ok(performance.now() - killed < 15_000);
  assert.ok(gone.status === 'unreachable' || gone.status === 'stopped', gone.status);
  await within(rows.next('doomed', (p) => p.status === 'stopped', from), 20_000, 'the pod stopped once its lease ran out');
});

test('should serve `podmesh inspect --nats URL --json`: the server named in its line and in /api/hello, the pod in the stream', async (context) => {
  const sandbox = context.sandbox!;
  const url = context.nats!.url;
  const pod = await sandbox.startPod('served', ['--nats', url]);
  const served = sandbox.spawnCli(['inspect', '--nats', url, '--json']);
  try {
    const [line] = await served.waitForStdout(/^\{.*\}\n/);
    const printed = JSON.parse(line) as { url: string; mode: string; source: string };
    assert.equal([printed.mode, printed.source], ['home', url]);
    const hello = (await (await fetch(`${printed.url}api/hello`)).json()) as { source: string };
    assert.is(hello.source, url);
    // /api/hello is the hello alone: the pods come in the stream's first batch.
    const stream = await readEventStream(`${printed.url}api/events`);
    try {
      const pods = await stream.waitFor((e) => e.type === 'podmesh.pods', 10_000, 'the pods');
      assert.equal(pods.type === 'podmesh.pods' && pods.pods.map((p) => [p.name, p.status, p.pid]), [['served', 'live', pod.pid]]);
    } finally {
      await stream.close();
    }
  } finally {
    await served.stop('SIGTERM');
    await pod.stop('SIGTERM');
  }
});

inspector.run();

/**
 * A server of a 3-server cluster killed mid-run (issue 11): a pod whose
 * connection knows only that server (tests/support/natsPinnedPodWorker.ts) is
 * partitioned from the cluster with it, while a sender on another server keeps
 * sending weak notifies and three processes ensure overlapping relations on
 * the KV store, one of them connected to the killed server. No acknowledged
 * notice may be missing from the pod's buffer, no notice that was never sent
 * may be in it, every relation must be reciprocal; and the liveness a client
 * of another server sees is measured from the kill to the server's return.
 *
 * The bucket has one replica, on a server that is not killed: on Debian's
 * nats-server 2.9.10 a replicated stream does not enforce compare-and-set
 * (natsKvPodStoreCluster.test.ts measures it), and the ensures here race on
 * their keys, so only replicas 1 keeps them honest.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPodRuntime, type PodRuntime, type WeakNotifyOutcome } from '../../../src/index.js';
import { createNatsKvPodStore, type NatsKvPodStore } from '../../../src/actors/nats/createNatsKvPodStore.js';
import { createNatsTransport, type NatsTransport } from '../../../src/actors/nats/createNatsTransport.js';
import { pod } from '../../support/assertions.js';
import { natsServerAvailable, startNatsCluster, type NatsCluster } from '../../support/natsServer.js';
import { createSandbox, repoRoot, waitFor, within, type Sandbox } from '../../support/podProcess.js';
import { assertNoOneSidedDelivery } from '../../support/relationChecks.js';
import { killAll, spawnKvWorker } from '../../support/spawnNatsKvWorker.js';
import { watchLiveness, type LivenessPhase } from '../../support/watchLiveness.js';

interface Context {
  cluster?: NatsCluster;
  sandbox?: Sandbox;
  children: ChildProcessWithoutNullStreams[];
  /** Closed last first, each whatever the others did. */
  closers: (() => Promise<unknown>)[];
}

const partition = suite<Context>('NATS: a server of the cluster killed mid-run', { children: [], closers: [] });
const WORKER = join(repoRoot, 'tests', 'support', 'natsPinnedPodWorker.ts');
const REQUEST_TIMEOUT_MS = 300;
const BUCKET = 'podmesh-partition';

partition.after.each(async (context) => {
  for (const close of context.closers.splice(0).reverse()) await close().catch(() => undefined);
  await killAll(context.children);
  await context.sandbox?.cleanup();
  await context.cluster?.stop();
});

// Without a nats-server the test is counted as skipped (never as passed).
const test = (name: string, fn: (context: Context) => Promise<void>): void =>
  natsServerAvailable() ? partition(name, fn) : partition.skip(`${name} (no nats-server on the PATH)`, fn);

/** Weak notifies `n0`, `n1`, … from alice to yoi, one at a time, until stopped; every outcome kept. */
function sendNotices(runtime: PodRuntime, origin: number) {
  const sent: { readonly text: string; readonly at: number; readonly outcome: WeakNotifyOutcome }[] = [];
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i += 1) {
      const text = `n${i}`;
      sent.push({ text, at: performance.now() - origin, outcome: await runtime.discovery('alice').sendWeakNotifyToLivePeer('yoi', text) });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const deliveredAfter = (at: number): number => sent.filter((notice) => notice.at > at && notice.outcome.type === 'delivered').length;
  return { sent, deliveredAfter, stop: async () => ((running = false), await loop) };
}

const phaseLine = (phase: LivenessPhase): string => `${phase.status}${phase.reason === undefined ? '' : ` (${phase.reason})`} ${phase.from.toFixed(0)}–${phase.to.toFixed(0)} ms`;

test('should lose no acknowledged notice and no peer when the server of a pod dies, and serve the pod again when it returns', async (context) => {
  const cluster = (context.cluster = await startNatsCluster(3));
  const admin = await connect({ servers: [...cluster.urls] });
  context.closers.push(() => admin.close());
  const seed = await createNatsKvPodStore({ connection: admin, bucket: BUCKET, replicas: 1 });
  // Where the one replica landed decides the victim: any other server.
  const info = await (await jetstreamManager(admin)).streams.info(`KV_${BUCKET}`);
  const holder = Number(/-(\d+)$/.exec(info.cluster?.leader ?? '')?.[1]) - 1;
  assert.ok(holder >= 0, `the bucket's server: ${info.cluster?.leader}`);
  const victim = cluster.servers[(holder + 1) % 3]!;
  const other = cluster.servers[(holder + 2) % 3]!;

  const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
  await Promise.all(['yoi', ...names].map((name) => seed.write(pod(name))));
  const store: NatsKvPodStore = await createNatsKvPodStore({ servers: other.url, bucket: BUCKET });
  const transport: NatsTransport = createNatsTransport({ servers: other.url, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  // Every probe a ping (freshMs 0): the bound measured is the wire's, not a cache's.
  const observer = createNatsTransport({ servers: other.url, requestTimeoutMs: REQUEST_TIMEOUT_MS, freshMs: 0 });
  const sender = createPodRuntime({ store, transport });
  context.closers.push(() => store.close(), () => transport.close(), () => observer.close(), () => sender.stop());
  await sender.spawnPod({ name: 'alice' });
  await sender.discovery('alice').registerPeer('yoi');

  const sandbox = (context.sandbox = await createSandbox('podmesh-nats-'));
  const worker = sandbox.spawnNode(['--import', 'tsx', WORKER, victim.url, 'yoi']);
  const incarnation = (await worker.waitForStdout(/\{"live":"([^"]+)"\}/))[1]!;
  await waitFor(async () => (await observer.probe('yoi'))?.status === 'live', 5000, 'live across the cluster');

  // Every relation of the ten, by each of three processes, rotated and from either side.
  const pairs: [string, string][] = [];
  for (let i = 0; i < names.length; i += 1) for (let j = i + 1; j < names.length; j += 1) pairs.push([names[i]!, names[j]!]);
  const ensurers = [victim.url, other.url, cluster.urls.join(',')].map((servers, k) => {
    const rotated = [...pairs.slice(k * 15), ...pairs.slice(0, k * 15)].map(([a, b]) => (k % 2 === 0 ? `${a}:${b}` : `${b}:${a}`));
    return spawnKvWorker(context.children, [servers, BUCKET, 'ensure', ...rotated]);
  });
  await Promise.all(ensurers.map((ensurer) => ensurer.waitFor('ready')));

  const origin = performance.now();
  const notices = sendNotices(sender, origin);
  context.closers.push(() => notices.stop());
  await waitFor(() => notices.deliveredAfter(0) >= 10, 10_000, 'notices delivered before the kill');
  for (const ensurer of ensurers) ensurer.go();
  await Promise.all(ensurers.map((ensurer) => ensurer.waitFor('started')));

  const ensuringAtKill = ensurers[0]!.child.exitCode === null;
  const killed = performance.now();
  const watch = watchLiveness(observer, 'yoi', killed);
  context.closers.push(() => watch.stop());
  await victim.kill();
  // Bounded: a KV worker stuck on the dead server fails the test instead of hanging the suite.
  const exits = await Promise.all(ensurers.map(async (ensurer, k) => ({ ...(await within(ensurer.done, 60_000, `ensure process ${k}`)), ms: performance.now() - killed })));
  const notLive = await watch.until('unreachable', 10_000);
  const stopped = await watch.until('stopped', 20_000);
  // The pod is cut off, not gone: nothing may bring it back before its server does.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.is(watch.phases().at(-1)?.status, 'stopped', 'stays stopped while cut off');

  const restarting = performance.now();
  const cutOff = watch.phases().length;
  await victim.restart();
  const listening = performance.now() - restarting;
  const back = await watch.until('live', 20_000, cutOff);
  const liveAgainMs = back.from - (restarting - killed);
  await watch.stop();
  const phases = watch.phases();
  // Never live while cut off: from the first answer that was not live until the server's return.
  const down = phases.findIndex((phase) => phase.status !== 'live');
  assert.ok(down >= 0, 'it went down');
  assert.equal(phases.slice(down, cutOff).filter((phase) => phase.status === 'live'), [], 'no live answer while cut off');
  assert.is(observer.incarnation('yoi')?.incarnation, incarnation, 'the same incarnation serves again');
  assert.is(worker.stdout().match(/"live"/g)?.length, 1, 'the pod did not restart');
  assert.match(worker.stdout(), /\{"nats":"reconnect"/);
  const restartedAt = performance.now() - origin;
  await waitFor(() => notices.deliveredAfter(restartedAt) >= 10, 20_000, 'notices delivered after the return');
  await notices.stop();

  // Notices: every acknowledged one in the buffer once, none never sent to the pod, every other a typed outcome.
  const state = (await observer.request('yoi', 'state')) as { pendingNotices: string[]; dropped: number };
  // The buffer holds each notice rendered for a turn: `[Notification]` and a newline before the message.
  const buffered = new Set(state.pendingNotices.map((notice) => notice.replace(/^\[Notification\]\n/, '')));
  assert.is(buffered.size, state.pendingNotices.length, 'no notice twice');
  assert.is(state.dropped, 0);
  const counts: Record<string, number> = {};
  for (const { text, outcome } of notices.sent) {
    counts[outcome.type] = (counts[outcome.type] ?? 0) + 1;
    const where = `${text}: ${JSON.stringify(outcome)}`;
    if (outcome.type === 'delivered') assert.ok(buffered.has(text), `acknowledged but not in the buffer: ${where}`);
    else if (outcome.type === 'skipped-not-live') {
      assert.ok(!buffered.has(text), `never sent, yet in the buffer: ${where}`);
      assert.ok(outcome.status === 'stopped' || (outcome.status === 'unreachable' && (outcome.reason ?? '') !== ''), where);
    } else assert.is(outcome.type, 'send-failed', where); // the pod may have taken it: its answer was lost with the server
  }
  const failedButTaken = notices.sent.filter(({ text, outcome }) => outcome.type === 'send-failed' && buffered.has(text)).length;
  const sentTexts = new Set(notices.sent.map((notice) => notice.text));
  for (const text of buffered) assert.ok(sentTexts.has(text), `${text} in the buffer was never sent`);

  // Relations: each ensure reported its relation, and all are reciprocal, with no mark left.
  for (const exit of exits) assert.equal([exit.code, JSON.parse(exit.stdout.trim().split('\n').at(-1) ?? 'null')], [0, { ensured: pairs.length }], exit.stderr);
  // Its process was still running at the kill (its ensures were under way, or it had not yet exited):
  // otherwise the kill came after everything it did and proved nothing about it.
  assert.ok(ensuringAtKill, 'the process on the killed server still ran at the kill');
  for (const name of names) {
    const record = await store.read(name);
    assert.equal(record?.peers, names.filter((peer) => peer !== name), `${name} lost no peer`);
    assert.is(record?.pendingPeers, undefined, `${name} holds no mark`);
  }
  assert.equal((await store.read('alice'))?.peers, ['yoi']);
  assert.equal((await store.read('yoi'))?.peers, ['alice']);
  await assertNoOneSidedDelivery(store, names, 'after the kill');

  console.log(
    `    partition: ${victim.url} (yoi's only server) killed; a client of another server saw ${phases.map(phaseLine).join(' → ')}; ` +
      `not live ${notLive.from.toFixed(0)} ms after the kill, stopped from ${stopped.from.toFixed(0)} ms; ` +
      `server restarted (listening in ${listening.toFixed(0)} ms) → yoi live again ${liveAgainMs.toFixed(0)} ms after the restart, same incarnation; ` +
      `notices ${JSON.stringify(counts)}, every delivered one in the buffer, ${failedButTaken} of the send-failed too; ensures ${exits.map((exit) => `${exit.ms.toFixed(0)} ms`).join(', ')} after the kill, ${pairs.length} relations reciprocal`,
  );
  // Generous bounds only (a shared machine): the lease is 3 s, the client retries its server every 2 s.
  assert.ok(notLive.from < 2_000, `${notLive.from} ms`);
  assert.ok(stopped.from < 3_000 + 2_000, `${stopped.from} ms`);
  assert.ok(liveAgainMs < 10_000, `${liveAgainMs} ms`);
});

test('should serve a pod again after a partition longer than its client would retry by default (10 attempts)', async (context) => {
  const cluster = (context.cluster = await startNatsCluster(3));
  const [victim, other] = [cluster.servers[0]!, cluster.servers[1]!];
  const observer = createNatsTransport({ servers: other.url, requestTimeoutMs: REQUEST_TIMEOUT_MS, freshMs: 0 });
  context.closers.push(() => observer.close());
  const sandbox = (context.sandbox = await createSandbox('podmesh-nats-'));
  // 10 attempts 100 ms apart give up within some 2 s; the lease alone outlasts that.
  const worker = sandbox.spawnNode(['--import', 'tsx', WORKER, victim.url, 'yoi', '100']);
  const incarnation = (await worker.waitForStdout(/\{"live":"([^"]+)"\}/))[1]!;
  await waitFor(async () => (await observer.probe('yoi'))?.status === 'live', 5000, 'live across the cluster');

  const killed = performance.now();
  const watch = watchLiveness(observer, 'yoi', killed, 20);
  context.closers.push(() => watch.stop());
  await victim.kill();
  await watch.until('stopped', 20_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const cutOff = watch.phases().length;
  await victim.restart();
  const back = await watch.until('live', 20_000, cutOff);
  await watch.stop();
  assert.not.match(worker.stdout(), /\{"nats":"close"/, 'the connection never gave up');
  assert.is(observer.incarnation('yoi')?.incarnation, incarnation);
  await observer.notify('yoi', 'after the long partition', { autoRun: false });
  const state = (await observer.request('yoi', 'state')) as { pendingNotices: string[] };
  assert.equal(state.pendingNotices, ['[Notification]\nafter the long partition']);
  console.log(`    a partition of ${back.from.toFixed(0)} ms (past 10 reconnect attempts 100 ms apart): ${watch.phases().map(phaseLine).join(' → ')}`);
});

partition.run();

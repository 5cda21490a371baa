import type { WeakNotifyDecisionsEvent } from '../../../src/machines/discoveryMachine.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import {
  createMemoryPodStore,
  createPodRuntime,
  type MemoryPodStore,
  type PodRuntime,
  type PodRuntimeOptions,
  type PodTransport,
} from '../../../src/index.js';
import { spyStore } from '../../support/spyStore.js';

const SELF = 'yoi-orchestrator';
const PEER = 'yoi';

let runtime: PodRuntime | undefined;
let turns = 0;
/** Whether `setup` hides the memory store's `readNow` (see the table below). */
let readsWithPromises = false;

/** The memory store as a store that only reads with promises. */
function withoutReadNow(store: MemoryPodStore): MemoryPodStore {
  const { readNow: _readNow, ...rest } = store;
  return rest as MemoryPodStore;
}

/** A runtime whose orchestrator and companion are reciprocal peers, both live. */
async function setup(options: PodRuntimeOptions & { store?: MemoryPodStore } = {}) {
  const store = options.store ?? (readsWithPromises ? withoutReadNow(createMemoryPodStore()) : createMemoryPodStore());
  assert.is(store.readNow === undefined, readsWithPromises, 'the store reads the way the suite says');
  turns = 0;
  runtime = createPodRuntime({ ...options, store, turn: () => void (turns += 1) });
  await runtime.spawnPod({ name: PEER, role: 'companion' });
  await runtime.spawnPod({ name: SELF, role: 'orchestrator' });
  await store.addPeer(SELF, PEER);
  await store.addPeer(PEER, SELF);
  return { store, runtime, view: runtime.discovery(SELF) };
}

function remote(notify: PodTransport['notify']): PodTransport {
  return { probe: (name) => (name === 'remote' ? { status: 'live', activity: 'idle' } : undefined), notify };
}

/**
 * The table runs twice: once over the memory store as it is (its `readNow` makes
 * an in-process notify synchronous up to the send), once over the same store
 * without `readNow` (the path of every store that reads with promises).
 */
for (const [label, promisesOnly] of [['reads without promises', false], ['reads with promises', true]] as const) {
  const table = suite(`weak notify outcome table (docs/behaviour.md §5), ${label}`);
  // Suites run later, one after the other: each sets the path when it starts.
  table.before(() => {
    readsWithPromises = promisesOnly;
  });
  table.after(() => {
    readsWithPromises = false;
  });
  table.after.each(async () => {
    await runtime?.stop();
    runtime = undefined;
  });

  table('should deliver with autoRun false: queued, the target stays idle and no turn starts', async () => {
    const { view, runtime } = await setup();
    assert.equal(await view.sendWeakNotifyToLivePeer(PEER, 'ticket moved'), { type: 'delivered' });
    const pod = runtime.pod(PEER)!;
    assert.is(pod.status, 'live');
    assert.is(pod.activity, 'idle');
    assert.equal(pod.pendingNotices(), ['[Notification]\nticket moved']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.is(turns, 0);
    assert.equal(pod.history(), []);
  });

  table('should skip invalid names and names without metadata as skipped-missing', async () => {
    const { view } = await setup();
    for (const name of ['', '.', '..', 'a/b', '../x', 'a\u0000b', 'a\nb', 'ghost']) {
      assert.equal(await view.sendWeakNotifyToLivePeer(name, 'x'), { type: 'skipped-missing' });
    }
  });

  table('should skip a pod that is not in the sender visibility, even if it lists the sender', async () => {
    const { view, store } = await setup();
    await store.write({ name: 'stranger', peers: [SELF], spawnedChildren: [] });
    assert.equal(await view.sendWeakNotifyToLivePeer('stranger', 'x'), { type: 'skipped-not-visible' });
  });

  table('should report a corrupt target as send-failed when visible, skipped-not-visible when not', async () => {
    const { view, store } = await setup();
    await store.writeRaw(PEER, '{ torn');
    const visible = await view.sendWeakNotifyToLivePeer(PEER, 'x');
    assert.is(visible.type, 'send-failed');
    await store.writeRaw('hidden', '{ torn');
    assert.equal(await view.sendWeakNotifyToLivePeer('hidden', 'x'), { type: 'skipped-not-visible' });
  });

  table('should report any other store failure as send-failed with a one-line bounded error', async () => {
    const inner = createMemoryPodStore();
    const store = spyStore(inner);
    runtime = createPodRuntime({ store });
    await runtime.spawnPod({ name: PEER });
    await runtime.spawnPod({ name: SELF });
    await store.addPeer(SELF, PEER);
    store.plan.fail = { read: [SELF] };
    store.plan.error = () => new Error(`EIO: disk on fire\n${'x'.repeat(400)}`);
    const outcome = await runtime.discovery(SELF).sendWeakNotifyToLivePeer(PEER, 'x');
    assert.is(outcome.type, 'send-failed');
    if (outcome.type !== 'send-failed') return;
    assert.match(outcome.error, /^EIO: disk on fire x+…$/);
    assert.ok([...outcome.error].length <= 200);
  });

  table('should skip self and spawned children as skipped-not-peer with the visibility', async () => {
    const { view, runtime } = await setup();
    await runtime.spawnPod({ name: 'kid', parent: SELF });
    assert.equal(await view.sendWeakNotifyToLivePeer(SELF, 'x'), { type: 'skipped-not-peer', visibility: 'self' });
    assert.equal(await view.sendWeakNotifyToLivePeer('kid', 'x'), { type: 'skipped-not-peer', visibility: 'spawned-child' });
    assert.equal(runtime.pod('kid')!.pendingNotices(), []);
  });

  table('should skip stopped and unreachable peers as skipped-not-live and never restart them', async () => {
    const { view, runtime } = await setup();
    const pod = runtime.pod(PEER)!;
    pod.stop();
    assert.equal(await view.sendWeakNotifyToLivePeer(PEER, 'x'), { type: 'skipped-not-live', status: 'stopped' });
    assert.is(pod.status, 'stopped');
    pod.start();
    pod.disconnect('ECONNREFUSED');
    assert.equal(await view.sendWeakNotifyToLivePeer(PEER, 'x'), { type: 'skipped-not-live', status: 'unreachable', reason: 'ECONNREFUSED' });
    assert.is(pod.status, 'unreachable');
    assert.equal(pod.pendingNotices(), []);
  });

  table('should treat a peer with a record that no runtime or transport serves as stopped', async () => {
    const { view, store } = await setup();
    await store.write({ name: 'offline', peers: [SELF], spawnedChildren: [] });
    await store.addPeer(SELF, 'offline');
    assert.equal(await view.sendWeakNotifyToLivePeer('offline', 'x'), { type: 'skipped-not-live', status: 'stopped' });
  });


  table('should report a transport rejection as send-failed', async () => {
    const { view, store } = await setup({ transport: remote(() => Promise.reject(new Error('ECONNRESET'))) });
    await store.write({ name: 'remote', peers: [SELF], spawnedChildren: [] });
    await store.addPeer(SELF, 'remote');
    assert.equal(await view.sendWeakNotifyToLivePeer('remote', 'x'), { type: 'send-failed', error: 'ECONNRESET' });
  });

  table('should report a transport that never acknowledges as send-failed after the timeout', async () => {
    const { view, store } = await setup({ transport: remote(() => new Promise(() => undefined)), deliveryTimeoutMs: 20 });
    await store.write({ name: 'remote', peers: [SELF], spawnedChildren: [] });
    await store.addPeer(SELF, 'remote');
    assert.equal(await view.sendWeakNotifyToLivePeer('remote', 'x'), { type: 'send-failed', error: 'no acknowledgement within 20 ms' });
  });

  table('should deliver through a transport that acknowledges, with autoRun false', async () => {
    const sent: unknown[] = [];
    const { view, store } = await setup({ transport: remote((name, message, options) => void sent.push({ name, message, options })) });
    await store.write({ name: 'remote', peers: [SELF], spawnedChildren: [] });
    await store.addPeer(SELF, 'remote');
    assert.equal(await view.sendWeakNotifyToLivePeer('remote', 'hi'), { type: 'delivered' });
    // The transport is told the sender (`from`, added on purpose with the protocol's notify sender).
    assert.equal(sent, [{ name: 'remote', message: 'hi', options: { autoRun: false, from: SELF } }]);
  });

  table('should turn a huge or non-string message into send-failed, never a throw', async () => {
    const { view, runtime } = await setup({ maxMessageBytes: 1024 });
    assert.equal(await view.sendWeakNotifyToLivePeer(PEER, 'x'.repeat(1025)), { type: 'send-failed', error: 'message is larger than 1024 bytes' });
    assert.equal(await view.sendWeakNotifyToLivePeer(PEER, 42 as unknown as string), { type: 'send-failed', error: 'message is not a string' });
    assert.equal(runtime.pod(PEER)!.pendingNotices(), []);
  });

  table.run();
}

const records = suite('weak notify diagnostics and inspection');
records.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
});

records('should record one diagnostic per weak notify: debug for delivered and skipped-missing, warn otherwise', async () => {
  const { view, runtime } = await setup();
  await view.sendWeakNotifyToLivePeer(PEER, 'secret body 42');
  await view.sendWeakNotifyToLivePeer('ghost', 'x');
  await view.sendWeakNotifyToLivePeer(SELF, 'x');
  runtime.pod(PEER)!.stop();
  await view.sendWeakNotifyToLivePeer(PEER, 'x');
  const notifyRecords = runtime.diagnostics.recent().filter((r) => r.scope === 'notify');
  assert.equal(
    notifyRecords.map((r) => [r.level, r.fields.outcome]),
    [
      ['debug', 'delivered'],
      ['debug', 'skipped-missing'],
      ['warn', 'skipped-not-peer'],
      ['warn', 'skipped-not-live'],
    ],
  );
  assert.not.ok(JSON.stringify(runtime.diagnostics.recent()).includes('secret body'), 'no message body in diagnostics');
});

records('should show every decision to the inspector as an event naming its final state and path', async () => {
  const events: InspectionEvent[] = [];
  const { view, runtime } = await setup({ inspect: (event) => void events.push(event) });
  await view.sendWeakNotifyToLivePeer(PEER, 'x');
  await view.sendWeakNotifyToLivePeer('ghost', 'x');
  await view.notifyLivePeer(PEER, 'y', { autoRun: true });
  // Decisions reach the discovery actor in batches (`weakNotify.decisions`), in the order they were made.
  const batches = (): Extract<InspectionEvent, { type: '@xstate.event' }>[] =>
    events.filter((e): e is Extract<InspectionEvent, { type: '@xstate.event' }> => e.type === '@xstate.event' && e.event.type === 'weakNotify.decisions');
  assert.is(batches().length, 0, 'queued: none sent during the notifies');
  runtime.flushDecisions();
  assert.is(batches().length, 1, 'the three in one event');
  const all = batches().flatMap((e) => (e.event as unknown as WeakNotifyDecisionsEvent).decisions.map((d) => ({ d, actor: (e.actorRef as AnyActorRef).id })));
  const decided = all.map(({ d, actor }) => [d.state, d.outcome, d.autoRun, d.path, actor]);
  const delivered = ['resolvingTarget', 'resolvingVisibility', 'checkingStore', 'checkingRelation', 'checkingLiveness', 'sending', 'delivered'];
  assert.equal(decided, [
    ['delivered', 'delivered', false, delivered, 'discovery'],
    ['skippedMissing', 'skipped-missing', false, ['resolvingTarget', 'skippedMissing'], 'discovery'],
    ['delivered', 'delivered', true, delivered, 'discovery'],
  ]);
  const missing = all.find(({ d }) => d.outcome === 'skipped-missing')!.d;
  assert.equal(missing.facts, { target: false }, 'the facts it saw, and no more');
  const podEvents = events.filter((e) => e.type === '@xstate.event' && e.event.type === 'pod.notify');
  assert.is(podEvents.length, 2, 'the inspector sees each notify reach the pod');
});

records('should carry the caller\'s fields into the diagnostic and name a notify that asks for a turn', async () => {
  const { view, runtime } = await setup();
  await view.sendWeakNotifyToLivePeer(PEER, 'x', { fields: { ticket: 'T1', event: 'comment/plan' } });
  await view.notifyLivePeer(PEER, 'y', { autoRun: true });
  await view.sendNotifyToLivePeer(PEER, 'z', { autoRun: false });
  const notifies = runtime.diagnostics.recent().filter((r) => r.scope === 'notify');
  assert.equal(
    notifies.map((r) => [r.message, r.fields.ticket, r.fields.event]),
    [
      ['weak notify delivered', 'T1', 'comment/plan'],
      ['notify delivered', undefined, undefined],
      ['weak notify delivered', undefined, undefined],
    ],
  );
  const pod = runtime.pod(PEER)!;
  const arrived = pod.pendingNotices().length + pod.history().reduce((sum, turn) => sum + turn.notices.length, 0);
  assert.is(arrived, 3, 'all three arrived');
});

records('should deliver a notify sent while the target is busy (from one of its own subscribers)', async () => {
  const { view, runtime } = await setup();
  const target = runtime.pod(PEER)!;
  const outcomes: Promise<unknown>[] = [];
  const subscription = target.actor.subscribe((snapshot) => {
    // The actor is still working off the pause when its subscribers hear of it.
    if (typeof snapshot.value === 'object' && snapshot.value.live === 'paused' && outcomes.length === 0) {
      outcomes.push(view.sendWeakNotifyToLivePeer(PEER, 'while busy'));
    }
  });
  target.pause();
  subscription.unsubscribe();
  assert.equal(await outcomes[0], { type: 'delivered' });
  assert.equal(target.pendingNotices(), ['[Notification]\nwhile busy']);
});

records('should answer skipped-not-live once the runtime is stopped, and never send to a stopped actor', async () => {
  const { view, runtime } = await setup();
  await runtime.stop();
  assert.equal(await view.sendWeakNotifyToLivePeer(PEER, 'late'), {
    type: 'skipped-not-live',
    status: 'stopped',
    reason: 'the podmesh runtime is stopped',
  });
  assert.equal(runtime.pod(PEER)!.pendingNotices(), []);
});

records.run();

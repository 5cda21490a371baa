import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CorruptMetadataError,
  createFsPodStore,
  createMemoryPodStore,
  createPodRuntime,
  InvalidPodNameError,
  RuntimeStoppedError,
  SelfPeerError,
  StateMissingError,
  type PodMetadataStore,
  type PodRuntime,
} from '../../../src/index.js';
import { createFaultyStore } from '../../../src/testing/index.js';
import { INVALID_NAMES, pod, rejects } from '../../support/assertions.js';
import { spyStore } from '../../support/spyStore.js';
import { assertNoOneSidedDelivery, lists } from '../../support/relationChecks.js';

type MakeStore = () => Promise<PodMetadataStore>;

const unregister = suite('discovery.unregisterPeer (docs/behaviour.md §4)');
let runtime: PodRuntime | undefined;
const dirs: string[] = [];
unregister.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const memoryStore: MakeStore = async () => createMemoryPodStore();
const fsStore: MakeStore = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-unregister-'));
  dirs.push(dir);
  return createFsPodStore(join(dir, 'pods'));
};
const STORES: ReadonlyArray<readonly [string, MakeStore]> = [
  ['memory store', memoryStore],
  ['file store', fsStore],
];

/** `a` and `b` holding each other, and `c` a bystander peer of `a` whose relation must survive. */
async function related(store: PodMetadataStore): Promise<void> {
  await store.write(pod('a', { peers: ['b', 'c'], role: 'companion', custom: { keep: 1 } }));
  await store.write(pod('b', { peers: ['a'] }));
  await store.write(pod('c', { peers: ['a'] }));
}

for (const [label, makeStore] of STORES) {
  unregister(`should remove a reciprocal relation from both records and keep everything else (${label})`, async () => {
    const store = await makeStore();
    await related(store);
    runtime = createPodRuntime({ store });
    assert.equal(await runtime.discovery('a').unregisterPeer('b'), { source: 'a', peer: 'b', removed: true });
    assert.equal(await store.read('a'), pod('a', { peers: ['c'], role: 'companion', custom: { keep: 1 } }));
    assert.equal(await store.read('b'), pod('b'));
    assert.equal((await store.read('c'))?.peers, ['a']);
    assert.is((await runtime.discovery('a').sendWeakNotifyToLivePeer('b', 'x')).type, 'skipped-not-visible');
    assert.is((await runtime.discovery('b').sendWeakNotifyToLivePeer('a', 'x')).type, 'skipped-not-visible');
  });

  unregister(`should answer removed: false and write nothing when neither record holds it (${label})`, async () => {
    const store = spyStore(await makeStore());
    await related(store);
    runtime = createPodRuntime({ store });
    await runtime.discovery('a').unregisterPeer('b');
    store.writes.length = 0;
    assert.equal(await runtime.discovery('b').unregisterPeer('a'), { source: 'b', peer: 'a', removed: false });
    assert.equal(await runtime.discovery('b').unregisterPeer('c'), { source: 'b', peer: 'c', removed: false });
    assert.equal(store.writes, []);
  });
}

unregister('should remove a one-sided relation held by either side', async () => {
  for (const [aPeers, bPeers] of [
    [['b'], []],
    [[], ['a']],
  ] as const) {
    const store = createMemoryPodStore();
    await store.write(pod('a', { peers: [...aPeers] }));
    await store.write(pod('b', { peers: [...bPeers] }));
    runtime = createPodRuntime({ store });
    assert.equal(await runtime.discovery('a').unregisterPeer('b'), { source: 'a', peer: 'b', removed: true }, JSON.stringify([aPeers, bPeers]));
    assert.equal([store.readNow('a'), store.readNow('b')], [pod('a'), pod('b')]);
    await runtime.stop();
  }
});

unregister('should clear the marks an interrupted ensure left, on both sides', async () => {
  const store = createMemoryPodStore();
  await store.write(pod('a', { peers: [], pendingPeers: ['b'] }));
  await store.write(pod('b', { peers: ['a'], pendingPeers: ['a'] }));
  runtime = createPodRuntime({ store });
  assert.is((await runtime.discovery('a').unregisterPeer('b')).removed, true);
  assert.equal([store.readNow('a'), store.readNow('b')], [pod('a'), pod('b')]);
});

unregister('should remove a peer that has no record from self alone', async () => {
  const store = spyStore(createMemoryPodStore());
  await store.write(pod('a', { peers: ['ghost', 'z'], pendingPeers: ['ghost'] }));
  runtime = createPodRuntime({ store });
  store.writes.length = 0;
  assert.equal(await runtime.discovery('a').unregisterPeer('ghost'), { source: 'a', peer: 'ghost', removed: true });
  assert.equal(await store.read('a'), pod('a', { peers: ['z'] }));
  assert.equal(store.writes, ['update:a'], 'one write: nothing to mark when no other record can deliver');
  assert.equal(await runtime.discovery('a').unregisterPeer('ghost'), { source: 'a', peer: 'ghost', removed: false });
});

unregister('should reject a missing self, self as its peer, and a corrupt record before any write', async () => {
  const memory = createMemoryPodStore();
  const store = spyStore(memory);
  await related(store);
  await memory.writeRaw('bad', '{"name":"bad","peers":"oops"}');
  store.writes.length = 0;
  runtime = createPodRuntime({ store });
  await rejects(runtime.discovery('nobody').unregisterPeer('a'), StateMissingError, 'state-missing');
  await rejects(runtime.discovery('a').unregisterPeer('a'), SelfPeerError, 'self-peer');
  await rejects(runtime.discovery('a').unregisterPeer('bad'), CorruptMetadataError, 'corrupt-metadata');
  await rejects(runtime.discovery('bad').unregisterPeer('a'), CorruptMetadataError, 'corrupt-metadata');
  assert.equal(store.writes, []);
});

unregister('should reject invalid names before touching the store', async () => {
  // Every read fails: a name checked after the first read would surface that failure instead.
  const store = spyStore(createMemoryPodStore(), { fail: { read: ['a'] } });
  await related(store);
  runtime = createPodRuntime({ store });
  for (const name of INVALID_NAMES) {
    await rejects(runtime.discovery('a').unregisterPeer(name), InvalidPodNameError, 'invalid-pod-name');
  }
  await rejects(runtime.discovery('a').unregisterPeer('b'), Error);
});

unregister('should reject once the runtime stopped, writing nothing', async () => {
  const store = createMemoryPodStore();
  await related(store);
  runtime = createPodRuntime({ store });
  const view = runtime.discovery('a');
  await runtime.stop();
  await rejects(view.unregisterPeer('b'), RuntimeStoppedError, 'runtime-stopped');
  assert.equal(store.readNow('a')?.peers, ['b', 'c']);
});

const crash = suite('unregisterPeer: a crash between its writes (docs/behaviour.md §4)');
crash.after.each(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

type Next = 'unregister a→b' | 'unregister b→a' | 'start a' | 'start b';
const NEXT: readonly Next[] = ['unregister a→b', 'unregister b→a', 'start a', 'start b'];

/**
 * Every crash point of `unregisterPeer('b')` from `a` (the faulty store fails its k-th write, the
 * process stops there), then every way on. Returns how the cases ended.
 */
async function everyCrashPoint(makeStore: MakeStore): Promise<Record<'none' | 'reciprocal' | 'marked', number>> {
  const ended = { none: 0, reciprocal: 0, marked: 0 };
  for (let survives = 0; survives <= 3; survives += 1) {
    for (const next of NEXT) {
      const store = await makeStore();
      await related(store);
      const faulty = createFaultyStore(store);
      faulty.failNextWrite(survives);
      const crashed = createPodRuntime({ store: faulty });
      const first = await crashed.discovery('a').unregisterPeer('b').then(
        () => 'finished',
        (error: unknown) => (assert.match(String(error), /injected/), 'crashed'),
      );
      await crashed.stop();
      const label = `crash after write ${survives} (${first}), then ${next}`;
      assert.is(first, survives < 3 ? 'crashed' : 'finished', label);
      // Before anything else runs: no notice either way on what the crash left.
      await assertNoOneSidedDelivery(store, ['a', 'b'], label);

      const after = createPodRuntime({ store });
      try {
        if (next.startsWith('unregister')) {
          const [self, peer] = next === 'unregister a→b' ? ['a', 'b'] : ['b', 'a'];
          assert.is((await after.discovery(self!).unregisterPeer(peer!)).removed, survives < 3, label);
        } else {
          await after.spawnPod({ name: next === 'start a' ? 'a' : 'b' });
        }
      } finally {
        await after.stop();
      }
      const [a, b] = [await store.read('a'), await store.read('b')];
      const reciprocal = lists(a, 'b') && lists(b, 'a');
      const none = !lists(a, 'b') && !lists(b, 'a');
      // One-sided only with a mark on the side that holds it (a start of `b` does not finish `a`'s mark, §4).
      const marked = !reciprocal && !none && a?.pendingPeers?.includes('b') === true;
      assert.ok(reciprocal || none || marked, `${label}: one-sided without a mark ${JSON.stringify([a, b])}`);
      // The removal, finished by the next one; a start before that makes the relation whole (a mark's meaning).
      if (next.startsWith('unregister') || survives === 3) assert.ok(none, `${label}: ${JSON.stringify([a, b])}`);
      if (none) assert.equal([a?.pendingPeers, b?.pendingPeers], [undefined, undefined], `${label}: no mark left`);
      assert.equal(a?.peers.includes('c'), true, `${label}: the bystander relation stays`);
      await assertNoOneSidedDelivery(store, ['a', 'b'], `${label}, afterwards`);
      ended[reciprocal ? 'reciprocal' : none ? 'none' : 'marked'] += 1;
    }
  }
  return ended;
}

crash('should never let a notice through a one-sided relation, and the next unregister finishes (memory store)', async () => {
  // Before write 1 nothing changed (a start keeps the relation). A start of `a` after its mark (write 1) or
  // after `b` was cleared (write 2) makes the relation whole again, as a start finishes every mark; a start
  // of `b` after write 2 finds nothing of its own to finish and leaves `a`'s marked one-sided hold.
  assert.equal(await everyCrashPoint(memoryStore), { none: 10, reciprocal: 5, marked: 1 });
});

crash('should do the same with the file store', async () => {
  assert.equal(await everyCrashPoint(fsStore), { none: 10, reciprocal: 5, marked: 1 });
});

unregister.run();
crash.run();

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createFsNoticeJournal,
  createFsPodStore,
  createMemoryPodStore,
  createPodRuntime,
  InvalidPodNameError,
  PodmeshError,
  RuntimeStoppedError,
  StateMissingError,
  type NoticeJournal,
  type PodLiveness,
  type PodMetadataStore,
  type PodRuntime,
} from '../../../src/index.js';
import { createFaultyStore } from '../../../src/testing/index.js';
import { INVALID_NAMES, pod, rejects } from '../../support/assertions.js';
import { spyStore } from '../../support/spyStore.js';
import { assertNoOneSidedDelivery, lists } from '../../support/relationChecks.js';

type MakeStore = () => Promise<PodMetadataStore>;

const remove = suite('runtime.removePod (docs/behaviour.md §4)');
let runtime: PodRuntime | undefined;
const dirs: string[] = [];
const tempDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-remove-'));
  dirs.push(dir);
  return dir;
};
const cleanUp = async (): Promise<void> => {
  await runtime?.stop();
  runtime = undefined;
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
};
remove.after.each(cleanUp);

const memoryStore: MakeStore = async () => createMemoryPodStore();
const fsStore: MakeStore = async () => createFsPodStore(join(await tempDir(), 'pods'));
const STORES: ReadonlyArray<readonly [string, MakeStore]> = [
  ['memory store', memoryStore],
  ['file store', fsStore],
];

/**
 * `gone` with reciprocal peers `a` and `b`, a parent `p`, a one-sided leftover `c` (only `c` lists it),
 * `d` marking a relation with it that an ensure left half-made, and `e`, which has nothing to do with it.
 */
async function world(store: PodMetadataStore): Promise<void> {
  await store.write(pod('gone', { peers: ['a', 'b'], spawnedChildren: ['kid'] }));
  await store.write(pod('a', { peers: ['b', 'gone'], custom: { keep: true } }));
  await store.write(pod('b', { peers: ['a', 'gone'] }));
  await store.write(pod('p', { spawnedChildren: ['other', 'gone'] }));
  await store.write(pod('c', { peers: ['gone'] }));
  await store.write(pod('d', { peers: ['gone'], pendingPeers: ['gone'] }));
  await store.write(pod('e', { role: 'bystander' }));
  await store.write(pod('kid'));
}

/** What {@link world} must look like once `gone` is removed. */
async function assertRemoved(store: PodMetadataStore, label = ''): Promise<void> {
  assert.is(await store.read('gone'), null, label);
  assert.equal(await store.listNames(), ['a', 'b', 'c', 'd', 'e', 'kid', 'p'], label);
  assert.equal(await store.read('a'), pod('a', { peers: ['b'], custom: { keep: true } }), label);
  assert.equal(await store.read('b'), pod('b', { peers: ['a'] }), label);
  assert.equal(await store.read('p'), pod('p', { spawnedChildren: ['other'] }), label);
  assert.equal(await store.read('c'), pod('c'), label);
  assert.equal(await store.read('d'), pod('d'), label);
  assert.equal(await store.read('e'), pod('e', { role: 'bystander' }), label);
  assert.equal(await store.read('kid'), pod('kid'), label);
}

for (const [label, makeStore] of STORES) {
  remove(`should clear every record that lists the pod, then delete its record (${label})`, async () => {
    const store = await makeStore();
    await world(store);
    runtime = createPodRuntime({ store });
    assert.equal(await runtime.removePod('gone'), {
      name: 'gone',
      peersUpdated: ['a', 'b', 'c', 'd'],
      parentsUpdated: ['p'],
      noticesDiscarded: 0,
    });
    await assertRemoved(store);
    await rejects(runtime.removePod('gone'), StateMissingError, 'state-missing');
  });
}

remove('should remove a pod this runtime stopped, forgetting its actor, and refuse one it runs', async () => {
  const store = createMemoryPodStore();
  runtime = createPodRuntime({ store });
  const pod = await runtime.spawnPod({ name: 'gone' });
  const refusal = await rejects(runtime.removePod('gone'), PodmeshError, 'pod-running');
  assert.match(refusal.message, /live in this runtime/);
  pod.disconnect('cable');
  await rejects(runtime.removePod('gone'), PodmeshError, 'pod-running');
  pod.stop();
  assert.is((await runtime.removePod('gone')).name, 'gone');
  assert.is(runtime.pod('gone'), undefined);
  assert.is(store.readNow('gone'), null);
  // Spawned again, it is a new pod with a new record.
  const again = await runtime.spawnPod({ name: 'gone' });
  assert.is.not(again.actor, pod.actor);
  assert.equal(store.readNow('gone'), { name: 'gone', peers: [], spawnedChildren: [] });
});

remove('should refuse a pod its transport reports live or unreachable, and remove one it reports stopped or does not serve', async () => {
  const answers: Array<PodLiveness | undefined> = [{ status: 'live', activity: 'idle' }, { status: 'unreachable', reason: 'ECONNREFUSED' }, { status: 'stopped' }, undefined];
  for (const answer of answers) {
    const store = spyStore(createMemoryPodStore());
    await store.write(pod('gone'));
    store.writes.length = 0;
    const rt = createPodRuntime({ store, transport: { probe: () => answer, notify: () => undefined } });
    try {
      if (answer === undefined || answer.status === 'stopped') {
        assert.is((await rt.removePod('gone')).name, 'gone');
        assert.is(await store.read('gone'), null);
      } else {
        const error = await rejects(rt.removePod('gone'), PodmeshError, 'pod-running');
        assert.match(error.message, new RegExp(`is ${answer.status} \\(served by another process\\)`));
        assert.equal(store.writes, [], 'nothing written');
      }
    } finally {
      await rt.stop();
    }
  }
});

remove('should refuse while the journal holds accepted notices, and discard them only when asked', async () => {
  const dir = await tempDir();
  const store = createFsPodStore(join(dir, 'pods'));
  const journal: NoticeJournal = createFsNoticeJournal(join(dir, 'notices'));
  await world(store);
  await journal.record('gone', { consumed: 0, added: ['one', 'two', 'three'] });
  runtime = createPodRuntime({ store, journal });
  const error = await rejects(runtime.removePod('gone'), PodmeshError, 'notices-pending');
  assert.is(
    error.message,
    'pod gone still holds 3 accepted notices in its journal: start it to consume them, or discard them',
  );
  assert.equal((await store.read('a'))?.peers, ['b', 'gone'], 'nothing written');
  assert.equal((await runtime.removePod('gone', { discardNotices: true })).noticesDiscarded, 3);
  await assertRemoved(store);
  assert.equal(await readdir(join(dir, 'notices')), [], 'the journal file is gone');
  assert.equal((await journal.load('gone')).queue, []);
});

remove('should count the notices a stopped pod of this runtime still queues (no journal)', async () => {
  runtime = createPodRuntime();
  await runtime.spawnPod({ name: 'gone' });
  await runtime.spawnPod({ name: 'a' });
  await runtime.discovery('a').registerPeer('gone');
  assert.is((await runtime.discovery('a').sendWeakNotifyToLivePeer('gone', 'hello')).type, 'delivered');
  runtime.pod('gone')!.stop();
  const error = await rejects(runtime.removePod('gone'), PodmeshError, 'notices-pending');
  assert.match(error.message, /holds 1 accepted notice in this runtime/);
  assert.equal(await runtime.removePod('gone', { discardNotices: true }), { name: 'gone', peersUpdated: ['a'], parentsUpdated: [], noticesDiscarded: 1 });
  assert.is((await runtime.discovery('a').sendWeakNotifyToLivePeer('gone', 'again')).type, 'skipped-missing');
});

remove('should skip a corrupt record met by the scan, with a warn', async () => {
  const store = createMemoryPodStore();
  await world(store);
  await store.writeRaw('bad', '{"name":"bad","peers":"oops"}');
  runtime = createPodRuntime({ store });
  assert.equal((await runtime.removePod('gone')).peersUpdated, ['a', 'b', 'c', 'd']);
  assert.is(store.readNow('gone'), null);
  const warn = runtime.diagnostics.recent().find((record) => record.message === 'removing a pod skipped a corrupt record');
  assert.equal(warn?.fields, { pod: 'bad', outcome: 'removing gone' });
});

remove('should reject invalid names before any I/O, and reject once the runtime stopped', async () => {
  const store = spyStore(createMemoryPodStore(), { fail: { read: ['gone'] } });
  runtime = createPodRuntime({ store });
  for (const name of INVALID_NAMES) await rejects(runtime.removePod(name), InvalidPodNameError, 'invalid-pod-name');
  await rejects(runtime.removePod('gone'), Error);
  await runtime.stop();
  await rejects(runtime.removePod('gone'), RuntimeStoppedError, 'runtime-stopped');
});

const crash = suite('removePod: a crash between its writes (docs/behaviour.md §4)');
crash.after.each(cleanUp);

const NAMES = ['gone', 'a', 'b', 'c', 'd', 'e', 'p'];

/**
 * Every crash point of a removal of `gone` from {@link world}: the faulty store fails its k-th
 * write and the process stops there. Before anything else runs, no notice goes through a
 * one-sided relation; the next removal then finishes the job. Returns how many crash points there were.
 */
async function everyCrashPoint(makeStore: MakeStore, withJournal: boolean): Promise<number> {
  let points = 0;
  for (let survives = 0; ; survives += 1) {
    const store = await makeStore();
    await world(store);
    const dir = withJournal ? await tempDir() : undefined;
    const journalAt = (): NoticeJournal | undefined => (dir === undefined ? undefined : createFsNoticeJournal(join(dir, 'notices')));
    const planted = journalAt();
    await planted?.record('gone', { consumed: 0, added: ['kept until discarded'] });
    await planted?.close?.();
    const faulty = createFaultyStore(store);
    faulty.failNextWrite(survives);
    const journal = journalAt();
    const crashed = createPodRuntime({ store: faulty, ...(journal === undefined ? {} : { journal }) });
    const first = await crashed.removePod('gone', { discardNotices: true }).then(
      () => 'finished' as const,
      (error: unknown) => (assert.match(String(error), /injected/), 'crashed' as const),
    );
    await crashed.stop();
    const label = `crash after write ${survives} (${first})`;
    if (first === 'finished') {
      await assertRemoved(store, label);
      return points;
    }
    points += 1;
    assert.ok((await store.read('gone')) !== null, `${label}: the record goes last`);
    // `c`'s one-sided hold was there before (written by hand): not the removal's to hide.
    await assertNoOneSidedDelivery(store, NAMES, label, ['c→gone']);
    // Every relation the crash left one-sided is marked on the side that still holds it.
    for (const self of NAMES) {
      for (const peer of NAMES) {
        if (`${self}→${peer}` === 'c→gone') continue;
        const [x, y] = [await store.read(self), await store.read(peer)];
        if (lists(x, peer) && !lists(y, self)) assert.ok(x?.pendingPeers?.includes(peer), `${label}: ${self} holds ${peer} one-sided without a mark`);
      }
    }
    const again = journalAt();
    const next = createPodRuntime({ store, ...(again === undefined ? {} : { journal: again }) });
    try {
      const second = await next.removePod('gone', { discardNotices: true });
      // The journal is forgotten just before the delete (write 6): a crash there left nothing to discard.
      assert.is(second.noticesDiscarded, withJournal && survives < 6 ? 1 : 0, label);
    } finally {
      await next.stop();
    }
    await assertRemoved(store, `${label}, then removed again`);
    if (again !== undefined) assert.equal((await createFsNoticeJournal(join(dir!, 'notices')).load('gone')).queue, [], label);
  }
}

crash('should leave what the next removePod finishes, at every crash point (memory store)', async () => {
  // The mark, one update per record that lists it (a, b, c, d, p), the delete.
  assert.is(await everyCrashPoint(memoryStore, false), 7);
});

crash('should do the same with the file store and a notice journal', async () => {
  assert.is(await everyCrashPoint(fsStore, true), 7);
});

crash('should let a start after a crash make the pod whole again, never one-sided', async () => {
  for (let survives = 1; survives < 7; survives += 1) {
    const store = createMemoryPodStore();
    await world(store);
    const faulty = createFaultyStore(store);
    faulty.failNextWrite(survives);
    const crashed = createPodRuntime({ store: faulty });
    await crashed.removePod('gone').catch(() => undefined);
    await crashed.stop();
    const next = createPodRuntime({ store });
    try {
      await next.spawnPod({ name: 'gone' });
      for (const peer of ['a', 'b']) {
        const label = `crash after write ${survives}, then start gone: ${peer}`;
        assert.ok(lists(store.readNow('gone'), peer) && lists(store.readNow(peer), 'gone'), label);
        assert.is(store.readNow('gone')?.pendingPeers, undefined, label);
      }
    } finally {
      await next.stop();
    }
  }
});

remove.run();
crash.run();

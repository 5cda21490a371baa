import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryPodStore } from '../../../src/actors/stores/createMemoryPodStore.js';
import type { MemoryPodStore } from '../../../src/actors/stores/createMemoryPodStore.js';
import { CorruptMetadataError, InvalidPodNameError, StateMissingError } from '../../../src/core/errors.js';
import type { PodMetadata } from '../../../src/core/types.js';
import { INVALID_NAMES, pod, rejects } from '../../support/assertions.js';

const memoryStore = suite('createMemoryPodStore');

memoryStore('should read null for a missing record and round trip a written one', async () => {
  const store = createMemoryPodStore();
  assert.is(await store.read('a'), null);
  await store.write(pod('a', { role: 'coder', workspaceRoot: '/w', peers: ['c', 'b', 'c'], spawnedChildren: ['k'] }));
  assert.equal(await store.read('a'), pod('a', { role: 'coder', workspaceRoot: '/w', peers: ['b', 'c'], spawnedChildren: ['k'] }));
});

memoryStore('should return the very same deeply frozen record on every read', async () => {
  const store = createMemoryPodStore();
  const input = { ...pod('a', { peers: ['b'] }), extra: { nested: [1] } };
  await store.write(input);
  const first = await store.read('a');
  const second = await store.read('a');
  assert.is(first, second);
  assert.ok(first !== null && Object.isFrozen(first) && Object.isFrozen(first.peers));
  assert.ok(Object.isFrozen((first.extra as { nested: number[] }).nested));
  assert.not.ok(Object.isFrozen(input), 'the caller object is copied, not frozen');
  input.peers = ['z'];
  assert.equal((await store.read('a'))?.peers, ['b']);
});

memoryStore('should preserve unknown fields through updates', async () => {
  const store = createMemoryPodStore();
  await store.write({ ...pod('a'), custom: { keep: true }, list: [1, 'x'] });
  await store.addPeer('a', 'b');
  await store.update('a', (record) => ({ ...record, role: 'reviewer' }));
  assert.equal(await store.read('a'), { name: 'a', peers: ['b'], spawnedChildren: [], custom: { keep: true }, list: [1, 'x'], role: 'reviewer' });
});

memoryStore('should add and remove peers and say whether anything changed', async () => {
  const store = createMemoryPodStore();
  await store.write(pod('a'));
  assert.is(await store.addPeer('a', 'z'), true);
  assert.is(await store.addPeer('a', 'b'), true);
  const before = await store.read('a');
  assert.is(await store.addPeer('a', 'b'), false);
  assert.is(await store.read('a'), before, 'nothing was written');
  assert.equal(before?.peers, ['b', 'z']);
  assert.is(await store.removePeer('a', 'q'), false);
  assert.is(await store.read('a'), before);
  assert.is(await store.removePeer('a', 'z'), true);
  assert.equal((await store.read('a'))?.peers, ['b']);
});

memoryStore('should replace peers normalised, and write nothing when they are the same', async () => {
  const store = createMemoryPodStore();
  await store.write(pod('a', { peers: ['x'] }));
  await store.setPeers('a', ['d', 'b', 'd']);
  const record = await store.read('a');
  assert.equal(record?.peers, ['b', 'd']);
  await store.setPeers('a', ['d', 'b']);
  assert.is(await store.read('a'), record);
});

memoryStore('should throw StateMissingError when updating a missing record', async () => {
  const store = createMemoryPodStore();
  let called = false;
  await rejects(store.update('a', (record) => ((called = true), record)), StateMissingError);
  await rejects(store.addPeer('a', 'b'), StateMissingError);
  await rejects(store.removePeer('a', 'b'), StateMissingError);
  await rejects(store.setPeers('a', ['b']), StateMissingError);
  assert.not.ok(called);
  assert.equal(await store.listNames(), []);
});

memoryStore('should write nothing when update returns the same object, and validate its result', async () => {
  const store = createMemoryPodStore();
  await store.write(pod('a'));
  const record = await store.read('a');
  assert.is(await store.update('a', (current) => current), record);
  await rejects(store.update('a', (current) => ({ ...current, name: 'b' })), TypeError);
  await rejects(store.update('a', (current) => ({ ...current, peers: ['..'] })), InvalidPodNameError);
  await rejects(
    store.update('a', () => {
      throw new RangeError('fn failed');
    }),
    RangeError,
  );
  assert.is(await store.read('a'), record);
  assert.equal(await store.listNames(), ['a']);
  const updated = await store.update('a', (current) => ({ ...current, peers: ['c', 'b'] }));
  assert.equal(updated.peers, ['b', 'c']);
  assert.is(await store.read('a'), updated);
});

memoryStore('should land every one of 50 concurrent addPeer calls', async () => {
  const store = createMemoryPodStore();
  await store.write(pod('hub'));
  const peers = Array.from({ length: 50 }, (_, i) => `peer-${String(i).padStart(2, '0')}`);
  const results = await Promise.all(peers.map((peer) => store.addPeer('hub', peer)));
  assert.ok(results.every(Boolean));
  assert.equal((await store.read('hub'))?.peers, peers);
});

memoryStore('should read a valid raw text as a frozen record and keep it', async () => {
  const store: MemoryPodStore = createMemoryPodStore();
  await store.writeRaw('a', JSON.stringify({ name: 'a', peers: ['c', 'b'], spawnedChildren: [], x: 1 }));
  const record = await store.read('a');
  assert.equal(record, { name: 'a', peers: ['b', 'c'], spawnedChildren: [], x: 1 });
  assert.ok(Object.isFrozen(record));
  assert.is(await store.read('a'), record);
});

memoryStore('should throw CorruptMetadataError for corrupt raw text on every read and update', async () => {
  const corrupt = [
    '{"name":"a","peers":[',
    JSON.stringify(pod('other')),
    JSON.stringify({ name: 'a', peers: 'b', spawnedChildren: [] }),
    JSON.stringify({ name: 'a', peers: ['../x'], spawnedChildren: [] }),
    'null',
  ];
  for (const text of corrupt) {
    const store = createMemoryPodStore();
    await store.writeRaw('a', text);
    for (let i = 0; i < 2; i += 1) await rejects(store.read('a'), CorruptMetadataError);
    await rejects(store.update('a', (record) => ({ ...record })), CorruptMetadataError);
    await rejects(store.addPeer('a', 'b'), CorruptMetadataError);
    await rejects(store.removePeer('a', 'b'), CorruptMetadataError);
    await rejects(store.setPeers('a', []), CorruptMetadataError);
    await rejects(store.read('a'), CorruptMetadataError);
    assert.equal(await store.listNames(), ['a']);
  }
});

memoryStore('should reject invalid names in every method before touching the store', async () => {
  const store = createMemoryPodStore();
  await store.write(pod('ok'));
  const before = await store.read('ok');
  for (const bad of INVALID_NAMES) {
    const attempts: Promise<unknown>[] = [
      store.read(bad),
      store.write(pod(bad)),
      store.write(pod('ok', { peers: [bad] })),
      store.write(pod('ok', { spawnedChildren: [bad] })),
      store.writeRaw(bad, '{}'),
      store.update(bad, (record) => record),
      store.addPeer(bad, 'ok'),
      store.addPeer('ok', bad),
      store.removePeer(bad, 'ok'),
      store.removePeer('ok', bad),
      store.setPeers(bad, []),
      store.setPeers('ok', ['b', bad]),
      store.delete(bad),
    ];
    for (const attempt of attempts) await rejects(attempt, InvalidPodNameError);
  }
  assert.equal(await store.listNames(), ['ok']);
  assert.is(await store.read('ok'), before);
});

memoryStore('should list names sorted and delete records', async () => {
  const store = createMemoryPodStore();
  await store.write(pod('b'));
  await store.write(pod('B'));
  await store.writeRaw('a', 'not json');
  assert.equal(await store.listNames(), ['B', 'a', 'b']);
  assert.is(await store.delete('a'), true);
  assert.is(await store.delete('a'), false);
  assert.is(await store.read('a'), null);
  assert.equal(await store.listNames(), ['B', 'b']);
});

memoryStore('should read without a promise through readNow: the same records, the same errors', async () => {
  const store = createMemoryPodStore();
  await store.write({ name: 'a', role: 'coder', peers: ['b'], spawnedChildren: [] });
  await store.writeRaw('torn', '{');
  assert.is(store.readNow('a'), await store.read('a'), 'the very same frozen record');
  assert.is(store.readNow('ghost'), null);
  assert.throws(() => store.readNow('torn'), (error: unknown) => error instanceof CorruptMetadataError);
  assert.throws(() => store.readNow('../x'), (error: unknown) => error instanceof InvalidPodNameError);
});

memoryStore.run();

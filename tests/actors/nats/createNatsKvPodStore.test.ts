import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createNatsKvPodStore, type NatsKvPodStore } from '../../../src/actors/nats/createNatsKvPodStore.js';
import { createMemoryPodStore } from '../../../src/actors/stores/createMemoryPodStore.js';
import { CorruptMetadataError, InvalidPodNameError, StateMissingError } from '../../../src/core/errors.js';
import { INVALID_NAMES, pod, rejects } from '../../support/assertions.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from '../../support/natsServer.js';
import { runStoreScript } from '../../support/storeScript.js';

interface Context {
  server?: NatsServer;
  nc?: NatsConnection;
  stores: NatsKvPodStore[];
  buckets: number;
}

const kvStore = suite<Context>('createNatsKvPodStore', { stores: [], buckets: 0 });
const available = natsServerAvailable();

kvStore.before(async (context) => {
  if (!available) return;
  context.server = await startNatsServer();
  context.nc = await connect({ servers: context.server.url });
});

kvStore.after.each(async (context) => {
  await Promise.all(context.stores.splice(0).map((store) => store.close()));
});

kvStore.after(async (context) => {
  await context.nc?.close();
  await context.server?.stop();
});

/** A store on a bucket of its own (one per test), on the shared connection, and that bucket's raw KV. */
async function fresh(context: Context, options: { maxRecordBytes?: number; namespace?: string; bucket?: string } = {}): Promise<{ store: NatsKvPodStore; kv: KV }> {
  const bucket = options.bucket ?? `t${++context.buckets}`;
  const store = await createNatsKvPodStore({ connection: context.nc!, bucket, ...options });
  context.stores.push(store);
  return { store, kv: await new Kvm(context.nc!).open(bucket) };
}

// Without a nats-server the tests are counted as skipped (never as passed).
const test = (name: string, fn: (context: Context) => Promise<void>): void =>
  available ? kvStore(name, fn) : kvStore.skip(`${name} (no nats-server on the PATH)`, fn);

test('should give every call of the conformance script the memory store result', async (context) => {
  const { store } = await fresh(context);
  const expected = await runStoreScript(createMemoryPodStore());
  const actual = await runStoreScript(store);
  for (let i = 0; i < expected.length; i += 1) assert.is(actual[i], expected[i]);
  assert.is(actual.length, expected.length);
});

test('should return deeply frozen records that went through JSON, and read back across connections', async (context) => {
  const { store } = await fresh(context, { bucket: 'shared' });
  const input = { ...pod('a', { peers: ['b'] }), extra: { nested: [1] }, dropped: undefined };
  await store.write(input);
  const record = await store.read('a');
  assert.ok(record !== null && Object.isFrozen(record) && Object.isFrozen((record.extra as { nested: number[] }).nested));
  assert.not.ok(Object.isFrozen(input), 'the caller object is copied, not frozen');
  assert.not.ok('dropped' in record);
  const other = await createNatsKvPodStore({ servers: context.server!.url, bucket: 'shared' });
  try {
    assert.equal(await other.read('a'), record);
  } finally {
    await other.close();
  }
});

test('should write nothing (the revision stays) when addPeer, removePeer, setPeers or update change nothing', async (context) => {
  const { store, kv } = await fresh(context);
  await store.write(pod('a', { peers: ['b', 'c'] }));
  const before = (await kv.get(store.keyOf('a')))!.revision;
  assert.is(await store.addPeer('a', 'b'), false);
  assert.is(await store.removePeer('a', 'x'), false);
  await store.setPeers('a', ['c', 'b', 'c']);
  await store.update('a', (record) => record);
  assert.is((await kv.get(store.keyOf('a')))!.revision, before);
  assert.is(await store.removePeer('a', 'b'), true);
  assert.ok((await kv.get(store.keyOf('a')))!.revision > before);
});

test('should read every bad value as CorruptMetadataError, as the file store does, and still list and delete it', async (context) => {
  const { store, kv } = await fresh(context, { maxRecordBytes: 2_000 });
  const bad: Array<[string, Uint8Array | string]> = [
    ['not json', '{"name":"a","peers":['],
    ['other name', JSON.stringify(pod('other'))],
    ['peers not a list', JSON.stringify({ name: 'a', peers: 'b', spawnedChildren: [] })],
    ['bad peer', JSON.stringify({ name: 'a', peers: ['../x'], spawnedChildren: [] })],
    ['null', 'null'],
    ['too large', JSON.stringify({ ...pod('a'), pad: 'x'.repeat(3_000) })],
    ['too deep', `{"name":"a","peers":[],"spawnedChildren":[],"n":${'['.repeat(70)}${']'.repeat(70)}}`],
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
  ];
  for (const [label, value] of bad) {
    await kv.put(store.keyOf('a'), value);
    for (const attempt of [
      store.read('a'),
      store.update('a', (record) => ({ ...record })),
      store.addPeer('a', 'b'),
      store.removePeer('a', 'b'),
      store.setPeers('a', []),
    ]) {
      const error = await rejects(attempt, CorruptMetadataError, 'corrupt-metadata');
      assert.not.match(error.message, /x{20}|pad/, `${label}: the reason never quotes the value`);
    }
    assert.equal(await store.listNames(), ['a'], label);
  }
  // A write replaces a bad value, as the file store's atomic rename does.
  await store.write(pod('a', { peers: ['b'] }));
  assert.equal(await store.read('a'), pod('a', { peers: ['b'] }));
  await kv.put(store.keyOf('a'), 'garbage');
  assert.is(await store.delete('a'), true);
  assert.is(await store.read('a'), null);
});

test('should keep hostile names apart: one key each, all legal tokens, every name read back and listed', async (context) => {
  const { store, kv } = await fresh(context);
  const names = ['a', 'A', 'a.b', 'a b', '*', '>', 'a.*.>', 'pod.a', '=2E', 'a=2Eb', 'a_b', 'a-b', '_', '-', '$KV', 'ünï', '日本', '😀', 'x'.repeat(128), 'a\u00a0b'];
  const keys = names.map((name) => store.keyOf(name));
  assert.is(new Set(keys).size, names.length, 'no two names share a key');
  for (const key of keys) assert.match(key, /^pod\.[-_=a-zA-Z0-9]+$/, key);
  await Promise.all(names.map((name, i) => store.write(pod(name, { peers: [names[(i + 1) % names.length]!] }))));
  for (const [i, name] of names.entries()) assert.equal(await store.read(name), pod(name, { peers: [names[(i + 1) % names.length]!] }));
  assert.equal(await store.listNames(), [...names].sort());
  // A key another tool put in the bucket is no pod of this store's.
  await kv.put('pod.=41', '{}');
  await kv.put('pod.a=2', '{}');
  await kv.put('other.thing', '{}');
  assert.equal(await store.listNames(), [...names].sort());
});

test('should keep namespaces apart in one bucket', async (context) => {
  const bucket = `t${++context.buckets}`;
  const { store: left } = await fresh(context, { bucket, namespace: 'team one' });
  const { store: right } = await fresh(context, { bucket, namespace: 'team.two' });
  const { store: plain } = await fresh(context, { bucket });
  await left.write(pod('a', { role: 'left' }));
  await right.write(pod('a', { role: 'right' }));
  assert.equal((await left.read('a'))?.role, 'left');
  assert.equal((await right.read('a'))?.role, 'right');
  assert.is(await plain.read('a'), null);
  assert.equal(await left.listNames(), ['a']);
  assert.equal(await plain.listNames(), []);
  assert.match(left.keyOf('a'), /^team=20one\.pod\.a$/);
});

test('should land all of 60 concurrent addPeer calls made through three connections', async (context) => {
  const bucket = `t${++context.buckets}`;
  const { store } = await fresh(context, { bucket });
  await store.write(pod('hub'));
  const others = await Promise.all([1, 2].map(() => createNatsKvPodStore({ servers: context.server!.url, bucket })));
  context.stores.push(...others);
  const all = [store, ...others];
  const peers = Array.from({ length: 60 }, (_, i) => `peer-${String(i).padStart(2, '0')}`);
  const results = await Promise.all(peers.map((peer, i) => all[i % 3]!.addPeer('hub', peer)));
  assert.ok(results.every(Boolean));
  assert.equal((await store.read('hub'))?.peers, peers);
});

test('should reject invalid names in every method before any request', async (context) => {
  const { store } = await fresh(context);
  for (const bad of INVALID_NAMES) {
    for (const attempt of [store.read(bad), store.write(pod(bad)), store.update(bad, (r) => r), store.addPeer(bad, 'ok'), store.delete(bad)]) {
      await rejects(attempt, InvalidPodNameError);
    }
    assert.throws(() => store.keyOf(bad), (error: unknown) => error instanceof InvalidPodNameError);
  }
  await rejects(store.update('ghost', (r) => r), StateMissingError);
});

kvStore.run();

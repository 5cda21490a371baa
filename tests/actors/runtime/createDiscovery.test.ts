import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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
  MissingPodError,
  NotVisibleError,
  SelfPeerError,
  StateMissingError,
  type PodMetadataStore,
  type PodRuntime,
} from '../../../src/index.js';
import { spyStore } from '../../support/spyStore.js';
import { INVALID_NAMES, rejects } from '../../support/assertions.js';

async function pair(store: PodMetadataStore, orchestratorPeers: string[] = [], companionPeers: string[] = []): Promise<void> {
  await store.write({ name: 'yoi', role: 'companion', peers: companionPeers, spawnedChildren: [] });
  await store.write({ name: 'yoi-orchestrator', role: 'orchestrator', peers: orchestratorPeers, spawnedChildren: [] });
}

const ensure = suite('discovery.ensureExistingPeer');
let runtime: PodRuntime | undefined;
let dir: string | undefined;
ensure.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

ensure('should persist the reciprocal relation in both records on disk', async () => {
  dir = await mkdtemp(join(tmpdir(), 'podmesh-discovery-'));
  const store = createFsPodStore(join(dir, 'pods'));
  await pair(store);
  runtime = createPodRuntime({ store });
  const relation = await runtime.discovery('yoi-orchestrator').ensureExistingPeer('yoi');
  assert.equal(relation, { source: 'yoi-orchestrator', peer: 'yoi' });
  const fresh = createFsPodStore(join(dir, 'pods'));
  assert.equal((await fresh.read('yoi'))?.peers, ['yoi-orchestrator']);
  assert.equal((await fresh.read('yoi-orchestrator'))?.peers, ['yoi']);
  const raw = JSON.parse(await readFile(join(dir, 'pods', 'yoi', 'metadata.json'), 'utf8')) as { peers: string[] };
  assert.equal(raw.peers, ['yoi-orchestrator']);
});

ensure('should reject self as a peer and a missing self record', async () => {
  const store = createMemoryPodStore();
  await pair(store);
  runtime = createPodRuntime({ store });
  await rejects(runtime.discovery('yoi').ensureExistingPeer('yoi'), SelfPeerError, 'self-peer');
  await rejects(runtime.discovery('nobody').ensureExistingPeer('yoi'), StateMissingError, 'state-missing');
});

ensure('should return null for a missing peer and write nothing; registerPeer throws MissingPodError', async () => {
  const store = spyStore(createMemoryPodStore());
  await pair(store);
  store.writes.length = 0;
  runtime = createPodRuntime({ store });
  assert.is(await runtime.discovery('yoi-orchestrator').ensureExistingPeer('ghost'), null);
  await rejects(runtime.discovery('yoi-orchestrator').registerPeer('ghost'), MissingPodError, 'missing-pod');
  assert.equal(store.writes, []);
  assert.equal((await store.read('yoi-orchestrator'))?.peers, []);
});

ensure('should reject invalid names without creating any file', async () => {
  dir = await mkdtemp(join(tmpdir(), 'podmesh-discovery-'));
  const store = createFsPodStore(join(dir, 'pods'));
  await pair(store);
  runtime = createPodRuntime({ store });
  const view = runtime.discovery('yoi-orchestrator');
  for (const name of INVALID_NAMES) {
    await rejects(view.ensureExistingPeer(name), InvalidPodNameError, 'invalid-pod-name');
    await rejects(view.registerPeer(name), InvalidPodNameError, 'invalid-pod-name');
    await rejects(view.inspect(name), InvalidPodNameError, 'invalid-pod-name');
    assert.throws(() => runtime!.discovery(name), (error: unknown) => error instanceof InvalidPodNameError);
  }
  assert.equal((await readdir(dir)).sort(), ['pods']);
  assert.equal((await readdir(join(dir, 'pods'))).sort(), ['yoi', 'yoi-orchestrator']);
  assert.equal((await store.read('yoi-orchestrator'))?.peers, []);
});

ensure('should repair a one-directional relation in either direction', async () => {
  for (const [orchestratorPeers, companionPeers] of [
    [['yoi'], []],
    [[], ['yoi-orchestrator']],
  ] as const) {
    const store = spyStore(createMemoryPodStore());
    await pair(store, [...orchestratorPeers], [...companionPeers]);
    store.writes.length = 0;
    const rt = createPodRuntime({ store });
    await rt.discovery('yoi-orchestrator').ensureExistingPeer('yoi');
    assert.equal((await store.read('yoi'))?.peers, ['yoi-orchestrator']);
    assert.equal((await store.read('yoi-orchestrator'))?.peers, ['yoi']);
    assert.is(store.writes.length, 1, 'only the missing side is written');
    await rt.stop();
  }
});

ensure('should write nothing when both sides already hold each other', async () => {
  const store = spyStore(createMemoryPodStore());
  await pair(store, ['yoi'], ['yoi-orchestrator']);
  store.writes.length = 0;
  runtime = createPodRuntime({ store });
  await runtime.discovery('yoi-orchestrator').ensureExistingPeer('yoi');
  assert.equal(store.writes, []);
});

ensure('should leave the source peer list exactly as before when the reciprocal write fails', async () => {
  const store = spyStore(createMemoryPodStore(), { fail: { addPeer: ['yoi'], update: ['yoi'] } });
  await pair(store, ['alpha', 'zeta']);
  await store.write({ name: 'alpha', peers: [], spawnedChildren: [] });
  runtime = createPodRuntime({ store });
  await rejects(runtime.discovery('yoi-orchestrator').ensureExistingPeer('yoi'), Error);
  assert.equal((await store.read('yoi-orchestrator'))?.peers, ['alpha', 'zeta']);
  assert.equal((await store.read('yoi-orchestrator'))?.pendingPeers, undefined, 'the mark of the relation was taken back');
  assert.equal((await store.read('yoi'))?.peers, []);
});

ensure('should keep a relation that existed on the source side when the reciprocal write fails', async () => {
  const store = spyStore(createMemoryPodStore(), { fail: { addPeer: ['yoi'], update: ['yoi'] } });
  await pair(store, ['yoi']);
  store.writes.length = 0;
  runtime = createPodRuntime({ store });
  await rejects(runtime.discovery('yoi-orchestrator').ensureExistingPeer('yoi'), Error);
  assert.equal((await store.read('yoi-orchestrator'))?.peers, ['yoi']);
  assert.equal(store.writes, [], 'nothing was added, so nothing was undone');
});

ensure('should fail with CorruptMetadataError on a corrupt peer record and rewrite nothing', async () => {
  const memory = createMemoryPodStore();
  const store = spyStore(memory);
  await pair(store);
  await memory.writeRaw('yoi', '{"name":"yoi","peers":"oops"');
  store.writes.length = 0;
  runtime = createPodRuntime({ store });
  await rejects(runtime.discovery('yoi-orchestrator').ensureExistingPeer('yoi'), CorruptMetadataError, 'corrupt-metadata');
  assert.equal(store.writes, []);
  await rejects(store.read('yoi'), CorruptMetadataError);
});

ensure('should not lose concurrent ensures of different peers on one source', async () => {
  const store = createMemoryPodStore();
  await store.write({ name: 'hub', peers: [], spawnedChildren: [] });
  const names = Array.from({ length: 20 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  for (const name of names) await store.write({ name, peers: [], spawnedChildren: [] });
  runtime = createPodRuntime({ store });
  const view = runtime.discovery('hub');
  await Promise.all(names.map((name) => view.ensureExistingPeer(name)));
  assert.equal((await store.read('hub'))?.peers, names);
});

ensure.run();

const inspect = suite('discovery.inspect and listVisible');
inspect.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
});

inspect('should describe visible pods with role, visibility and liveness', async () => {
  const store = createMemoryPodStore();
  runtime = createPodRuntime({ store });
  await runtime.spawnPod({ name: 'boss', role: 'orchestrator' });
  await runtime.spawnPod({ name: 'kid', role: 'coder', parent: 'boss' });
  await store.write({ name: 'friend', role: 'companion', peers: ['boss'], spawnedChildren: [] });
  await store.addPeer('boss', 'friend');
  const view = runtime.discovery('boss');
  assert.equal(await view.inspect('boss'), { name: 'boss', role: 'orchestrator', visibility: 'self', live: { status: 'live', activity: 'idle' } });
  assert.equal(await view.inspect('kid'), { name: 'kid', role: 'coder', visibility: 'spawned-child', live: { status: 'live', activity: 'idle' } });
  assert.equal(await view.inspect('friend'), { name: 'friend', role: 'companion', visibility: 'peer', live: { status: 'stopped' } });
});

inspect('should throw StateMissingError, NotVisibleError and CorruptMetadataError in that order', async () => {
  const store = createMemoryPodStore();
  await store.write({ name: 'me', peers: ['bad'], spawnedChildren: [] });
  await store.write({ name: 'stranger', peers: ['me'], spawnedChildren: [] });
  await store.writeRaw('bad', 'not json');
  await store.writeRaw('hidden-bad', 'not json');
  runtime = createPodRuntime({ store });
  const view = runtime.discovery('me');
  await rejects(view.inspect('ghost'), StateMissingError, 'state-missing');
  await rejects(view.inspect('stranger'), NotVisibleError, 'not-visible');
  await rejects(view.inspect('hidden-bad'), NotVisibleError, 'not-visible');
  await rejects(view.inspect('bad'), CorruptMetadataError, 'corrupt-metadata');
});

inspect('should see only itself when its own record is missing, and fail visibility when it is corrupt', async () => {
  const store = createMemoryPodStore();
  await store.write({ name: 'other', peers: ['lost'], spawnedChildren: [] });
  await store.writeRaw('broken', '[]');
  runtime = createPodRuntime({ store });
  await rejects(runtime.discovery('lost').inspect('other'), NotVisibleError);
  await rejects(runtime.discovery('lost').inspect('lost'), StateMissingError);
  await rejects(runtime.discovery('broken').inspect('other'), CorruptMetadataError);
  assert.equal(await runtime.discovery('lost').listVisible(), [{ name: 'lost', visibility: 'self', state: 'missing' }]);
  assert.equal(await runtime.discovery('broken').listVisible(), [{ name: 'broken', visibility: 'self', state: 'corrupt' }]);
});

inspect('should list visible pods sorted, reporting missing and corrupt records on their items', async () => {
  const store = createMemoryPodStore();
  runtime = createPodRuntime({ store });
  await store.write({ name: 'me', peers: ['b-corrupt', 'c-gone', 'kid'], spawnedChildren: ['kid'] });
  await store.write({ name: 'kid', peers: [], spawnedChildren: [] });
  await store.writeRaw('b-corrupt', '{"name":"someone-else","peers":[],"spawnedChildren":[]}');
  await store.write({ name: 'not-mine', peers: ['me'], spawnedChildren: [] });
  await runtime.spawnPod({ name: 'kid' });
  const items = await runtime.discovery('me').listVisible();
  assert.equal(items, [
    { name: 'b-corrupt', visibility: 'peer', state: 'corrupt' },
    { name: 'c-gone', visibility: 'peer', state: 'missing' },
    { name: 'kid', visibility: 'spawned-child', state: 'readable', live: { status: 'live', activity: 'idle' } },
    { name: 'me', visibility: 'self', state: 'readable', live: { status: 'stopped' } },
  ]);
});

inspect.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromPromise, setup, type AnyActorRef, type InspectionEvent } from 'xstate';
import {
  createMemoryPodStore,
  createPodRuntime,
  CorruptMetadataError,
  InvalidPodNameError,
  MissingPodError,
  RuntimeStoppedError,
  type PodRuntime,
  type TurnArgs,
} from '../../../src/index.js';
import { rejects } from '../../support/assertions.js';

let runtime: PodRuntime | undefined;
const spawn = suite('runtime.spawnPod');
spawn.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
});

spawn('should create the record and start the pod live.idle', async () => {
  const store = createMemoryPodStore();
  runtime = createPodRuntime({ store });
  const pod = await runtime.spawnPod({ name: 'coder', role: 'coder', workspaceRoot: '/w' });
  assert.is(pod.status, 'live');
  assert.is(pod.activity, 'idle');
  assert.equal(await store.read('coder'), { name: 'coder', role: 'coder', workspaceRoot: '/w', peers: [], spawnedChildren: [] });
  assert.is(runtime.pod('coder')?.name, 'coder');
  assert.is(runtime.pod('other'), undefined);
});

spawn('should keep an existing record, updating only role and workspaceRoot when given', async () => {
  const store = createMemoryPodStore();
  await store.write({ name: 'coder', role: 'old', peers: ['x'], spawnedChildren: ['y'], custom: { keep: true } });
  runtime = createPodRuntime({ store });
  await runtime.spawnPod({ name: 'coder' });
  assert.equal(await store.read('coder'), { name: 'coder', role: 'old', peers: ['x'], spawnedChildren: ['y'], custom: { keep: true } });
  await runtime.spawnPod({ name: 'coder', role: 'new' });
  assert.equal(await store.read('coder'), { name: 'coder', role: 'new', peers: ['x'], spawnedChildren: ['y'], custom: { keep: true } });
});

spawn('should return the running pod, and start it again if it was stopped', async () => {
  runtime = createPodRuntime();
  const first = await runtime.spawnPod({ name: 'p' });
  first.stop();
  assert.is(first.status, 'stopped');
  const second = await runtime.spawnPod({ name: 'p' });
  assert.is(second.actor, first.actor);
  assert.is(second.status, 'live');
});

spawn('should record spawned children on the parent, and refuse a parent without a record', async () => {
  const store = createMemoryPodStore();
  runtime = createPodRuntime({ store });
  await runtime.spawnPod({ name: 'boss' });
  await runtime.spawnPod({ name: 'kid', parent: 'boss' });
  await runtime.spawnPod({ name: 'kid', parent: 'boss' });
  assert.equal((await store.read('boss'))?.spawnedChildren, ['kid']);
  await rejects(runtime.spawnPod({ name: 'orphan', parent: 'ghost' }), MissingPodError);
  assert.is(await store.read('orphan'), null, 'nothing written for a refused spawn');
});

spawn('should refuse invalid names and corrupt records without writing', async () => {
  const store = createMemoryPodStore();
  await store.writeRaw('broken', '{');
  runtime = createPodRuntime({ store });
  for (const name of ['', '.', '..', 'a/b', '../x', 'a\u0000b', 'a\nb']) {
    await rejects(runtime.spawnPod({ name }), InvalidPodNameError);
    assert.throws(() => runtime!.pod(name), (error: unknown) => error instanceof InvalidPodNameError);
  }
  await rejects(runtime.spawnPod({ name: 'broken' }), CorruptMetadataError);
  await rejects(store.read('broken'), CorruptMetadataError);
  assert.equal(await store.listNames(), ['broken']);
});

spawn('should refuse work after stop', async () => {
  runtime = createPodRuntime();
  await runtime.stop();
  await rejects(runtime.spawnPod({ name: 'late' }), RuntimeStoppedError);
  await rejects(runtime.discovery('late').ensureExistingPeer('other'), RuntimeStoppedError);
});

spawn.run();

const handle = suite('pod handle and turns');
handle.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
});

handle('should call the turn handler with the pod, input, drained notices and a signal', async () => {
  const calls: TurnArgs[] = [];
  runtime = createPodRuntime({ turn: (args) => void calls.push(args) });
  const pod = await runtime.spawnPod({ name: 'p' });
  await runtime.spawnPod({ name: 'q' });
  await runtime.store.addPeer('q', 'p');
  await runtime.store.addPeer('p', 'q');
  await runtime.discovery('q').sendWeakNotifyToLivePeer('p', 'hello');
  pod.run({ task: 'go' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(calls.length, 1);
  assert.is(calls[0]!.pod.name, 'p');
  assert.equal(calls[0]!.input, { task: 'go' });
  assert.equal(calls[0]!.notices, ['[Notification]\nhello']);
  assert.instance(calls[0]!.signal, AbortSignal);
  assert.equal(pod.history().map((h) => h.notices), [['[Notification]\nhello']]);
  assert.equal(pod.pendingNotices(), []);
});

handle('should abort the signal of a running turn on stop and requeue its notices', async () => {
  let signal: AbortSignal | undefined;
  runtime = createPodRuntime({
    turn: (args) =>
      new Promise<void>((resolve) => {
        signal = args.signal;
        args.signal.addEventListener('abort', () => resolve());
      }),
  });
  const pod = await runtime.spawnPod({ name: 'p' });
  await runtime.spawnPod({ name: 'q' });
  await runtime.discovery('q').registerPeer('p');
  await runtime.discovery('q').sendWeakNotifyToLivePeer('p', 'one');
  pod.run();
  assert.is(pod.activity, 'running');
  pod.stop();
  assert.ok(signal?.aborted);
  assert.is(pod.status, 'stopped');
  assert.is(pod.activity, undefined);
  assert.equal(pod.pendingNotices(), ['[Notification]\none']);
  pod.start();
  assert.equal(pod.pendingNotices(), ['[Notification]\none']);
});

handle('should record a warn diagnostic when the buffer overflows', async () => {
  runtime = createPodRuntime({ notifyBufferSize: 2 });
  await runtime.spawnPod({ name: 'p' });
  await runtime.spawnPod({ name: 'q' });
  await runtime.discovery('q').registerPeer('p');
  for (const m of ['a', 'b', 'c']) await runtime.discovery('q').sendWeakNotifyToLivePeer('p', m);
  assert.equal(runtime.pod('p')!.pendingNotices(), ['[Notification]\nb', '[Notification]\nc']);
  const warns = runtime.diagnostics.recent().filter((r) => r.scope === 'pod' && r.level === 'warn');
  assert.is(warns.length, 1);
  assert.is(warns[0]!.fields.pod, 'p');
});

handle('should record a warn diagnostic for a failing turn without its stack', async () => {
  runtime = createPodRuntime({
    turn: () => {
      throw new Error('model down');
    },
  });
  const pod = await runtime.spawnPod({ name: 'p' });
  pod.run();
  await new Promise((resolve) => setImmediate(resolve));
  const record = runtime.diagnostics.recent().find((r) => r.scope === 'pod');
  assert.is(record?.fields.error, 'model down');
  assert.is(pod.activity, 'idle');
});

handle('should stop every pod actor and abort running turns when the runtime stops', async () => {
  let signal: AbortSignal | undefined;
  runtime = createPodRuntime({ turn: (args) => new Promise<void>(() => void (signal = args.signal)) });
  await runtime.spawnPods([{ name: 'a' }, { name: 'b' }, { name: 'c', parent: 'a' }]);
  const pods = ['a', 'b', 'c'].map((name) => runtime!.pod(name)!);
  assert.equal((await runtime.store.read('a'))?.spawnedChildren, ['c']);
  pods[0]!.run();
  await new Promise((resolve) => setImmediate(resolve));
  await runtime.stop();
  assert.ok(signal?.aborted);
  assert.equal(pods.map((p) => p.actor.getSnapshot().status), ['stopped', 'stopped', 'stopped']);
  assert.is(runtime.actor.getSnapshot().status, 'stopped');
});

handle('should disconnect to unreachable and come back with reconnect or start', async () => {
  runtime = createPodRuntime();
  const pod = await runtime.spawnPod({ name: 'p' });
  pod.disconnect('ETIMEDOUT');
  assert.is(pod.status, 'unreachable');
  pod.reconnect();
  assert.is(pod.status, 'live');
  pod.disconnect();
  pod.start();
  assert.is(pod.activity, 'idle');
});

handle('should put every actor in one system that the inspect observer sees', async () => {
  const actors = new Set<string>();
  runtime = createPodRuntime({ inspect: (event: InspectionEvent) => void (event.type === '@xstate.actor' && actors.add((event.actorRef as AnyActorRef).id)) });
  await runtime.spawnPod({ name: 'p' });
  assert.ok(actors.has('discovery'));
  assert.ok(actors.has('p'));
  assert.is(runtime.pod('p')!.actor.id, 'p', 'the actor id is the pod name');
  assert.is(runtime.pod('p')!.actor._parent, runtime.actor, 'a pod is a member of the root actor system');
});

handle.run();

const members = suite('runtime.startActor and stop');
members.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
});

members('should start an actor beside the pods, stop it on request, and stop the rest with the runtime', async () => {
  runtime = createPodRuntime();
  const counter = setup({}).createMachine({ id: 'counter', initial: 'on', states: { on: {} } });
  const first = runtime.startActor(counter, { id: 'first', systemId: 'first' });
  const second = runtime.startActor(counter, { id: 'second' });
  assert.is(runtime.actor.system.get('first'), first, 'registered under its system id');
  assert.is(first._parent, runtime.actor, 'a member of the root actor system');
  runtime.stopActor(first);
  assert.is(first.getSnapshot().status, 'stopped');
  assert.is(second.getSnapshot().status, 'active');
  await runtime.stop();
  assert.is(second.getSnapshot().status, 'stopped');
  assert.throws(() => runtime!.startActor(counter), (error: unknown) => error instanceof RuntimeStoppedError);
});

members('should keep running when a member fails, with a warn diagnostic naming it', async () => {
  runtime = createPodRuntime();
  const failing = fromPromise(async () => {
    throw new Error('model quota exhausted');
  });
  runtime.startActor(failing, { id: 'broken' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(runtime.actor.getSnapshot().status, 'active', 'the root survives');
  await runtime.spawnPod({ name: 'a' });
  await runtime.spawnPod({ name: 'b' });
  assert.equal(await runtime.discovery('a').ensureExistingPeer('b'), { source: 'a', peer: 'b' }, 'discovery still answers');
  const warn = runtime.diagnostics.recent().find((r) => r.scope === 'runtime');
  assert.equal(warn?.fields, { actor: 'broken', error: 'model quota exhausted' });
  assert.is(warn?.level, 'warn');
});

members('should reject an ensure still running when the runtime stops', async () => {
  const store = createMemoryPodStore();
  runtime = createPodRuntime({ store });
  await runtime.spawnPod({ name: 'a' });
  await runtime.spawnPod({ name: 'b' });
  // Hold the ensure inside its read of b.
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const read = store.read;
  store.read = (name) => (name === 'b' ? (entered(), new Promise(() => undefined)) : read(name));
  const pending = runtime.discovery('a').ensureExistingPeer('b');
  await inside;
  await runtime.stop();
  await rejects(pending, RuntimeStoppedError);
});

members.run();

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore, createMemoryPodStore, createPodRuntime, MissingPodError, type PodMetadataStore, type PodRuntime } from '../../../src/index.js';
import { pod, rejects } from '../../support/assertions.js';

const parent = suite('spawnPod({ parent }) (docs/behaviour.md §3)');
let runtime: PodRuntime | undefined;
let dir: string | undefined;
parent.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const fsStore = async (): Promise<PodMetadataStore> => {
  dir = await mkdtemp(join(tmpdir(), 'podmesh-parent-'));
  return createFsPodStore(join(dir, 'pods'));
};

parent('should record the child in the parent on disk, once, keeping the parent record (file store)', async () => {
  const store = await fsStore();
  await store.write(pod('boss', { role: 'orchestrator', peers: ['x'], spawnedChildren: ['older'], custom: { keep: 1 } }));
  runtime = createPodRuntime({ store });
  await runtime.spawnPod({ name: 'kid', parent: 'boss' });
  await runtime.spawnPod({ name: 'kid', parent: 'boss' });
  runtime.pod('kid')!.stop();
  await runtime.spawnPod({ name: 'kid', parent: 'boss' });
  const fresh = createFsPodStore(join(dir!, 'pods'));
  assert.equal(await fresh.read('boss'), pod('boss', { role: 'orchestrator', peers: ['x'], spawnedChildren: ['older', 'kid'], custom: { keep: 1 } }));
  assert.equal(await fresh.read('kid'), pod('kid'));
  assert.is((await runtime.discovery('boss').inspect('kid')).visibility, 'spawned-child');
});

parent('should refuse a parent without a record and write nothing (file store)', async () => {
  const store = await fsStore();
  runtime = createPodRuntime({ store });
  await rejects(runtime.spawnPod({ name: 'kid', parent: 'ghost' }), MissingPodError, 'missing-pod');
  assert.equal(await store.listNames(), []);
  assert.equal(await readdir(join(dir!, 'pods')).catch(() => []), []);
  assert.is(runtime.pod('kid'), undefined, 'not started');
});

parent('should answer MissingPodError when the parent goes between its check and its update', async () => {
  const inner = createMemoryPodStore();
  await inner.write(pod('boss'));
  // The parent's record is deleted by someone else right after the child's record is written.
  const store: PodMetadataStore = {
    ...inner,
    read: (name) => inner.read(name),
    async write(record) {
      await inner.write(record);
      if (record.name === 'kid') await inner.delete('boss');
    },
  };
  runtime = createPodRuntime({ store });
  await rejects(runtime.spawnPod({ name: 'kid', parent: 'boss' }), MissingPodError, 'missing-pod');
  assert.is(runtime.pod('kid'), undefined, 'not started');
});

parent.run();

import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore } from '../../../src/actors/stores/createFsPodStore.js';
import { writeFileAtomic } from '../../../src/actors/stores/writeFileAtomic.js';
import { CorruptMetadataError, InvalidPodNameError, StateMissingError } from '../../../src/core/errors.js';
import type { PodMetadata } from '../../../src/core/types.js';
import { INVALID_NAMES, pod, rejection, rejects } from '../../support/assertions.js';

interface Context {
  outer: string;
  root: string;
}

const fsStore = suite<Context>('createFsPodStore', { outer: '', root: '' });

fsStore.before.each(async (context) => {
  context.outer = await mkdtemp(join(tmpdir(), 'podmesh-fs-store-'));
  context.root = join(context.outer, 'pods');
});

fsStore.after.each(async (context) => {
  await rm(context.outer, { recursive: true, force: true });
});

/** Every path under `dir` (recursively, sorted), with file contents. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name).slice(dir.length);
    out.push(entry.isFile() ? `${path} = ${await readFile(join(dir, path), 'utf8')}` : `${path}/`);
  }
  return out.sort();
}

fsStore('should round trip a record through the disk to a new store instance', async ({ root }) => {
  const store = createFsPodStore(root);
  assert.is(await store.read('a'), null, 'the folder does not even exist yet');
  await store.write(pod('a', { role: 'coder', workspaceRoot: '/w', peers: ['c', 'b', 'c'], spawnedChildren: ['k', 'k'] }));
  const expected = pod('a', { role: 'coder', workspaceRoot: '/w', peers: ['b', 'c'], spawnedChildren: ['k'] });
  const reread = await createFsPodStore(root).read('a');
  assert.equal(reread, expected);
  assert.ok(Object.isFrozen(reread));
  const text = await readFile(join(root, 'a', 'metadata.json'), 'utf8');
  assert.is(text, `${JSON.stringify(expected, null, 2)}\n`);
});

fsStore('should preserve unknown fields on rewrite', async ({ root }) => {
  await mkdir(join(root, 'a'), { recursive: true });
  const stored = { name: 'a', peers: [], spawnedChildren: [], future: { x: [1, 2] }, flag: false };
  await writeFile(join(root, 'a', 'metadata.json'), JSON.stringify(stored));
  const store = createFsPodStore(root);
  assert.is(await store.addPeer('a', 'b'), true);
  await store.update('a', (record) => ({ ...record, role: 'intake' }));
  assert.equal(await createFsPodStore(root).read('a'), { ...stored, peers: ['b'], role: 'intake' });
});

fsStore('should not write when addPeer, removePeer, setPeers or update change nothing', async ({ root }) => {
  const store = createFsPodStore(root);
  await store.write(pod('a', { peers: ['b', 'c'] }));
  const file = join(root, 'a', 'metadata.json');
  const before = await stat(file, { bigint: true });
  const text = await readFile(file, 'utf8');
  assert.is(await store.addPeer('a', 'b'), false);
  assert.is(await store.removePeer('a', 'x'), false);
  await store.setPeers('a', ['c', 'b', 'c']);
  await store.update('a', (record) => record);
  const after = await stat(file, { bigint: true });
  assert.is(after.ino, before.ino, 'a rename would give a new inode');
  assert.is(after.mtimeNs, before.mtimeNs);
  assert.is(await readFile(file, 'utf8'), text);
  assert.equal(await readdir(join(root, 'a')), ['metadata.json']);
  assert.is(await store.removePeer('a', 'b'), true);
  assert.equal((await store.read('a'))?.peers, ['c']);
  assert.equal(await readdir(join(root, 'a')), ['metadata.json'], 'no temp file left');
});

fsStore('should land all of 50 concurrent addPeer calls made through two store instances', async ({ root }) => {
  const one = createFsPodStore(root);
  const two = createFsPodStore(join(root, '..', 'pods'));
  await one.write(pod('hub', { spawnedChildren: ['kid'] }));
  const peers = Array.from({ length: 50 }, (_, i) => `peer-${String(i).padStart(2, '0')}`);
  const results = await Promise.all(peers.map((peer, i) => (i % 2 === 0 ? one : two).addPeer('hub', peer)));
  assert.ok(results.every(Boolean));
  assert.equal(await createFsPodStore(root).read('hub'), pod('hub', { peers, spawnedChildren: ['kid'] }));
  assert.equal(await readdir(join(root, 'hub')), ['metadata.json']);
});

fsStore('should throw StateMissingError when updating a missing record and create nothing', async ({ root }) => {
  const store = createFsPodStore(root);
  await rejects(store.update('a', (record) => record), StateMissingError);
  await rejects(store.addPeer('a', 'b'), StateMissingError);
  await rejects(store.setPeers('a', []), StateMissingError);
  await rejects(stat(root), Error);
});

fsStore('should reject an update result with another name or bad names', async ({ root }) => {
  const store = createFsPodStore(root);
  await store.write(pod('a'));
  const text = await readFile(join(root, 'a', 'metadata.json'), 'utf8');
  await rejects(store.update('a', (record) => ({ ...record, name: 'b' })), TypeError);
  await rejects(store.update('a', (record) => ({ ...record, spawnedChildren: ['a/b'] })), InvalidPodNameError);
  assert.is(await readFile(join(root, 'a', 'metadata.json'), 'utf8'), text);
  assert.equal(await store.listNames(), ['a']);
});

fsStore('should read corrupt records as CorruptMetadataError and leave them byte-identical', async ({ root }) => {
  const corrupt: Record<string, string | Buffer> = {
    json: '{"name":"json","token":"hunter2",',
    empty: '',
    wrongname: JSON.stringify(pod('other')),
    peersobj: JSON.stringify({ name: 'peersobj', peers: 'b', spawnedChildren: [] }),
    badpeer: JSON.stringify({ name: 'badpeer', peers: ['../x'], spawnedChildren: [] }),
    nochildren: JSON.stringify({ name: 'nochildren', peers: [] }),
    role: JSON.stringify({ name: 'role', role: 7, peers: [], spawnedChildren: [] }),
    array: '[]',
    binary: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
  };
  for (const [name, content] of Object.entries(corrupt)) {
    await mkdir(join(root, name), { recursive: true });
    await writeFile(join(root, name, 'metadata.json'), content);
  }
  const before = await tree(root);
  const store = createFsPodStore(root);
  for (const name of Object.keys(corrupt)) {
    const error = await rejection(store.read(name));
    assert.instance(error, CorruptMetadataError, name);
    assert.is((error as CorruptMetadataError).pod, name);
    assert.not.match((error as Error).message, 'hunter2');
    await rejects(store.update(name, (record) => ({ ...record, role: 'x' })), CorruptMetadataError);
    await rejects(store.addPeer(name, 'b'), CorruptMetadataError);
    await rejects(store.removePeer(name, 'b'), CorruptMetadataError);
    await rejects(store.setPeers(name, ['b']), CorruptMetadataError);
    await rejects(store.read(name), CorruptMetadataError);
  }
  assert.equal(await tree(root), before, 'every file is byte-identical and no temp file is left');
  assert.equal(await store.listNames(), Object.keys(corrupt).sort());
});

fsStore('should read a metadata.json that is a folder as corrupt', async ({ root }) => {
  await mkdir(join(root, 'a', 'metadata.json'), { recursive: true });
  await rejects(createFsPodStore(root).read('a'), CorruptMetadataError);
});

fsStore('should reject invalid names in every method and create no file or folder anywhere', async ({ outer, root }) => {
  const store = createFsPodStore(root);
  await store.write(pod('ok', { peers: ['p'] }));
  const before = await tree(outer);
  for (const bad of INVALID_NAMES) {
    const attempts: Promise<unknown>[] = [
      store.read(bad),
      store.write(pod(bad)),
      store.write(pod('ok', { peers: [bad] })),
      store.write(pod('ok', { spawnedChildren: [bad] })),
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
  assert.equal(await tree(outer), before);
  assert.equal(await store.listNames(), ['ok']);
});

fsStore('should list only folders with a metadata.json and a valid name, sorted', async ({ root }) => {
  const store = createFsPodStore(root);
  assert.equal(await store.listNames(), [], 'a missing root lists nothing');
  await store.write(pod('b'));
  await store.write(pod('B'));
  await store.write(pod('a.b'));
  await writeFile(join(root, 'stray.json'), '{}');
  await writeFile(join(root, '.metadata.json.1.1.tmp'), '');
  await mkdir(join(root, 'empty'));
  await mkdir(join(root, 'other'));
  await writeFile(join(root, 'other', '.metadata.json.12.3.tmp'), '{}');
  await mkdir(join(root, ' padded'));
  await writeFile(join(root, ' padded', 'metadata.json'), JSON.stringify(pod(' padded')));
  assert.equal(await store.listNames(), ['B', 'a.b', 'b']);
});

fsStore('should delete a record and its folder, keeping a folder that holds other files', async ({ root }) => {
  const store = createFsPodStore(root);
  await store.write(pod('a'));
  await store.write(pod('b'));
  await writeFile(join(root, 'b', 'notes.txt'), 'keep');
  assert.is(await store.delete('a'), true);
  assert.is(await store.delete('a'), false);
  assert.is(await store.delete('never'), false);
  assert.is(await store.read('a'), null);
  assert.is(await store.delete('b'), true);
  assert.equal(await readdir(root), ['b']);
  assert.equal(await readdir(join(root, 'b')), ['notes.txt']);
  assert.equal(await store.listNames(), []);
});

fsStore('writeFileAtomic should replace a file and leave no temp file', async ({ outer }) => {
  const file = join(outer, 'data.json');
  await writeFileAtomic(file, 'one');
  await writeFileAtomic(file, new TextEncoder().encode('two'));
  assert.is(await readFile(file, 'utf8'), 'two');
  assert.equal(await readdir(outer), ['data.json']);
});

fsStore('writeFileAtomic should keep the old content and remove the temp file when the data write fails', async ({ outer }) => {
  const file = join(outer, 'data.json');
  await writeFileAtomic(file, 'old');
  await rejects(writeFileAtomic(file, 42 as unknown as string), TypeError);
  assert.is(await readFile(file, 'utf8'), 'old');
  assert.equal(await readdir(outer), ['data.json']);
});

fsStore('writeFileAtomic should remove the temp file when the rename fails', async ({ outer }) => {
  const target = join(outer, 'target');
  await mkdir(join(target, 'inside'), { recursive: true });
  await rejects(writeFileAtomic(target, 'new'), Error);
  assert.equal(await readdir(outer), ['target']);
  assert.equal(await readdir(target), ['inside']);
});

fsStore('writeFileAtomic should fail and create nothing when the folder is a file', async ({ outer }) => {
  await writeFile(join(outer, 'plain'), 'old');
  await rejects(writeFileAtomic(join(outer, 'plain', 'metadata.json'), 'new'), Error);
  assert.is(await readFile(join(outer, 'plain'), 'utf8'), 'old');
  assert.equal(await readdir(outer), ['plain']);
});

fsStore('should fail a write when the pod folder is a file, keeping that file', async ({ root }) => {
  await mkdir(root);
  await writeFile(join(root, 'a'), 'not a folder');
  const store = createFsPodStore(root);
  assert.is(await store.read('a'), null);
  await rejects(store.write(pod('a')), Error);
  assert.is(await readFile(join(root, 'a'), 'utf8'), 'not a folder');
  assert.equal(await readdir(root), ['a']);
});

fsStore.run();

import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore } from '../../../src/actors/stores/createFsPodStore.js';
import { CorruptMetadataError } from '../../../src/core/errors.js';
import { createTicketFolder, writeTicketFile } from '../../../src/tickets/ticketFiles.js';
import { pod, rejection, rejects } from '../../support/assertions.js';

interface Context {
  outer: string;
  umask: number;
}

const trust = suite<Context>('createFsPodStore permissions and links', { outer: '', umask: 0 });

trust.before.each(async (context) => {
  context.outer = await mkdtemp(join(tmpdir(), 'podmesh-fs-trust-'));
  // The usual umask, under which mkdir and open without a mode give 0755 and 0644.
  context.umask = process.umask(0o022);
});

trust.after.each(async (context) => {
  process.umask(context.umask);
  await rm(context.outer, { recursive: true, force: true });
});

const modeOf = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

const TICKET = '0123456789ABCDEF';

trust('should create the home, pods/ and pod folders 0700 and records 0600 under a umask of 022', async ({ outer }) => {
  const home = join(outer, 'home');
  const store = createFsPodStore(join(home, 'pods'));
  await store.write(pod('a'));
  await store.addPeer('a', 'b');
  for (const folder of [home, join(home, 'pods'), join(home, 'pods', 'a')]) assert.is(await modeOf(folder), '700', folder);
  assert.is(await modeOf(join(home, 'pods', 'a', 'metadata.json')), '600');
});

trust('should make a record 0600 when it replaces one that was 0644', async ({ outer }) => {
  const root = join(outer, 'pods');
  await mkdir(join(root, 'a'), { recursive: true });
  await writeFile(join(root, 'a', 'metadata.json'), JSON.stringify(pod('a')));
  assert.is(await modeOf(join(root, 'a', 'metadata.json')), '644');
  await createFsPodStore(root).addPeer('a', 'b');
  assert.is(await modeOf(join(root, 'a', 'metadata.json')), '600');
});

trust('should never change the mode of a folder it did not create', async ({ outer }) => {
  const shared = join(outer, 'shared');
  await mkdir(shared);
  await chmod(shared, 0o1777);
  const existing = join(shared, 'pods');
  await mkdir(join(existing, 'kept'), { recursive: true });
  await chmod(join(existing, 'kept'), 0o750);
  const store = createFsPodStore(existing);
  await store.write(pod('kept'));
  await store.write(pod('fresh'));
  assert.is(((await stat(shared)).mode & 0o7777).toString(8), '1777', 'a shared sticky folder keeps its mode');
  assert.is(await modeOf(existing), '755');
  assert.is(await modeOf(join(existing, 'kept')), '750');
  assert.is(await modeOf(join(existing, 'fresh')), '700');
});

trust('should create ticket folders 0700 and ticket files 0600 under a umask of 022', async ({ outer }) => {
  const tickets = join(outer, 'home', 'tickets');
  assert.is(await createTicketFolder(tickets, TICKET), true);
  await writeTicketFile(tickets, TICKET, 'item', 'a body holding a secret');
  for (const folder of [join(outer, 'home'), tickets, join(tickets, TICKET)]) assert.is(await modeOf(folder), '700', folder);
  assert.is(await modeOf(join(tickets, TICKET, 'item.md')), '600');
  assert.is(await createTicketFolder(tickets, TICKET), false);
});

trust('should refuse every call through a link planted at a pod folder and write nothing outside the store', async ({ outer }) => {
  const root = join(outer, 'pods');
  const outside = join(outer, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'metadata.json'), JSON.stringify(pod('a', { role: 'outside' })));
  const store = createFsPodStore(root);
  await store.write(pod('b'));
  await symlink(outside, join(root, 'a'));
  const before = await readFile(join(outside, 'metadata.json'), 'utf8');
  const reasons = [
    await rejection(store.read('a')),
    await rejection(store.write(pod('a'))),
    await rejection(store.update('a', (record) => ({ ...record, role: 'x' }))),
    await rejection(store.addPeer('a', 'b')),
    await rejection(store.removePeer('a', 'b')),
    await rejection(store.setPeers('a', ['b'])),
    await rejection(store.delete('a')),
  ];
  for (const error of reasons) {
    assert.instance(error, CorruptMetadataError);
    assert.is((error as CorruptMetadataError).reason, 'pod folder is a symbolic link');
  }
  assert.equal(await readdir(outside), ['metadata.json'], 'no temp file, lock or deletion outside the store');
  assert.is(await readFile(join(outside, 'metadata.json'), 'utf8'), before);
  assert.ok((await lstat(join(root, 'a'))).isSymbolicLink(), 'the link itself is left');
  assert.equal(await store.listNames(), ['b'], 'a link is not listed');
});

trust('should refuse a write where a plain file sits at the pod folder with CorruptMetadataError', async ({ outer }) => {
  const root = join(outer, 'pods');
  await mkdir(root);
  await writeFile(join(root, 'a'), 'not a folder');
  const store = createFsPodStore(root);
  assert.is(await store.read('a'), null);
  const error = await rejects(store.write(pod('a')), CorruptMetadataError);
  assert.is(error.reason, 'pod folder is not a folder');
  assert.is(await store.delete('a'), false);
  assert.is(await readFile(join(root, 'a'), 'utf8'), 'not a folder');
});

trust.run();

import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore } from '../../../src/actors/stores/createFsPodStore.js';
import { createMemoryPodStore } from '../../../src/actors/stores/createMemoryPodStore.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../../../src/actors/stores/readRecordFile.js';
import { CorruptMetadataError, PodmeshError } from '../../../src/core/errors.js';
import { jsonNestingExceeds } from '../../../src/core/jsonNestingExceeds.js';
import { MAX_RECORD_DEPTH, parseRecord } from '../../../src/core/podRecord.js';
import { pod, rejection, rejects } from '../../support/assertions.js';

interface Context {
  outer: string;
  root: string;
}

const limits = suite<Context>('createFsPodStore limits', { outer: '', root: '' });

limits.before.each(async (context) => {
  context.outer = await mkdtemp(join(tmpdir(), 'podmesh-fs-limits-'));
  context.root = join(context.outer, 'pods');
});

limits.after.each(async (context) => {
  await rm(context.outer, { recursive: true, force: true });
});

/** A valid record text of `name` with a field `x` nested `depth` levels below the record (itself level 1). */
const nestedText = (name: string, depth: number): string =>
  `{"name":${JSON.stringify(name)},"peers":[],"spawnedChildren":[],"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

/** Plants `content` as `name`'s record file, returning its path. */
async function plant(root: string, name: string, content: string | Buffer): Promise<string> {
  await mkdir(join(root, name), { recursive: true });
  const file = join(root, name, 'metadata.json');
  await writeFile(file, content);
  return file;
}

/** Resolves `promise`, or rejects after `ms`; the timer never outlives it. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The reason of the CorruptMetadataError `promise` rejects with. */
async function corruptReason(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  assert.instance(error, CorruptMetadataError);
  return (error as CorruptMetadataError).reason;
}

limits('jsonNestingExceeds should count only brackets outside strings, escapes included', () => {
  assert.is(jsonNestingExceeds('{}', 1), false);
  assert.is(jsonNestingExceeds('{"a":[]}', 1), true);
  assert.is(jsonNestingExceeds('{"a":[]}', 2), false);
  assert.is(jsonNestingExceeds('"[[[[["', 0), false, 'a string is level 0');
  assert.is(jsonNestingExceeds('{"a\\"[[[":"}}\\\\"}', 1), false, 'an escaped quote does not end the string');
  assert.is(jsonNestingExceeds('{"a\\\\":[[]]}', 2), true, 'an escaped backslash does');
  assert.is(jsonNestingExceeds(']]]]][[', 1), true, 'closers before openers do not buy depth');
  assert.is(jsonNestingExceeds('['.repeat(1_000_000), 64), true);
  assert.is(jsonNestingExceeds(`"${'['.repeat(100_000)}`, 64), false, 'an unterminated string');
});

limits('should read a record nested 64 deep and refuse 65 or 100,000 deep as corrupt, not a RangeError', async ({ root }) => {
  assert.is(MAX_RECORD_DEPTH, 64);
  const store = createFsPodStore(root);
  await plant(root, 'ok', nestedText('ok', 64));
  assert.is((await store.read('ok'))?.name, 'ok');
  for (const [name, depth] of [['deep', 65], ['deeper', 9_000], ['deepest', 100_000]] as const) {
    await plant(root, name, nestedText(name, depth));
    assert.is(await corruptReason(store.read(name)), 'nested deeper than 64 levels', name);
    await rejects(store.addPeer(name, 'b'), CorruptMetadataError);
  }
  const error = await rejection(Promise.resolve().then(() => parseRecord('a', nestedText('a', 100_000))));
  assert.instance(error, CorruptMetadataError);
});

limits('should apply the nesting limit to text planted in the memory store', async () => {
  const store = createMemoryPodStore();
  await store.writeRaw('ok', nestedText('ok', 64));
  await store.writeRaw('deep', nestedText('deep', 100_000));
  assert.is((await store.read('ok'))?.name, 'ok');
  assert.is(await corruptReason(store.read('deep')), 'nested deeper than 64 levels');
  assert.throws(() => store.readNow('deep'), (error: unknown) => error instanceof CorruptMetadataError);
});

limits('should refuse to write a record nested deeper than the limit, writing nothing', async ({ root }) => {
  const store = createFsPodStore(root);
  await store.write(pod('a'));
  let deep: unknown = [];
  for (let i = 0; i < 70; i += 1) deep = [deep];
  await rejects(store.write({ ...pod('a'), deep } as never), PodmeshError, 'invalid-argument');
  await rejects(store.update('a', (record) => ({ ...record, deep }) as never), PodmeshError, 'invalid-argument');
  assert.equal(await store.read('a'), pod('a'));
  assert.equal(await readdir(join(root, 'a')), ['metadata.json']);
  // The memory store refuses the same record the same way: both stores read back what they stored.
  const memory = createMemoryPodStore();
  await rejects(memory.write({ ...pod('a'), deep } as never), PodmeshError, 'invalid-argument');
  assert.is(await memory.read('a'), null);
});

limits('should read a FIFO in place of metadata.json as corrupt without waiting for a writer', async ({ root }) => {
  if (process.platform === 'win32') return;
  await mkdir(join(root, 'fifo'), { recursive: true });
  const fifo = join(root, 'fifo', 'metadata.json');
  execFileSync('mkfifo', [fifo]);
  const store = createFsPodStore(root);
  try {
    assert.is(await within(corruptReason(store.read('fifo')), 2_000, 'reading a FIFO'), 'metadata.json is not a regular file');
    await within(rejects(store.update('fifo', (record) => record), CorruptMetadataError), 2_000, 'updating a FIFO');
    assert.equal(await store.listNames(), ['fifo'], 'listed, and reads as corrupt');
  } finally {
    // Without the fix a read is stuck in open(); a writer's open releases it, so the suite can end.
    const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
    await writer?.close();
  }
});

limits('should read a link to /dev/zero as corrupt at once, without reading it', async ({ root }) => {
  if (process.platform === 'win32') return;
  await mkdir(join(root, 'zero'), { recursive: true });
  await symlink('/dev/zero', join(root, 'zero', 'metadata.json'));
  const store = createFsPodStore(root);
  const rss = process.memoryUsage.rss();
  assert.is(await within(corruptReason(store.read('zero')), 2_000, 'reading /dev/zero'), 'metadata.json is a symbolic link');
  assert.ok(process.memoryUsage.rss() - rss < 64 * 1024 * 1024, 'no memory spent on it');
});

limits('should read any link at metadata.json as corrupt, even to a valid record', async ({ outer, root }) => {
  const elsewhere = join(outer, 'elsewhere.json');
  await writeFile(elsewhere, JSON.stringify(pod('a')));
  await mkdir(join(root, 'a'), { recursive: true });
  await symlink(elsewhere, join(root, 'a', 'metadata.json'));
  await symlink(join(outer, 'missing.json'), join(root, 'dangling'));
  const store = createFsPodStore(root);
  assert.is(await corruptReason(store.read('a')), 'metadata.json is a symbolic link');
  await rejects(store.addPeer('a', 'b'), CorruptMetadataError);
  assert.equal(await store.listNames(), ['a']);
});

limits('should refuse a record file over the size cap from its size, and read one at the cap', async ({ root }) => {
  const store = createFsPodStore(root, { maxRecordBytes: 100 });
  /** A record text of `name` exactly `bytes` long. */
  const sized = (name: string, bytes: number): string => {
    const text = JSON.stringify({ ...pod(name), pad: '' });
    return JSON.stringify({ ...pod(name), pad: 'x'.repeat(bytes - text.length) });
  };
  await plant(root, 'exact', sized('exact', 100));
  assert.is((await store.read('exact'))?.name, 'exact');
  await plant(root, 'over', sized('over', 101));
  assert.is(await corruptReason(store.read('over')), 'larger than 100 bytes');
  await rejects(store.update('over', (record) => record), CorruptMetadataError);
});

limits('should refuse a 64 MB record file under the default 1 MiB cap without reading it', async ({ root }) => {
  assert.is(DEFAULT_MAX_RECORD_BYTES, 1024 * 1024);
  const file = await plant(root, 'huge', '');
  await truncate(file, 64 * 1024 * 1024); // sparse: costs no disk
  const store = createFsPodStore(root);
  const rss = process.memoryUsage.rss();
  assert.is(await corruptReason(store.read('huge')), `larger than ${1024 * 1024} bytes`);
  assert.ok(process.memoryUsage.rss() - rss < 32 * 1024 * 1024, 'the file is not read');
  await plant(root, 'big', JSON.stringify({ ...pod('big'), pad: 'x'.repeat(1000 * 1000) }));
  assert.is((await store.read('big'))?.name, 'big', 'a record under the cap reads');
});

limits('should refuse to write a record over the cap with invalid-argument, keeping the old one', async ({ root }) => {
  const store = createFsPodStore(root, { maxRecordBytes: 200 });
  await store.write(pod('a', { role: 'small' }));
  const peers = Array.from({ length: 40 }, (_, i) => `peer-${i}`);
  await rejects(store.write(pod('a', { peers })), PodmeshError, 'invalid-argument');
  await rejects(store.setPeers('a', peers), PodmeshError, 'invalid-argument');
  await rejects(store.write(pod('b', { peers })), PodmeshError, 'invalid-argument');
  assert.equal(await store.read('a'), pod('a', { role: 'small' }));
  assert.equal(await store.listNames(), ['a']);
  assert.throws(() => createFsPodStore(root, { maxRecordBytes: 0 }), TypeError);
  assert.throws(() => createFsPodStore(root, { maxRecordBytes: 1.5 }), TypeError);
});

limits.run();

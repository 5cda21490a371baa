import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore } from '../../src/actors/stores/createFsPodStore.js';
import { InvalidPodNameError } from '../../src/core/errors.js';
import type { PodMetadata } from '../../src/core/types.js';
import { rejects } from '../support/assertions.js';
import { checkProperty } from './checkProperty.js';
import { validPodName } from './podNameArbitraries.js';

interface Context {
  /** A fresh temp folder; the store lives in `<outer>/pods` and nothing else may appear in `outer`. */
  outer: string;
  root: string;
}

const folders = suite<Context>('file store name → folder mapping (property)', { outer: '', root: '' });

folders.before.each(async (context) => {
  context.outer = await mkdtemp(join(tmpdir(), 'podmesh-fuzz-names-'));
  context.root = join(context.outer, 'pods');
});

folders.after.each(async (context) => {
  await rm(context.outer, { recursive: true, force: true });
});

/** Every path under `dir`, relative and sorted (folders end in `/`). */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1) + (entry.isDirectory() ? '/' : '')).sort();
}

/** The record written for the `i`-th name: its own content, and peers drawn from the other names. */
function recordFor(names: readonly string[], i: number): PodMetadata {
  const name = names[i]!;
  const other = (k: number): string => names[(i + k) % names.length]!;
  return {
    name,
    role: `role #${i}`,
    workspaceRoot: `/w/${[...name].reverse().join('')}`,
    // Unsorted, with a repeat: the store keeps peers unique and sorted.
    peers: [other(2), other(1), other(2)],
    spawnedChildren: [other(3), other(3)],
  };
}

const normalised = (record: PodMetadata): PodMetadata => ({
  ...record,
  peers: [...new Set(record.peers)].sort(),
  spawnedChildren: [...new Set(record.spawnedChildren)],
});

folders('should keep a few hundred distinct valid names in distinct folders, each readable with its own record', async ({ outer, root }) => {
  let round = 0;
  const report = await checkProperty(
    'fs names: name → folder is injective on a real file system',
    // Each case writes hundreds of records: shrink a little, not for minutes.
    fc.asyncProperty(fc.limitShrink(fc.uniqueArray(validPodName, { minLength: 120, maxLength: 260, size: 'max' }), 40), async (names) => {
      // One store folder per case, so each case starts empty.
      const dir = join(root, String((round += 1)));
      const store = createFsPodStore(dir);
      try {
        const records = names.map((_, i) => recordFor(names, i));
        await Promise.all(records.map((record) => store.write(record)));

        // Distinct UTF-8 bytes are what keeps folders apart.
        const byBytes = new Set(names.map((name) => Buffer.from(name, 'utf8').toString('hex')));
        assert.is(byBytes.size, names.length, 'two names share their UTF-8 bytes');

        const stored = await readdir(dir);
        assert.is(stored.length, names.length, 'one folder per name');
        assert.equal(stored.sort(), [...names].sort());
        assert.equal(await store.listNames(), [...names].sort());

        const fresh = createFsPodStore(dir);
        for (const record of records) {
          assert.equal(await fresh.read(record.name), normalised(record), `record of ${JSON.stringify(record.name)}`);
        }
        // Nothing but the records themselves: no temp file, lock or stray path.
        assert.equal(await tree(dir), names.flatMap((name) => [`${name}/`, join(name, 'metadata.json')]).sort());
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }),
    { runs: 2, timeout: 30_000 },
  );
  assert.ok(report.cases >= 2);
  // The store folder's parent holds nothing but the store folder.
  assert.equal(await readdir(outer), ['pods']);
});

folders('should refuse both lone-surrogate names that once shared the folder U+FFFD, writing nothing', async ({ outer, root }) => {
  const store = createFsPodStore(root);
  await store.write({ name: '\ufffd', peers: [], spawnedChildren: [] });
  for (const name of ['\ud800', '\udfff']) {
    await rejects(store.write({ name, role: 'intruder', peers: [], spawnedChildren: [] }), InvalidPodNameError, 'invalid-pod-name');
    await rejects(store.read(name), InvalidPodNameError, 'invalid-pod-name');
    await rejects(store.update(name, (record) => record), InvalidPodNameError, 'invalid-pod-name');
    await rejects(store.addPeer('\ufffd', name), InvalidPodNameError, 'invalid-pod-name');
    await rejects(store.delete(name), InvalidPodNameError, 'invalid-pod-name');
  }
  // U+FFFD's own record is untouched and is the only folder.
  assert.equal(await store.read('\ufffd'), { name: '\ufffd', peers: [], spawnedChildren: [] });
  assert.equal(await tree(outer), ['pods/', 'pods/\ufffd/', 'pods/\ufffd/metadata.json']);
});

folders.run();

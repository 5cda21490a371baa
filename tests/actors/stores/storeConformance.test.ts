import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore } from '../../../src/actors/stores/createFsPodStore.js';
import { createMemoryPodStore } from '../../../src/actors/stores/createMemoryPodStore.js';
import { runStoreScript } from '../../support/storeScript.js';

const conformance = suite('store conformance script (tests/support/storeScript.ts)');

conformance('should give the file store every result the memory store gives', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'podmesh-conformance-'));
  try {
    const expected = await runStoreScript(createMemoryPodStore());
    const actual = await runStoreScript(createFsPodStore(join(dir, 'pods')));
    for (let i = 0; i < expected.length; i += 1) assert.is(actual[i], expected[i]);
    assert.is(actual.length, expected.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

conformance.run();

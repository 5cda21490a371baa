// Section 3's writer: makes fresh pairs of pods (neither holds the other) and
// ensures each, in a loop, until the parent kills it. `pair <k>` is printed
// once both records exist and the ensure starts, `done <k>` once it resolved;
// `begin <k>` before the records are written.
// usage: node relationWriter.mjs <storeDir> <prefix> <firstIndex> <seed>
import { createFsPodStore, createPodRuntime } from '../../dist/index.js';
import { createRandom, fail, out } from './workerIo.mjs';

const [dir, prefix, first, seed] = process.argv.slice(2);
const store = createFsPodStore(dir);
const runtime = createPodRuntime({ store });
const random = createRandom(Number(seed));

out('ready');
try {
  for (let k = Number(first); ; k += 1) {
    const a = `${prefix}-${k}a`;
    const b = `${prefix}-${k}b`;
    // Said first, so the next writer never reuses names whose records a kill left half-made (and locked).
    out(`begin ${k}`);
    await store.write({ name: a, peers: [], spawnedChildren: [] });
    await store.write({ name: b, peers: [], spawnedChildren: [] });
    out(`pair ${k}`);
    // Either side may start the relation: the marks are written on the self side first.
    const [self, peer] = random() < 0.5 ? [a, b] : [b, a];
    await runtime.discovery(self).ensureExistingPeer(peer);
    out(`done ${k}`);
  }
} catch (error) {
  fail(error);
}

// Section 2's worker: ensures random pairs of a shared set of pods through a
// runtime on the shared file store, several in flight, once the parent says
// `go` (so every worker starts at once). Prints one JSON line at the end.
// usage: node ensureWorker.mjs <storeDir> <pod,pod,...> <count> <inflight> <seed>
import { createFsPodStore, createPodRuntime } from '../../dist/index.js';
import { command, createRandom, errorLine, fail, out } from './workerIo.mjs';

const [dir, podList, count, inflight, seed] = process.argv.slice(2);
const pods = podList.split(',');
const random = createRandom(Number(seed));
const runtime = createPodRuntime({ store: createFsPodStore(dir) });
const total = Number(count);

const pairs = Array.from({ length: total }, () => {
  const a = Math.floor(random() * pods.length);
  const b = (a + 1 + Math.floor(random() * (pods.length - 1))) % pods.length;
  return [pods[a], pods[b]];
});

out('ready');
await command('go');
const ensured = [];
const errors = [];
const latencies = [];
let nulls = 0;
let next = 0;
const started = performance.now();
async function lane() {
  while (next < total) {
    const [a, b] = pairs[next++];
    const t = performance.now();
    try {
      const relation = await runtime.discovery(a).ensureExistingPeer(b);
      if (relation === null) nulls += 1;
      else ensured.push([a, b]);
    } catch (error) {
      errors.push(`${a}→${b}: ${errorLine(error)}`);
    }
    latencies.push(Math.round((performance.now() - t) * 10) / 10);
  }
}
try {
  await Promise.all(Array.from({ length: Number(inflight) }, lane));
  const ms = performance.now() - started;
  await runtime.stop();
  out(JSON.stringify({ type: 'result', ensured, errors, nulls, latencies, ms }));
  process.exit(0);
} catch (error) {
  fail(error);
}

/**
 * A worker process for tests/actors/nats/: opens a NATS KV store and a runtime
 * on it, and writes records, all calls at once, so several workers (or a kill
 * -9 in the middle of one) meet on the same keys.
 *
 * Usage: node --import tsx tests/support/natsKvWorker.ts <url,url…> <bucket> <mode> <arg>…
 *   mode `ensure <self>:<peer>…`:   discovery(self).ensureExistingPeer(peer) for every pair, all at once
 *   mode `register <self>:<peer>…`: registerPeer instead (a missing pod fails the worker)
 *   mode `count <record> <n>`:      n concurrent updates incrementing the record's unknown field `counter`
 *
 * It starts on `go` (startOnGo.ts), prints `started` as the writes begin (the
 * kill -9 test times its kill from that line) and one JSON line when done.
 */
import { createNatsKvPodStore } from '../../src/actors/nats/createNatsKvPodStore.js';
import { createPodRuntime } from '../../src/actors/runtime/createPodRuntime.js';
import type { PodMetadata } from '../../src/core/types.js';
import { fail, startOnGo } from './startOnGo.js';

const [servers, bucket, mode, ...rest] = process.argv.slice(2);
if (servers === undefined || bucket === undefined || !['ensure', 'register', 'count'].includes(mode ?? '')) {
  fail('usage: natsKvWorker.ts <servers> <bucket> <ensure|register|count> <arg>...');
}

const pairs = mode === 'count' ? [] : rest.map((arg) => arg.split(':'));
if (pairs.some((pair) => pair.length !== 2)) fail('a pair is <self>:<peer>');

startOnGo(async () => {
  const store = await createNatsKvPodStore({ servers: servers.split(','), bucket });
  const runtime = createPodRuntime({ store });
  try {
    process.stdout.write('started\n');
    if (mode === 'count') {
      const [record, n] = [rest[0]!, Number(rest[1])];
      const increment = (current: PodMetadata): PodMetadata => ({ ...current, counter: (typeof current.counter === 'number' ? current.counter : 0) + 1 });
      await Promise.all(Array.from({ length: n }, () => store.update(record, increment)));
      return { counted: n };
    }
    const results = await Promise.all(
      pairs.map(([self, peer]) => (mode === 'register' ? runtime.discovery(self!).registerPeer(peer!) : runtime.discovery(self!).ensureExistingPeer(peer!))),
    );
    return { ensured: results.filter((relation) => relation !== null).length };
  } finally {
    await runtime.stop();
    await store.close();
  }
});

/**
 * One sender process of `nats-notices-4-senders-vs-request-reply`:
 *   node --import tsx bench/natsSenderWorker.ts <nats url> <own name> <pod> <echo subject>
 *
 * One NATS connection carries both sides, so they differ only in what
 * podmesh does: weak notifies through a runtime of its own (memory store,
 * `createNatsTransport` on that connection, the pod registered as a peer)
 * and raw `nc.request`s of the very payload a notify carries to the echo
 * subject. Prints `{"ready":true}` once one of each went through; then, for
 * each line `{"side":"value"|"baseline","count":N}` on stdin, sends N one
 * after another (one in flight) and prints `{"done":ms}`. A failure, or a
 * notify that was not delivered, is `{"error":…}` and exit 1; it exits 0 when
 * stdin closes, so it never outlives the bench.
 */
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { createMemoryPodStore, createPodRuntime } from '../src/index.js';
import { createNatsTransport } from '../src/actors/nats/createNatsTransport.js';
import { deliverOrThrow, NOTICE } from './createNotifyPair.js';

const [url, self, pod, echoSubject] = process.argv.slice(2);
if (url === undefined || self === undefined || pod === undefined || echoSubject === undefined) {
  process.stderr.write('usage: natsSenderWorker.ts <nats url> <own name> <pod> <echo subject>\n');
  process.exit(2);
}
const say = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
const fail = (error: unknown): never => {
  say({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
};

try {
  const nc = await connect({ servers: url, name: `podmesh-bench-${self}` });
  const transport = createNatsTransport({ connection: nc });
  const runtime = createPodRuntime({ store: createMemoryPodStore(), transport, historyLimit: 16 });
  await runtime.spawnPod({ name: self });
  await runtime.store.write({ name: pod, peers: [], spawnedChildren: [] });
  const view = runtime.discovery(self);
  await view.registerPeer(pod);
  // What `transport.notify` encodes for this notice, key for key.
  const payload = new TextEncoder().encode(JSON.stringify({ message: NOTICE, autoRun: false, from: self }));

  const sides = {
    value: (): Promise<void> => deliverOrThrow(view, pod, `${self}: a weak notify`),
    baseline: async (): Promise<void> => {
      await nc.request(echoSubject, payload, { timeout: 5000 });
    },
  };
  await sides.value();
  await sides.baseline();

  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const order = JSON.parse(line) as { side: keyof typeof sides; count: number };
    const send = sides[order.side];
    void (async () => {
      const start = performance.now();
      for (let i = 0; i < order.count; i += 1) await send();
      say({ done: performance.now() - start });
    })().catch(fail);
  });
  lines.on('close', () => {
    void transport.close()
      .then(() => runtime.stop())
      .then(() => nc.close())
      .then(() => process.exit(0), fail);
  });
  say({ ready: true });
} catch (error) {
  fail(error);
}

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createNatsKvPodStore, type NatsKvPodStore } from '../../../src/actors/nats/createNatsKvPodStore.js';
import type { PodMetadata } from '../../../src/core/types.js';
import { pod } from '../../support/assertions.js';
import { assertNoOneSidedDelivery } from '../../support/relationChecks.js';
import { killAll, runKvWorkers, spawnKvWorker } from '../../support/spawnNatsKvWorker.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from '../../support/natsServer.js';

interface Context {
  server?: NatsServer;
  children: ChildProcessWithoutNullStreams[];
  stores: NatsKvPodStore[];
  buckets: number;
}

const processes = suite<Context>('NATS KV store: several processes, kill -9', { children: [], stores: [], buckets: 0 });
const available = natsServerAvailable();

processes.before(async (context) => {
  if (available) context.server = await startNatsServer();
});
processes.after.each(async (context) => {
  await killAll(context.children);
  await Promise.all(context.stores.splice(0).map((store) => store.close()));
});
processes.after(async (context) => {
  await context.server?.stop();
});

// Without a nats-server the tests are counted as skipped (never as passed).
const test = (name: string, fn: (context: Context) => Promise<void>): void =>
  available ? processes(name, fn) : processes.skip(`${name} (no nats-server on the PATH)`, fn);

async function freshBucket(context: Context, names: readonly string[]): Promise<{ bucket: string; store: NatsKvPodStore }> {
  const bucket = `p${++context.buckets}`;
  const store = await createNatsKvPodStore({ servers: context.server!.url, bucket });
  context.stores.push(store);
  await Promise.all(names.map((name) => store.write(pod(name))));
  return { bucket, store };
}

const pairArg = ([a, b]: readonly [string, string]): string => `${a}:${b}`;

/** Every name's expected peers for relations `pairs`. */
function adjacency(names: readonly string[], pairs: readonly (readonly [string, string])[]): Map<string, string[]> {
  const map = new Map(names.map((name) => [name, new Set<string>()]));
  for (const [a, b] of pairs) {
    map.get(a)!.add(b);
    map.get(b)!.add(a);
  }
  return new Map([...map].map(([name, peers]) => [name, [...peers].sort()]));
}

async function readAll(store: NatsKvPodStore, names: readonly string[]): Promise<Map<string, PodMetadata>> {
  return new Map(await Promise.all(names.map(async (name) => [name, (await store.read(name))!] as const)));
}

test('should make every relation reciprocal, and lose no update, with 4 processes writing overlapping pairs at once', async (context) => {
  const leaves = Array.from({ length: 10 }, (_, i) => `leaf ${i}.x`);
  const names = ['hub', ...leaves];
  const pairs: Array<[string, string]> = [
    ...leaves.map((leaf): [string, string] => ['hub', leaf]),
    ...leaves.map((leaf, i): [string, string] => [leaf, leaves[(i + 1) % leaves.length]!]),
  ];
  const { bucket, store } = await freshBucket(context, [...names, 'counted']);
  // Each worker writes every relation: rotated, and from the other side in every second worker.
  const argLists = [0, 1, 2, 3].map((k) => {
    const rotated = [...pairs.slice(k * 5), ...pairs.slice(0, k * 5)];
    const oriented = rotated.map(([a, b]): [string, string] => (k % 2 === 0 ? [a, b] : [b, a]));
    return [context.server!.url, bucket, 'register', ...oriented.map(pairArg)];
  });
  const counters = [0, 1, 2, 3].map(() => [context.server!.url, bucket, 'count', 'counted', '50']);
  const results = await runKvWorkers<{ ensured?: number; counted?: number }>(context.children, [...argLists, ...counters]);
  assert.equal(results, [...Array(4).fill({ ensured: pairs.length }), ...Array(4).fill({ counted: 50 })]);
  const records = await readAll(store, names);
  for (const [name, peers] of adjacency(names, pairs)) {
    assert.equal(records.get(name)?.peers, peers, `${name}'s peers`);
    assert.is(records.get(name)?.pendingPeers, undefined, `${name} holds no mark`);
  }
  assert.is((await store.read('counted'))?.counter, 200, 'no increment lost');
});

test('should leave no relation one-sided after kill -9 between writes, and the next ensure from a fresh process completes every one', async (context) => {
  const names = Array.from({ length: 8 }, (_, i) => `p${i}`);
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < names.length; i += 1) for (let j = i + 1; j < names.length; j += 1) pairs.push([names[i]!, names[j]!]);
  const rounds = 8;
  let interrupted = 0;
  let marks = 0;
  // How long the 28 ensures take on this machine now, from `started` to the worker's exit: the kills are
  // spread over that window (a fixed one missed it on a fast run: every late kill came after the writes).
  const calibration = await freshBucket(context, names);
  const timed = spawnKvWorker(context.children, [context.server!.url, calibration.bucket, 'ensure', ...pairs.map(pairArg)]);
  await timed.waitFor('ready');
  timed.go();
  await timed.waitFor('started');
  const startedAt = performance.now();
  assert.is((await timed.done).code, 0);
  const windowMs = Math.max(10, performance.now() - startedAt);
  for (let round = 0; round < rounds; round += 1) {
    const { bucket, store } = await freshBucket(context, names);
    const url = context.server!.url;
    const worker = spawnKvWorker(context.children, [url, bucket, 'ensure', ...pairs.map(pairArg)]);
    await worker.waitFor('ready');
    worker.go();
    await worker.waitFor('started');
    // The kill lands at a random point of the worker's writes (all 28 ensures run at once, 4 writes each):
    // each round draws its delay from its own slice of the measured window, short of the exit.
    await sleep(Math.floor(((round + Math.random()) / rounds) * windowMs * 0.8));
    worker.child.kill('SIGKILL');
    const exit = await worker.done;
    const label = `round ${round}`;
    if (exit.signal === 'SIGKILL') interrupted += 1;

    // As the kill left it: a record lists a peer that does not list it back only while it marks that relation pending.
    const records = await readAll(store, names);
    for (const [a, b] of pairs) {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        const rx = records.get(x)!;
        const ry = records.get(y)!;
        if (rx.peers.includes(y) && !ry.peers.includes(x)) {
          assert.ok(rx.pendingPeers?.includes(y) === true, `${label}: ${x} lists ${y} one-sided without a mark: ${JSON.stringify([rx, ry])}`);
        }
      }
    }
    marks += [...records.values()].reduce((sum, record) => sum + (record.pendingPeers?.length ?? 0), 0);
    await assertNoOneSidedDelivery(store, names, label);

    // The next ensure, from a fresh process, completes every relation and clears every mark.
    assert.equal(await runKvWorkers(context.children, [[url, bucket, 'ensure', ...pairs.map(pairArg)]]), [{ ensured: pairs.length }]);
    const repaired = await readAll(store, names);
    for (const name of names) {
      assert.equal(repaired.get(name)?.peers, names.filter((other) => other !== name), `${label}: ${name} holds every relation`);
      assert.is(repaired.get(name)?.pendingPeers, undefined, `${label}: ${name} holds no mark`);
    }
  }
  // Otherwise the kills all landed before or after the writes, and the test proved nothing.
  assert.ok(interrupted >= rounds / 2, `only ${interrupted} of ${rounds} workers were killed before they finished`);
  assert.ok(marks > 0, 'no kill landed between the writes of an ensure');
  process.stderr.write(`kill -9: ${interrupted}/${rounds} workers killed mid-run (window ${windowMs.toFixed(0)} ms), ${marks} pending marks found and repaired\n`);
});

processes.run();

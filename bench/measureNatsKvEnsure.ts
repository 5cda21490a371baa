/**
 * `nats-kv-ensure-existing-vs-kv-get`: `discovery(self).ensureExistingPeer(peer)`
 * of a pair that already holds each other, on the JetStream KV store, against
 * the one thing any KV-backed check needs: one `kv.get` of a record. The
 * ensure reads both records and must write nothing: the revisions of both
 * keys are checked unchanged after the run.
 */
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { createNatsKvPodStore } from '../src/actors/nats/createNatsKvPodStore.js';
import { createPodRuntime } from '../src/index.js';
import { natsServerAvailable, startNatsServer } from '../tests/support/natsServer.js';
import type { NotifyLoopOptions } from './measureWeakNotify.js';
import { alternate, result, skippedResult, usPerOp, type BenchResult } from './stats.js';

export const NATS_KV_ENSURE_GOAL = 2.5;
const NAME = 'nats-kv-ensure-existing-vs-kv-get';

export async function measureNatsKvEnsure(options: NotifyLoopOptions): Promise<BenchResult> {
  // One server helper for the tests and both NATS rows (measureNatsNotify uses it too).
  if (!natsServerAvailable()) return skippedResult({ name: NAME, unit: 'us/op', goal: NATS_KV_ENSURE_GOAL, reason: "no nats-server here (.ci/run installs Debian's)" });
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  try {
    const bucket = 'podmesh-bench';
    const store = await createNatsKvPodStore({ connection: nc, bucket });
    const kv = await new Kvm(nc).open(bucket);
    const runtime = createPodRuntime({ store });
    try {
      await store.write({ name: 'sender', peers: ['target'], spawnedChildren: [] });
      await store.write({ name: 'target', peers: ['sender'], spawnedChildren: [] });
      const keys = ['sender', 'target'].map((name) => store.keyOf(name));
      const revisions = async (): Promise<number[]> => Promise.all(keys.map(async (key) => (await kv.get(key))!.revision));
      const before = await revisions();
      const discovery = runtime.discovery('sender');
      const ensures = (): Promise<number> => usPerOp(options.batch, () => discovery.ensureExistingPeer('target'));
      const gets = (): Promise<number> => usPerOp(options.batch, () => kv.get(keys[1]!));
      const sampled = await alternate({
        rounds: options.rounds,
        warmup: options.warmup,
        value: ensures,
        baseline: gets,
        ...(options.progress === undefined ? {} : { progress: options.progress, label: NAME }),
      });
      const after = await revisions();
      if (after.some((revision, i) => revision !== before[i])) throw new Error('ensureExistingPeer wrote a record of an already reciprocal pair');
      return result({
        name: NAME,
        unit: 'us/op',
        value: sampled.value,
        baseline: sampled.baseline,
        goal: NATS_KV_ENSURE_GOAL,
        info: [
          'value: discovery(sender).ensureExistingPeer(target) on an already reciprocal pair, createNatsKvPodStore on a local nats-server 2.9 (JetStream, file storage)',
          'baseline: one kv.get of the target record on the same connection',
          `median of ${sampled.samples} alternating batches of ${options.batch} per side; both keys' revisions verified unchanged`,
        ],
      });
    } finally {
      await runtime.stop();
      await store.close();
    }
  } finally {
    await nc.close();
    await server.stop();
  }
}

/**
 * `nats-weak-notify-vs-request-reply`: a weak notify over NATS (record reads
 * from a memory store, liveness, the decision, the notify request and its
 * acknowledgement) to a pod served by `startNatsPodServer`, against a raw NATS
 * request/reply of the same payload to a trivial responder on the same
 * server. Both ends of both sides are in this process, each on its own
 * connection. Skipped, with the reason, when no `nats-server` runs here.
 */
import { connect } from '@nats-io/transport-node';
import { createMemoryPodStore, createPodRuntime } from '../src/index.js';
import { createNatsTransport } from '../src/actors/nats/createNatsTransport.js';
import { natsSubjects } from '../src/actors/nats/natsSubjects.js';
import { startNatsPodServer } from '../src/actors/nats/startNatsPodServer.js';
import { natsServerAvailable, startNatsServer } from '../tests/support/natsServer.js';
import { deliverOrThrow, NOTICE } from './createNotifyPair.js';
import { alternate, result, skippedResult, usPerOp, type BenchResult, type Progress } from './stats.js';

export const NATS_NOTIFY_GOAL = 1.5;
const NAME = 'nats-weak-notify-vs-request-reply';

export async function measureNatsNotify(options: { rounds: number; warmup: number; batch: number; progress?: Progress }): Promise<BenchResult> {
  if (!natsServerAvailable()) {
    return skippedResult({ name: NAME, unit: 'us/op', goal: NATS_NOTIFY_GOAL, reason: 'no nats-server here (.ci/run installs Debian\'s)' });
  }
  const server = await startNatsServer();
  const transport = createNatsTransport({ servers: server.url });
  const sender = createPodRuntime({ store: createMemoryPodStore(), transport, historyLimit: 16 });
  const pods = createPodRuntime({ historyLimit: 16 });
  const raw = await connect({ servers: server.url });
  const responder = await connect({ servers: server.url });
  let podServer: Awaited<ReturnType<typeof startNatsPodServer>> | undefined;
  try {
    await pods.spawnPod({ name: 'target' });
    podServer = await startNatsPodServer({ runtime: pods, name: 'target', servers: server.url });
    await sender.spawnPod({ name: 'sender' });
    await sender.store.write({ name: 'target', peers: [], spawnedChildren: [] });
    const view = sender.discovery('sender');
    await view.registerPeer('target');
    await deliverOrThrow(view, 'target', 'NATS weak notify');

    // The trivial responder answers what a pod answers a notify, without a pod.
    const ack = new TextEncoder().encode(JSON.stringify({ incarnation: podServer.incarnation, startedAt: podServer.startedAt, status: 'live', activity: 'idle', ok: true, result: { accepted: true, pending: 1 } }));
    responder.subscribe('bench.echo', { callback: (_error, msg) => void msg.respond(ack) });
    await responder.flush();
    // The very payload a notify request carries.
    const payload = new TextEncoder().encode(JSON.stringify({ message: NOTICE, autoRun: false, from: 'sender' }));
    const subject = natsSubjects().request('target', 'notify');

    const sampled = await alternate({
      rounds: options.rounds,
      warmup: options.warmup,
      value: () => usPerOp(options.batch, () => deliverOrThrow(view, 'target', 'NATS weak notify')),
      baseline: () => usPerOp(options.batch, () => raw.request('bench.echo', payload, { timeout: 5000 })),
      // Drain the target (a default turn) so its buffer never overflows.
      settle: async () => {
        await transport.request('target', 'run');
      },
      ...(options.progress === undefined ? {} : { progress: options.progress, label: NAME }),
    });
    return result({
      name: NAME,
      unit: 'us/op',
      value: sampled.value,
      baseline: sampled.baseline,
      goal: NATS_NOTIFY_GOAL,
      info: [
        `value: sendWeakNotifyToLivePeer over createNatsTransport to a pod of startNatsPodServer on ${subject}: memory store reads, liveness (a ping unless heard within 100 ms), decision, notify request + ack`,
        `baseline: nc.request of the same ${payload.length}-byte payload to a responder answering a pod's ${ack.length}-byte ack, on the same nats-server (127.0.0.1)`,
        `median of ${sampled.samples} alternating batches of ${options.batch} per side; all four connections in this process; the pod's buffer drained untimed`,
      ],
    });
  } finally {
    await podServer?.close();
    await raw.close();
    await responder.close();
    await sender.stop();
    await transport.close();
    await pods.stop();
    await server.stop();
  }
}

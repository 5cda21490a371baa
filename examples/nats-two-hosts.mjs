// Two hosts' runtimes sharing one workspace over NATS (docs/nats.md): each connects to its own
// server of a two-server cluster, the companion runs on host A, the orchestrator notifies it from B.
// Start the servers first (the commands are in docs/nats.md), then: node examples/nats-two-hosts.mjs
import { createPodRuntime } from 'podmesh';
import { createNatsKvPodStore, createNatsTransport, startNatsPodServer } from 'podmesh/nats';

const hostA = { servers: process.env.NATS_A ?? 'nats://127.0.0.1:4222' };
const hostB = { servers: process.env.NATS_B ?? 'nats://127.0.0.1:4223' };
const storeA = await createNatsKvPodStore(hostA);
const storeB = await createNatsKvPodStore(hostB);
const runtimeA = createPodRuntime({ store: storeA, transport: createNatsTransport(hostA) });
const runtimeB = createPodRuntime({ store: storeB, transport: createNatsTransport(hostB) });
try {
  await runtimeA.spawnPod({ name: 'yoi', role: 'companion' });
  const server = await startNatsPodServer({ runtime: runtimeA, name: 'yoi', ...hostA });
  await runtimeB.spawnPod({ name: 'yoi-orchestrator', role: 'orchestrator' });
  await runtimeB.discovery('yoi-orchestrator').ensureExistingPeer('yoi');
  const outcome = await runtimeB.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', 'across hosts');
  console.log(`B -> A: ${outcome.type}; yoi holds ${runtimeA.pod('yoi')?.pendingNotices().length} notice(s)`);
  await server.close();
  console.log(`after A's goodbye, B sees yoi ${(await runtimeB.discovery('yoi-orchestrator').inspect('yoi')).live?.status}`);
} finally {
  await runtimeA.stop();
  await runtimeB.stop();
  await storeA.close();
  await storeB.close();
}

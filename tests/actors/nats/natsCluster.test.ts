import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPodRuntime } from '../../../src/index.js';
import { createNatsTransport } from '../../../src/actors/nats/createNatsTransport.js';
import { startNatsPodServer } from '../../../src/actors/nats/startNatsPodServer.js';
import { natsServerAvailable, startNatsCluster } from '../../support/natsServer.js';
import { waitFor } from '../../support/podProcess.js';

const cluster = suite('NATS pods across a 3-server cluster');

cluster('should reach a pod served on one server from a client of another, see it not live when its server dies, and live again once its connection fails over', async () => {
  const servers = await startNatsCluster(3);
  const pods = createPodRuntime({});
  const transport = createNatsTransport({ servers: servers.urls[2]!, requestTimeoutMs: 300, leaseMs: 200, freshMs: 0 });
  try {
    await pods.spawnPod({ name: 'yoi' });
    const server = await startNatsPodServer({ runtime: pods, name: 'yoi', servers: servers.urls[0]!, startCheckMs: 300 });
    // Routes gossip interest within a moment.
    await waitFor(async () => (await transport.probe('yoi'))?.status === 'live', 5000, 'live across the cluster');
    await transport.notify('yoi', 'across routes', { autoRun: false });
    assert.equal(pods.pod('yoi')!.pendingNotices().length, 1);
    assert.is(transport.incarnation('yoi')?.incarnation, server.incarnation);
    await servers.servers[0]!.kill('SIGKILL');
    // The pod's server is gone: not live while its connection finds another.
    const seen = await waitFor(async () => {
      const probed = await transport.probe('yoi');
      return probed?.status === 'live' ? undefined : probed;
    }, 5000, 'not live once its server died', 5);
    assert.ok(seen.status === 'unreachable' || seen.status === 'stopped');
    // Its connection learnt the other servers from the cluster and moves to one: the same incarnation serves again.
    await waitFor(async () => (await transport.probe('yoi'))?.status === 'live', 15_000, 'live again after the failover');
    assert.is(transport.incarnation('yoi')?.incarnation, server.incarnation);
    await transport.notify('yoi', 'after the failover', { autoRun: false });
    assert.equal(pods.pod('yoi')!.pendingNotices().length, 2);
    await server.close();
  } finally {
    await transport.close();
    await pods.stop();
    await servers.stop();
  }
});

if (natsServerAvailable()) cluster.run();
else console.log('skipped: NATS cluster (no nats-server; .ci/run installs it)');

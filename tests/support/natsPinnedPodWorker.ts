/**
 * A pod process cut off with its server, for tests/actors/nats/natsPartition.test.ts:
 * like natsPodWorker.ts, but its NATS connection knows one server only
 * (`ignoreClusterUpdates`: the cluster's other servers, gossiped on connect,
 * are not added), so when that server dies the pod is partitioned from the
 * cluster, and reconnects only when the server is back on its port. The other
 * reconnect settings are those of startNatsPodServer's own connection
 * (connectNats.ts: it never stops trying).
 *
 * Usage: node --import tsx tests/support/natsPinnedPodWorker.ts <nats url> <pod name> [reconnect wait ms]
 *   (the wait between reconnect attempts: the client's default of 2 s unless given)
 *
 * Prints one JSON line per event: `{"live":incarnation}` once it serves,
 * `{"notice":message}` per notice, `{"nats":type,"at":epoch ms}` per
 * disconnect and reconnect of its connection, `{"error":message}` when the
 * start failed (then exits 1). SIGTERM closes the server (a goodbye) and exits 0.
 */
import { createPodRuntime } from '../../src/index.js';
import { connectNats } from '../../src/actors/nats/connectNats.js';
import { startNatsPodServer } from '../../src/actors/nats/startNatsPodServer.js';

const [url, name, waitText] = process.argv.slice(2);
const reconnectTimeWait = waitText === undefined ? undefined : Number(waitText);
if (url === undefined || name === undefined || (reconnectTimeWait !== undefined && !Number.isInteger(reconnectTimeWait))) {
  process.stderr.write('usage: natsPinnedPodWorker.ts <nats url> <pod name> [reconnect wait ms]\n');
  process.exit(2);
}
const say = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

// A buffer larger than every notice the test sends: a dropped notice would read as a lost one.
const runtime = createPodRuntime({ notifyBufferSize: 100_000 });
await runtime.spawnPod({ name });
const nc = await connectNats({ servers: url, ignoreClusterUpdates: true, name: `podmesh-pinned-${name}`, ...(reconnectTimeWait === undefined ? {} : { reconnectTimeWait }) });
void (async () => {
  for await (const status of nc.status()) {
    if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'close') say({ nats: status.type, at: Date.now() });
  }
})();
try {
  const server = await startNatsPodServer({ runtime, name, connection: nc, onNotice: (message) => say({ notice: message }) });
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => nc.close())
      .then(() => runtime.stop())
      .then(() => process.exit(0));
  });
  say({ live: server.incarnation });
} catch (error) {
  say({ error: (error as Error).message });
  await runtime.stop();
  await nc.close();
  process.exit(1);
}

/**
 * A pod process for tests/actors/nats/: a runtime with one pod (memory store),
 * served over NATS by `startNatsPodServer`.
 *
 * Usage: node --import tsx tests/support/natsPodWorker.ts <nats url> <pod name> [namespace]
 *
 * Prints one JSON line per event: `{"live":incarnation}` once it serves,
 * `{"notice":message,"from":sender}` for each notice, `{"superseded":newer}`
 * when a newer incarnation took the name over, `{"error":message}` when the
 * start failed (then exits 1). SIGTERM closes the server (a goodbye) and exits 0.
 */
import { createPodRuntime } from '../../src/index.js';
import { startNatsPodServer } from '../../src/actors/nats/startNatsPodServer.js';

const [url, name, namespace] = process.argv.slice(2);
if (url === undefined || name === undefined) {
  process.stderr.write('usage: natsPodWorker.ts <nats url> <pod name> [namespace]\n');
  process.exit(2);
}
const say = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

const runtime = createPodRuntime({});
await runtime.spawnPod({ name });
try {
  const server = await startNatsPodServer({
    runtime,
    name,
    servers: url,
    ...(namespace === undefined ? {} : { namespace }),
    onNotice: (message, _autoRun, from) => say({ notice: message, from }),
    onSuperseded: (newer) => say({ superseded: newer.incarnation }),
  });
  process.once('SIGTERM', () => {
    void server.close().then(() => runtime.stop()).then(() => process.exit(0));
  });
  say({ live: server.incarnation });
} catch (error) {
  say({ error: (error as Error).message, code: (error as { code?: string }).code });
  await runtime.stop();
  process.exit(1);
}

// Section 4's sender: registers itself as a peer of `target` in the shared
// file store, then, on `go`, sends <count> distinct weak notices to it over
// the socket transport, several in flight. A notice that fails (the pod is
// down) is not sent again; the sender pauses a little so it keeps going
// through the pod's restart instead of burning its notices in a second.
// Prints `p <done>` every 100 notices and one JSON line at the end.
// usage: node noticeSender.mjs <home> <runtimeDir> <name> <count> <inflight> <failPauseMs>
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFsPodStore, createPodRuntime } from '../../dist/index.js';
import { createSocketTransport } from '../../dist/actors/process/createSocketTransport.js';
import { command, fail, out } from './workerIo.mjs';

const [home, runtimeDir, name, count, inflight, failPauseMs] = process.argv.slice(2);
const total = Number(count);
const transport = createSocketTransport({ runtimeDir });
const runtime = createPodRuntime({ store: createFsPodStore(join(home, 'pods')), transport });

try {
  await runtime.spawnPod({ name });
  await runtime.discovery(name).registerPeer('target');
} catch (error) {
  fail(error);
}
const discovery = runtime.discovery(name);
out('ready');
await command('go');

const delivered = [];
const failed = {};
const samples = {};
let next = 0;
let done = 0;
const started = performance.now();
async function lane() {
  while (next < total) {
    const i = next++;
    const outcome = await discovery.sendWeakNotifyToLivePeer('target', `soak ${name} #${i}`);
    if (outcome.type === 'delivered') delivered.push(i);
    else {
      const key = outcome.type === 'skipped-not-live' ? `${outcome.type}/${outcome.status}` : outcome.type;
      failed[key] = (failed[key] ?? 0) + 1;
      samples[key] ??= outcome.error ?? outcome.reason ?? '';
      await sleep(Number(failPauseMs));
    }
    done += 1;
    if (done % 100 === 0) out(`p ${done}`);
  }
}
try {
  await Promise.all(Array.from({ length: Number(inflight) }, lane));
  const ms = performance.now() - started;
  await runtime.stop();
  out(JSON.stringify({ type: 'result', delivered, failed, samples, ms }));
  process.exit(0);
} catch (error) {
  fail(error);
}

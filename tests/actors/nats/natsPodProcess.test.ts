/**
 * Pods served over NATS from other processes (tests/support/natsPodWorker.ts):
 * delivery across two runtimes, a SIGSTOPped pod, kill -9 and the time until a
 * probe says not live, a restart with a new incarnation.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { createMemoryPodStore, createPodRuntime, type PodRuntime } from '../../../src/index.js';
import { createNatsTransport, type NatsTransport } from '../../../src/actors/nats/createNatsTransport.js';
import { createSandbox, repoRoot, waitFor, type PodmeshProcess, type Sandbox } from '../../support/podProcess.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from '../../support/natsServer.js';

const processes = suite('NATS pods in other processes');
const WORKER = join(repoRoot, 'tests', 'support', 'natsPodWorker.ts');
const REQUEST_TIMEOUT_MS = 300;

let server: NatsServer;
let sandbox: Sandbox;
let transport: NatsTransport;
let sender: PodRuntime;

processes.before.each(async () => {
  server = await startNatsServer();
  sandbox = await createSandbox('podmesh-nats-');
  transport = createNatsTransport({ servers: server.url, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  sender = createPodRuntime({ store: createMemoryPodStore(), transport });
  await sender.spawnPod({ name: 'alice' });
  await sender.store.write({ name: 'yoi', peers: [], spawnedChildren: [] });
  await sender.discovery('alice').registerPeer('yoi');
});

processes.after.each(async () => {
  await sender.stop();
  await transport.close();
  await sandbox.cleanup(); // continues and kills every worker
  await server.stop();
});

async function startWorker(name = 'yoi'): Promise<{ proc: PodmeshProcess; incarnation: string }> {
  const proc = sandbox.spawnNode(['--import', 'tsx', WORKER, server.url, name]);
  const match = await proc.waitForStdout(/\{"live":"([^"]+)"\}/);
  return { proc, incarnation: match[1]! };
}

const notify = (message: string) => sender.discovery('alice').sendWeakNotifyToLivePeer('yoi', message);

processes('should deliver a weak notify to a pod of another process, and see its goodbye', async () => {
  const { proc, incarnation } = await startWorker();
  assert.equal(await notify('across processes'), { type: 'delivered' });
  await proc.waitForStdout(/\{"notice":"across processes","from":"alice"\}/);
  assert.is(transport.incarnation('yoi')?.incarnation, incarnation);
  await proc.stop('SIGTERM');
  assert.equal(await transport.probe('yoi'), { status: 'stopped' });
  assert.equal(await notify('after the goodbye'), { type: 'skipped-not-live', status: 'stopped' });
});

processes('should call a SIGSTOPped pod unreachable once the request times out', async () => {
  const { proc } = await startWorker();
  assert.equal(await notify('before'), { type: 'delivered' });
  proc.child.kill('SIGSTOP');
  await new Promise((resolve) => setTimeout(resolve, 150)); // past freshMs: the last ack no longer counts
  const started = performance.now();
  const outcome = await notify('while stopped');
  const ms = performance.now() - started;
  assert.is(outcome.type, 'skipped-not-live');
  assert.is((outcome as { status: string }).status, 'unreachable');
  assert.match((outcome as { reason?: string }).reason ?? '', /no answer to ping within 300 ms/);
  assert.ok(ms >= REQUEST_TIMEOUT_MS - 5 && ms < REQUEST_TIMEOUT_MS + 500, `took ${ms} ms`);
  proc.child.kill('SIGCONT');
  await waitFor(async () => (await transport.probe('yoi'))?.status === 'live', 5000, 'live again after SIGCONT');
});

processes('should see a killed pod as not live at once, and deliver to its restart under a new incarnation', async () => {
  const first = await startWorker();
  assert.equal(await notify('to the first'), { type: 'delivered' });
  await new Promise((resolve) => setTimeout(resolve, 150));
  first.proc.child.kill('SIGKILL');
  const killed = performance.now();
  // The bound: polled every 1 ms until a probe says not live. A ping sent before the kernel closed the
  // killed process's connection waits for its timeout; one sent after is answered no-responders at once.
  const seen = await waitFor(async () => {
    const probed = await transport.probe('yoi');
    return probed?.status === 'live' ? undefined : probed;
  }, 5000, 'not live after kill -9', 1);
  const boundMs = performance.now() - killed;
  await first.proc.exited;
  const afterExit = performance.now();
  const dead = await transport.probe('yoi');
  const deadMs = performance.now() - afterExit;
  console.log(`    kill -9 -> not live in ${boundMs.toFixed(1)} ms (${seen.reason}); a probe after the exit: ${deadMs.toFixed(2)} ms (${dead?.reason})`);
  assert.ok(boundMs < REQUEST_TIMEOUT_MS + 200, `${boundMs} ms`);
  assert.ok(deadMs < 50, `${deadMs} ms`);
  // No goodbye was said: unreachable while the lease runs (stopped after it, below).
  assert.is(seen.status, 'unreachable');
  assert.is(dead?.status, 'unreachable');
  assert.match(dead?.reason ?? '', /no responders, but incarnation/);
  const outcome = await notify('to the dead');
  assert.is(outcome.type, 'skipped-not-live');

  const second = await startWorker();
  assert.is.not(second.incarnation, first.incarnation);
  assert.equal(await notify('to the second'), { type: 'delivered' });
  await second.proc.waitForStdout(/to the second/);
  assert.is(transport.incarnation('yoi')?.incarnation, second.incarnation);
});

processes('should turn a killed pod without a goodbye from unreachable to stopped when its lease ends', async () => {
  const short = createNatsTransport({ servers: server.url, requestTimeoutMs: REQUEST_TIMEOUT_MS, leaseMs: 400, freshMs: 0 });
  try {
    const { proc } = await startWorker();
    assert.equal(await short.probe('yoi'), { status: 'live', activity: 'idle' });
    proc.child.kill('SIGKILL');
    await proc.exited;
    assert.is((await short.probe('yoi'))?.status, 'unreachable');
    await waitFor(async () => (await short.probe('yoi'))?.status === 'stopped', 3000, 'stopped after the lease');
  } finally {
    await short.close();
  }
});

processes('should let a restart take over a hung pod, which steps down when it wakes, its replies ignored', async () => {
  const first = await startWorker();
  assert.equal(await notify('to the first'), { type: 'delivered' });
  first.proc.child.kill('SIGSTOP');
  // The start check of the second times out on the hung first, then it serves.
  const second = await startWorker();
  assert.equal(await notify('to the second'), { type: 'delivered' });
  assert.is(transport.incarnation('yoi')?.incarnation, second.incarnation);
  first.proc.child.kill('SIGCONT');
  // The first answers what it had queued and beats once more with its old incarnation, then hears the second.
  await first.proc.waitForStdout(new RegExp(`\\{"superseded":"${second.incarnation}"\\}`), 10_000);
  for (let i = 0; i < 10; i += 1) {
    assert.equal(await notify(`after the wake ${i}`), { type: 'delivered' });
    assert.is(transport.incarnation('yoi')?.incarnation, second.incarnation);
  }
  await second.proc.waitForStdout(/after the wake 9/);
  assert.not.match(first.proc.stdout(), /after the wake/);
});

if (natsServerAvailable()) processes.run();
else console.log('skipped: NATS pods in other processes (no nats-server; .ci/run installs it)');

/**
 * A simulation over a real nats-server: the records in a KV bucket of the
 * run's own, the companions served over NATS. The same seed must give the
 * same trace as in memory, the traffic must really cross the server, and the
 * run must leave no bucket behind on it.
 */
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { PodmeshError } from '../../src/core/errors.js';
import { createSimulation } from '../../src/simulation/createSimulation.js';
import { natsServerAvailable, startNatsServer, type NatsServer } from '../support/natsServer.js';

const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

const overNats = suite<{ server?: NatsServer; spy?: NatsConnection }>('simulation over a real nats-server');
// Without a nats-server the cases are counted as skipped, never as passed.
const test = natsServerAvailable() ? overNats : overNats.skip;

overNats.after.each(async (context) => {
  await context.spy?.close();
  await context.server?.stop();
});

/** Counts notify requests and KV writes crossing the server while `run` runs. */
async function countTraffic(nc: NatsConnection): Promise<{ notifies: () => number; kvWrites: () => number }> {
  let notifies = 0;
  let kvWrites = 0;
  nc.subscribe('podmesh.*.pod.*.notify', { callback: () => void (notifies += 1) });
  nc.subscribe('$KV.>', { callback: () => void (kvWrites += 1) });
  await nc.flush();
  return { notifies: () => notifies, kvWrites: () => kvWrites };
}

async function bucketNames(nc: NatsConnection): Promise<string[]> {
  const names: string[] = [];
  for await (const status of new Kvm(nc).list()) names.push(status.bucket);
  return names;
}

test('should give the in-memory trace byte for byte over NATS, with the companions reached and the records kept on the server', async (context) => {
  const server = (context.server = await startNatsServer());
  const spy = (context.spy = await connect({ servers: server.url }));
  const traffic = await countTraffic(spy);
  // Every workload and fault kind, companions on a second runtime.
  const scenario = { ...example('flaky-workspace'), steps: 600 };
  const recorded: { memory: string[]; nats: string[] } = { memory: [], nats: [] };
  const memory = await createSimulation({ scenario, onTraceLine: (line) => void recorded.memory.push(line) }).run();
  const nats = await createSimulation({ scenario, nats: { servers: server.url }, onTraceLine: (line) => void recorded.nats.push(line) }).run();
  await spy.flush();

  assert.is(memory.backend, 'memory');
  assert.is(nats.backend, 'nats');
  assert.ok(nats.ok, JSON.stringify(nats.invariants.filter((r) => r.failed > 0)));
  assert.equal(nats.trace, memory.trace, 'the same steps, decisions and outcomes');
  assert.is(nats.traceHash, memory.traceHash);
  // The inspector's recording too: every decision, pod row and reason (a disconnected pod's crosses the wire).
  assert.ok(recorded.nats.some((line) => line.includes('simulated network fault')), 'a reason from across NATS');
  assert.equal(recorded.nats, recorded.memory);
  for (const type of ['delivered', 'skipped-not-live', 'send-failed', 'skipped-missing'] as const) assert.ok(nats.histogram[type] > 0, `${type} never happened`);
  // The deliveries to companions crossed the server; faults planted torn and deleted records in the bucket.
  assert.ok(traffic.notifies() >= 1, `notify requests seen: ${traffic.notifies()}`);
  assert.ok(traffic.kvWrites() > 60, `KV writes seen: ${traffic.kvWrites()}`);
  // Nothing of the run is left: its bucket is destroyed.
  assert.equal((await bucketNames(spy)).filter((name) => name.startsWith('podmesh-sim-')), []);
});

test('should keep every invariant over NATS for other seeds, as in memory', async (context) => {
  const server = (context.server = await startNatsServer());
  const scenario = { ...example('original-bug'), remoteCompanions: true, steps: 250 };
  for (const seed of [1, 2]) {
    const memory = await createSimulation({ scenario, seed }).run();
    const nats = await createSimulation({ scenario, seed, nats: { servers: server.url } }).run();
    assert.ok(nats.ok, JSON.stringify(nats.invariants.filter((r) => r.failed > 0)));
    assert.is(nats.traceHash, memory.traceHash, `seed ${seed}`);
  }
});

test('should refuse a NATS server it cannot reach with a typed error, before any step', async (context) => {
  const server = (context.server = await startNatsServer());
  const port = server.port;
  await server.stop();
  const error = await createSimulation({ scenario: example('original-bug'), nats: { servers: `nats://127.0.0.1:${port}` } })
    .run()
    .then(() => undefined, (caught: unknown) => caught);
  assert.instance(error, PodmeshError);
  assert.is((error as PodmeshError).code, 'invalid-argument');
  assert.match((error as Error).message, `cannot connect to NATS at nats://127.0.0.1:${port}`);
});

overNats.run();

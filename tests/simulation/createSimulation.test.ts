import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimulation, type SimulationInjection, type SimulationResult } from '../../src/simulation/createSimulation.js';
import { noticeProblem } from '../../src/simulation/simulationInvariants.js';
import type { ToolResult } from '../../src/tickets/types.js';
import { isValidPodName } from '../../src/core/validatePodName.js';

const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** A small, busy scenario: every workload and fault kind, few pods. */
const busy = {
  name: 'busy',
  workspaces: 2,
  pods: 16,
  steps: 300,
  initialPeers: 'mixed',
  remoteCompanions: true,
  workload: { lifecycle: 6, passive: 2, spawnChild: 1, registerPeer: 1, directNotify: 3, run: 1 },
  faults: {
    stop: 0.5, start: 0.7, disconnect: 0.5, reconnect: 0.7, deleteMetadata: 0.2, restoreMetadata: 0.4,
    corruptRecord: 0.2, repairRecord: 0.4, oneDirectional: 0.5, storeFailNextWrite: 0.3, transportFail: 0.3, transportTimeout: 0.2,
  },
};

function report(result: SimulationResult, name: string) {
  const found = result.invariants.find((r) => r.name === name);
  assert.ok(found, name);
  return found;
}

const determinism = suite('simulation determinism');

determinism('should give the same trace byte for byte for the same seed and scenario', async () => {
  const a = await createSimulation({ scenario: busy, seed: 11 }).run();
  const b = await createSimulation({ scenario: busy, seed: 11 }).run();
  assert.is(a.traceHash, b.traceHash);
  assert.equal(a.trace, b.trace);
  assert.equal(a.histogram, b.histogram);
  assert.ok(a.ok, JSON.stringify(a.invariants.filter((r) => r.failed > 0)));
});

determinism('should give a different trace for a different seed', async () => {
  const a = await createSimulation({ scenario: busy, seed: 11 }).run();
  const c = await createSimulation({ scenario: busy, seed: 12 }).run();
  assert.is.not(a.traceHash, c.traceHash);
  assert.not.equal(a.trace, c.trace);
});

determinism('should exercise every outcome and keep every invariant in the shipped examples', async () => {
  const flaky = await createSimulation({ scenario: example('flaky-workspace') }).run();
  assert.ok(flaky.ok, JSON.stringify(flaky.invariants.filter((r) => r.failed > 0)));
  for (const [type, count] of Object.entries(flaky.histogram)) assert.ok(count > 0, `${type} never happened`);
  for (const r of flaky.invariants) assert.ok(r.checks > 0, `${r.name} was never checked`);
  const bug = await createSimulation({ scenario: example('original-bug') }).run();
  assert.ok(bug.ok);
  assert.ok(bug.trace.some((line) => / peers=one-directional ensure-at-start=ensured$/.test(line)));
  const big = example('100k-pods');
  const small = await createSimulation({ scenario: { ...big, steps: 200 }, pods: 300 }).run();
  assert.ok(small.ok);
  assert.is(small.pods, 300);
});

determinism('should refuse a pod count below two per workspace', () => {
  assert.throws(() => createSimulation({ scenario: busy, pods: 3 }), /at least 4/);
});

determinism.run();

const broken = suite('simulation invariants catch broken components');

async function runBroken(inject: SimulationInjection, scenario: Record<string, unknown> = busy): Promise<SimulationResult> {
  return createSimulation({ scenario, seed: 5, inject }).run();
}

function assertCaught(result: SimulationResult, name: string, message: RegExp): void {
  const r = report(result, name);
  assert.ok(r.failed > 0, `${name} did not catch the broken component`);
  assert.type(r.failures[0]!.step, 'number');
  assert.match(r.failures[0]!.message, message);
  assert.not.ok(result.ok);
  assert.ok(result.trace.some((line) => line.includes(`!${name}`)), 'the trace marks the step that broke it');
}

broken('should catch a discovery that delivers to pods that are not live peers', async () => {
  const result = await runBroken({
    wrapDiscovery: (discovery, world) => ({
      ...discovery,
      async sendWeakNotifyToLivePeer(peer, message) {
        const pod = isValidPodName(peer) ? world.main.pod(peer) : undefined;
        if (pod === undefined || pod.status !== 'live') return discovery.sendWeakNotifyToLivePeer(peer, message);
        pod.actor.send({ type: 'pod.notify', message, autoRun: false });
        return { type: 'delivered' };
      },
    }),
  });
  assertCaught(result, 'delivered-only-to-live-peer', /not a peer of the sender/);
});

broken('should catch a weak notify that starts a turn', async () => {
  const result = await runBroken({
    wrapDiscovery: (discovery, world) => ({
      ...discovery,
      async sendWeakNotifyToLivePeer(peer, message) {
        const delivery = await discovery.sendWeakNotifyToLivePeer(peer, message);
        if (delivery.type === 'delivered') world.main.pod(peer)?.actor.send({ type: 'pod.notify', message, autoRun: true });
        return delivery;
      },
    }),
  });
  assertCaught(result, 'weak-notify-never-starts-a-turn', /turn/);
});

broken('should catch an ensure that leaves one side unwritten', async () => {
  const result = await runBroken({
    // A store that claims to change a workspace pod's record but drops the write.
    wrapStore: (store) => ({
      ...store,
      addPeer: async (name, peer) => (name.startsWith('ws-') ? true : store.addPeer(name, peer)),
      update: async (name, fn) => (name.startsWith('ws-') ? fn((await store.read(name))!) : store.update(name, fn)),
    }),
  });
  assertCaught(result, 'ensure-leaves-reciprocal-records', /does not hold/);
});

broken('should catch a hook that starts a stopped companion', async () => {
  const result = await runBroken({
    wrapTools: (tools, { companion }, world) => ({
      ...tools,
      async comment(args) {
        const result = await tools.comment(args);
        world().companions.pod(companion)?.start();
        return result;
      },
    }),
  });
  assertCaught(result, 'hook-never-spawns-or-starts-companion', /companion .* is now live/);
});

broken('should catch a passive tool that writes and notifies', async () => {
  const result = await runBroken({
    wrapTools: (tools, { orchestrator }) => ({
      ...tools,
      async list() {
        const result = await tools.list();
        const first = (await orchestrator.board.list())[0];
        if (first !== undefined) {
          const fake: ToolResult = { toolName: 'TicketComment', isError: false, summary: 'x', content: JSON.stringify({ ok: true, ticket: first.id, event: 'comment' }) };
          await orchestrator.handleToolResult(fake);
        }
        return result;
      },
    }),
  });
  assertCaught(result, 'passive-tools-inert', /store write|hook ran|diagnostic/);
});

broken('should catch a transport that lets an oversized notice through', async () => {
  const result = await runBroken({
    wrapTransport: (transport) => ({ ...transport, notify: (name, message, options) => transport.notify(name, `${message} ${'x'.repeat(2000)}`, options) }),
  });
  assertCaught(result, 'notice-within-bounds', /code points/);
});

broken.run();

const notices = suite('noticeProblem');

notices('should accept a well-formed notice and name what is wrong with a bad one', () => {
  const good = ['Ticket event notice (weak; autoRun=false)', 'ticket: T1', 'title: t', 'state: ready', 'event: comment/plan', 'summary: s', 'ref: tickets/T1/thread.md'].join('\n');
  assert.is(noticeProblem(`[Notification]\n${good}`), undefined);
  assert.match(noticeProblem(good) ?? '', /\[Notification\]/);
  assert.match(noticeProblem(`[Notification]\n${good.replace('title: t', `title: ${'t'.repeat(98)}`)}`) ?? '', /title has 98/);
  assert.match(noticeProblem(`[Notification]\n${good.replace('summary: s', 'summary: s\u0007')}`) ?? '', /control character/);
  assert.match(noticeProblem(`[Notification]\n${good}\nextra: line`) ?? '', /8 lines/);
});

notices.run();

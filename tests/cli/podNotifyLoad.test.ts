import * as assert from 'uvu/assert';
import { sandboxSuite, type PodState, runWorkers, type Sandbox } from '../support/podProcess.js';

const SENDERS = ['s0', 's1', 's2', 's3'];
const PER_SENDER = 2_500;
const TOTAL = SENDERS.length * PER_SENDER;

interface SenderResult {
  outcomes: Record<string, number>;
  firstProblem?: string;
}

/** Makes each sender a peer of `target` (records on disk), as an orchestrator would be. */
async function prepareSenders(sandbox: Sandbox, target: string): Promise<void> {
  const { runtime } = sandbox.openRuntime();
  for (const name of SENDERS) {
    await runtime.store.write({ name, role: 'orchestrator', peers: [], spawnedChildren: [] });
    await runtime.discovery(name).registerPeer(target);
  }
  assert.equal((await runtime.store.read(target))?.peers, SENDERS);
}

/** Runs one sender process per name, released together, each sending its share to `target`. */
const runSenders = (sandbox: Sandbox, target: string): Promise<SenderResult[]> =>
  runWorkers<SenderResult>(sandbox, 'notifySender.ts', SENDERS.map((name) => [name, target, String(PER_SENDER)]));

const expectedNotices = (): string[] => SENDERS.flatMap((name) => Array.from({ length: PER_SENDER }, (_, i) => `[Notification]\n${name} ${i}`));

const load = sandboxSuite('pod process under 10,000 notices from 4 processes');

load('should keep all 10,000 notices, each delivered, in a buffer of 10,000', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await s.startPod('yoi', ['--role', 'companion', '--buffer-size', String(TOTAL)]);
  await prepareSenders(s, 'yoi');
  const results = await runSenders(s, 'yoi');
  for (const result of results) assert.equal(result, { outcomes: { delivered: PER_SENDER } });

  const { transport } = s.openRuntime();
  const state = (await transport.request('yoi', 'state', undefined, { timeoutMs: 30_000 })) as PodState;
  assert.is(state.accepted, TOTAL);
  assert.is(state.dropped, 0);
  assert.is(state.pendingNotices.length, TOTAL);
  // Each sender's lanes run at once, so only the set is fixed, not the order.
  assert.equal([...state.pendingNotices].sort(), expectedNotices().sort(), 'every notice once, none lost');
  assert.is(state.diagnostics.warn, 0);
  assert.is(state.turns, 0, 'weak notices start no turn');
  assert.is(state.activity, 'idle');
  assert.ok(pod.isRunning());
});

load('should accept 10,000 notices into the default buffer of 128: keep the newest, drop and warn about the rest', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await s.startPod('yoi', ['--role', 'companion']);
  await prepareSenders(s, 'yoi');
  const results = await runSenders(s, 'yoi');
  // An overflow is the receiver's bounded buffer at work: every send was still accepted, so delivered.
  for (const result of results) assert.equal(result, { outcomes: { delivered: PER_SENDER } });

  const { transport } = s.openRuntime();
  const state = (await transport.request('yoi', 'state', undefined, { timeoutMs: 30_000 })) as PodState;
  assert.is(state.accepted, TOTAL);
  assert.is(state.pendingNotices.length, 128);
  assert.is(state.dropped, TOTAL - 128);
  assert.ok(state.diagnostics.warn >= TOTAL - 128, `one warn per drop (${state.diagnostics.warn} warns)`);
  assert.is(new Set(state.pendingNotices).size, 128, 'the kept notices are distinct');
  const sent = new Set(expectedNotices());
  assert.ok(state.pendingNotices.every((notice) => sent.has(notice)), 'the kept notices are ones that were sent, intact');
  assert.is(state.turns, 0);
  assert.ok(pod.isRunning());
});

load.run();

import * as assert from 'uvu/assert';
import { sandboxSuite, waitFor, type PodState, type Sandbox } from '../support/podProcess.js';

/** A sender in the test process, peered with `yoi` (the pod process). */
async function openSender(sandbox: Sandbox) {
  const opened = sandbox.openRuntime();
  await opened.runtime.store.write({ name: 'yoi-orchestrator', role: 'orchestrator', peers: [], spawnedChildren: [] });
  await opened.runtime.discovery('yoi-orchestrator').registerPeer('yoi');
  return opened;
}

async function stateOf(sandbox: Sandbox, transport: Awaited<ReturnType<typeof openSender>>['transport']): Promise<PodState> {
  await waitFor(async () => (await transport.probe('yoi'))?.status === 'live', 10_000, 'yoi live again');
  return (await transport.request('yoi', 'state')) as PodState;
}

const journal = sandboxSuite('durable notices of a pod process (docs/behaviour.md §3)');

journal('should give back every acknowledged notice after pod stop and start', async ({ sandbox }) => {
  const s = sandbox!;
  const first = await s.startPod('yoi', ['--quiet']);
  const { runtime, transport } = await openSender(s);
  for (const m of ['one', 'two']) {
    assert.equal(await runtime.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', m), { type: 'delivered' });
  }
  assert.is((await s.run(['pod', 'stop', 'yoi'])).code, 0);
  await first.exited;
  await s.startPod('yoi', ['--quiet']);
  assert.equal((await stateOf(s, transport)).pendingNotices, ['[Notification]\none', '[Notification]\ntwo']);
});

journal('should give back every acknowledged notice after kill -9, and none that was consumed', async ({ sandbox }) => {
  const s = sandbox!;
  const first = await s.startPod('yoi', ['--quiet']);
  const { runtime, transport } = await openSender(s);
  const view = runtime.discovery('yoi-orchestrator');
  await view.sendWeakNotifyToLivePeer('yoi', 'consumed by a turn');
  await transport.request('yoi', 'run');
  await waitFor(async () => ((await transport.request('yoi', 'state')) as PodState).turns === 1, 10_000, 'the turn ran');
  const acknowledged: string[] = [];
  for (let i = 0; i < 50; i += 1) {
    if ((await view.sendWeakNotifyToLivePeer('yoi', `n${i}`)).type === 'delivered') acknowledged.push(`[Notification]\nn${i}`);
  }
  assert.is(acknowledged.length, 50, 'a live pod acknowledges every notice');
  first.child.kill('SIGKILL');
  await first.exited;
  await s.startPod('yoi', ['--quiet']);
  assert.equal((await stateOf(s, transport)).pendingNotices, acknowledged, 'all 50 acknowledged, none lost, none doubled');
});

journal('should keep notices in memory only with --no-journal', async ({ sandbox }) => {
  const s = sandbox!;
  const first = await s.startPod('yoi', ['--quiet', '--no-journal']);
  const { runtime, transport } = await openSender(s);
  assert.equal(await runtime.discovery('yoi-orchestrator').sendWeakNotifyToLivePeer('yoi', 'volatile'), { type: 'delivered' });
  first.child.kill('SIGKILL');
  await first.exited;
  await s.startPod('yoi', ['--quiet', '--no-journal']);
  assert.equal((await stateOf(s, transport)).pendingNotices, [], 'what --no-journal promises: nothing survives the process');
});

journal.run();

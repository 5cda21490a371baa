import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { InspectorEvent, PodEvent, PodView } from '../../src/core/inspectorProtocol.js';
import { createHomeFeed, startInspectorServer } from '../../src/inspector/index.js';
import { createFsPodStore } from '../../src/actors/stores/createFsPodStore.js';
import { createSandbox, within } from '../support/podProcess.js';
import { readEventStream } from './readEventStream.js';

const test = suite('createHomeFeed (real pod processes)');

/** Resolves with the first pushed row of `name` that `check` accepts. */
function nextRow(events: InspectorEvent[], wake: Set<() => void>, name: string, check: (pod: PodView) => boolean): Promise<PodView> {
  return new Promise((resolve) => {
    const look = (): void => {
      const found = events.find((e): e is PodEvent => e.type === 'podmesh.pod' && e.pod.name === name && check(e.pod));
      if (found === undefined) return;
      wake.delete(look);
      resolve(found.pod);
    };
    wake.add(look);
    look();
  });
}

test("should follow a stopped pod's record as it changes (watched, not polled: listing and refresh are an hour apart)", async () => {
  const sandbox = await createSandbox('podmesh-inspect-');
  const store = createFsPodStore(sandbox.podsDir);
  await store.write({ name: 'a', peers: ['b'], spawnedChildren: [] });
  await store.write({ name: 'b', peers: ['a'], spawnedChildren: [] });
  const feed = await createHomeFeed({ home: sandbox.home, runtimeDir: sandbox.runtimeDir, relistMs: 3_600_000, refreshMs: 3_600_000 });
  const events: InspectorEvent[] = [];
  const wake = new Set<() => void>();
  const unsubscribe = feed.subscribe((batch) => {
    events.push(...batch);
    for (const look of [...wake]) look();
  });
  try {
    assert.equal(feed.pods().map((p) => [p.name, p.status, p.peers]), [['a', 'stopped', ['b']], ['b', 'stopped', ['a']]]);
    const removed = await sandbox.run(['peer', 'rm', '--as', 'a', 'b']);
    assert.is(removed.code, 0, removed.stderr);
    await within(nextRow(events, wake, 'a', (p) => p.peers.length === 0), 5_000, "a's row without b");
    await within(nextRow(events, wake, 'b', (p) => p.peers.length === 0), 5_000, "b's row without a");
  } finally {
    unsubscribe();
    await feed.close();
    await sandbox.cleanup();
  }
});

test('should show a pod process live, then stopped, from what its socket pushes (no refresh in between)', async () => {
  const sandbox = await createSandbox('podmesh-inspect-');
  // Names are listed often (a new pod is found by its name); live pods are never refreshed: a change must be pushed.
  const feed = await createHomeFeed({ home: sandbox.home, runtimeDir: sandbox.runtimeDir, relistMs: 100, refreshMs: 3_600_000 });
  const events: InspectorEvent[] = [];
  const wake = new Set<() => void>();
  const unsubscribe = feed.subscribe((batch) => {
    events.push(...batch);
    for (const look of [...wake]) look();
  });
  try {
    assert.equal(feed.pods(), [], 'an empty home');
    const pod = await sandbox.startPod('watched', ['--role', 'coder']);
    const live = await within(nextRow(events, wake, 'watched', (p) => p.status === 'live'), 10_000, 'the pod live');
    assert.is(live.role, 'coder');
    assert.is(live.activity, 'idle');
    assert.is(live.pid, pod.pid);
    assert.is(live.queued, 0);

    const pushedBefore = events.length;
    await sandbox.run(['pod', 'pause', 'watched']);
    const paused = await within(nextRow(events.slice(pushedBefore), wake, 'watched', (p) => p.activity === 'paused'), 5_000, 'the pod paused');
    assert.is(paused.status, 'live');

    const stopping = performance.now();
    await pod.stop('SIGTERM');
    const stopped = await within(nextRow(events, wake, 'watched', (p) => p.status === 'stopped'), 5_000, 'the pod stopped');
    assert.ok(performance.now() - stopping < 3000, 'seen stopped soon after the process ended');
    assert.is(stopped.pid, null);
    assert.is(feed.pods().find((p) => p.name === 'watched')?.status, 'stopped');
  } finally {
    unsubscribe();
    await feed.close();
    await sandbox.cleanup();
  }
});

test('should serve a home with pods over real HTTP: hello of mode home and the pods in the first batch', async () => {
  const sandbox = await createSandbox('podmesh-inspect-');
  const pod = await sandbox.startPod('served');
  const feed = await createHomeFeed({ home: sandbox.home, runtimeDir: sandbox.runtimeDir });
  const server = await startInspectorServer({ feed });
  try {
    const stream = await readEventStream(`${server.url}api/events`);
    try {
      const hello = await stream.waitFor((e) => e.type === 'podmesh.hello');
      assert.is(hello.type === 'podmesh.hello' && hello.mode, 'home');
      const pods = await stream.waitFor((e) => e.type === 'podmesh.pods');
      assert.equal(pods.type === 'podmesh.pods' && pods.pods.map((p) => [p.name, p.status]), [['served', 'live']]);
    } finally {
      await stream.close();
    }
  } finally {
    await server.close();
    await feed.close();
    await pod.stop('SIGTERM');
    await sandbox.cleanup();
  }
});

test.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHomeFeed, startInspectorServer } from '../../src/inspector/index.js';
import { createFsPodStore } from '../../src/actors/stores/createFsPodStore.js';
import { createSandbox, within } from '../support/podProcess.js';
import { followRows } from './followRows.js';
import { readEventStream } from './readEventStream.js';

const test = suite('createHomeFeed (real pod processes)');

test("should follow a stopped pod's record as it changes (watched, not polled: listing and refresh are an hour apart)", async () => {
  const sandbox = await createSandbox('podmesh-inspect-');
  const store = createFsPodStore(sandbox.podsDir);
  await store.write({ name: 'a', peers: ['b'], spawnedChildren: [] });
  await store.write({ name: 'b', peers: ['a'], spawnedChildren: [] });
  const feed = await createHomeFeed({ home: sandbox.home, runtimeDir: sandbox.runtimeDir, relistMs: 3_600_000, refreshMs: 3_600_000 });
  const rows = followRows(feed);
  try {
    assert.equal(feed.pods().map((p) => [p.name, p.status, p.peers]), [['a', 'stopped', ['b']], ['b', 'stopped', ['a']]]);
    const removed = await sandbox.run(['peer', 'rm', '--as', 'a', 'b']);
    assert.is(removed.code, 0, removed.stderr);
    await within(rows.next('a', (p) => p.peers.length === 0), 5_000, "a's row without b");
    await within(rows.next('b', (p) => p.peers.length === 0), 5_000, "b's row without a");
  } finally {
    rows.stop();
    await feed.close();
    await sandbox.cleanup();
  }
});

test('should show a pod process live, then stopped, from what its socket pushes (no refresh in between)', async () => {
  const sandbox = await createSandbox('podmesh-inspect-');
  // Names are listed often (a new pod is found by its name); live pods are never refreshed: a change must be pushed.
  const feed = await createHomeFeed({ home: sandbox.home, runtimeDir: sandbox.runtimeDir, relistMs: 100, refreshMs: 3_600_000 });
  const rows = followRows(feed);
  try {
    assert.equal(feed.pods(), [], 'an empty home');
    const pod = await sandbox.startPod('watched', ['--role', 'coder']);
    const live = await within(rows.next('watched', (p) => p.status === 'live'), 10_000, 'the pod live');
    assert.is(live.role, 'coder');
    assert.is(live.activity, 'idle');
    assert.is(live.pid, pod.pid);
    assert.is(live.queued, 0);

    const pushedBefore = rows.events.length;
    await sandbox.run(['pod', 'pause', 'watched']);
    const paused = await within(rows.next('watched', (p) => p.activity === 'paused', pushedBefore), 5_000, 'the pod paused');
    assert.is(paused.status, 'live');

    const stopping = performance.now();
    // Only rows pushed from now on: an early "stopped" row (read before the socket existed) must not count.
    const beforeStop = rows.events.length;
    await pod.stop('SIGTERM');
    const stopped = await within(rows.next('watched', (p) => p.status === 'stopped', beforeStop), 5_000, 'the pod stopped');
    assert.ok(performance.now() - stopping < 3000, 'seen stopped soon after the process ended');
    assert.is(stopped.pid, null);
    assert.is(feed.pods().find((p) => p.name === 'watched')?.status, 'stopped');
  } finally {
    rows.stop();
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

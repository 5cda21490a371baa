import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { errorCode } from '../../../src/core/errors.js';
import { PodStopError, readPodProcess, stopPodProcess, type PodProcessRecord } from '../../../src/actors/process/index.js';
import { sandboxSuite, within, type PodmeshProcess, type Sandbox } from '../../support/podProcess.js';

const linux = process.platform === 'linux';
const present = (path: string): Promise<boolean> => lstat(path).then(
  () => true,
  () => false,
);

/** The rejection of `promise` (bounded); fails the test when it resolves. */
async function rejection(promise: Promise<unknown>, what: string, ms = 15_000): Promise<unknown> {
  return within(
    promise.then(
      (value) => {
        throw new Error(`${what} resolved to ${JSON.stringify(value)}`);
      },
      (error: unknown) => error,
    ),
    ms,
    what,
  );
}

/** A pod process stopped with SIGSTOP: its socket is there, nothing answers. */
async function hungPod(s: Sandbox): Promise<PodmeshProcess> {
  const pod = await s.startPod('yoi');
  pod.child.kill('SIGSTOP');
  return pod;
}

const stops = sandboxSuite('stopPodProcess against pod processes');

stops('should stop a pod that answers through its socket, and say not-running once it is gone', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await s.startPod('yoi');
  const record = await readPodProcess(s.runtimeDir, 'yoi');
  assert.is(record?.pid, pod.pid);
  assert.equal(await within(stopPodProcess(s.runtimeDir, 'yoi'), 15_000, 'stopping'), { outcome: 'stopped', pid: pod.pid });
  assert.equal(await within(pod.exited, 5_000, 'the pod exiting'), { code: 0, signal: null }, 'a clean exit, not a kill');
  assert.not.ok(await present(join(s.runtimeDir, 'yoi', 'sock')));
  assert.not.ok(await present(join(s.runtimeDir, 'yoi', 'process.json')), 'the pod removed its record');
  assert.equal(await stopPodProcess(s.runtimeDir, 'yoi'), { outcome: 'not-running' });
  assert.equal(await stopPodProcess(s.runtimeDir, 'never-started'), { outcome: 'not-running' });
});

stops('should refuse a hung pod without force, naming --force, and signal nothing', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await hungPod(s);
  try {
    const started = performance.now();
    const error = await rejection(stopPodProcess(s.runtimeDir, 'yoi', { graceMs: 1_000 }), 'a stop without force');
    assert.instance(error, PodStopError);
    assert.is(errorCode(error), 'pod-not-live');
    assert.match((error as Error).message, /--force/);
    assert.ok(performance.now() - started < 3_000, 'the probe gave up near 500 ms');
    assert.ok(pod.isRunning(), 'nothing was signalled');
  } finally {
    pod.child.kill('SIGCONT');
  }
});

stops('should SIGKILL a hung pod with force, then remove its sock and process.json and leave pod.lock', async ({ sandbox }) => {
  if (!linux) return;
  const s = sandbox!;
  const pod = await hungPod(s);
  const result = await within(stopPodProcess(s.runtimeDir, 'yoi', { force: true, graceMs: 1_000 }), 15_000, 'a forced stop');
  assert.equal(result, { outcome: 'killed', pid: pod.pid });
  assert.equal(await within(pod.exited, 5_000, 'the killed pod exiting'), { code: null, signal: 'SIGKILL' });
  assert.not.ok(await present(join(s.runtimeDir, 'yoi', 'sock')), 'sock removed');
  assert.not.ok(await present(join(s.runtimeDir, 'yoi', 'process.json')), 'process.json removed');
  assert.ok(await present(join(s.runtimeDir, 'yoi', 'pod.lock')), 'pod.lock left for the stale takeover');
  // The name can be served again.
  const next = await s.startPod('yoi');
  assert.is((await readPodProcess(s.runtimeDir, 'yoi'))?.pid, next.pid);
});

stops('should signal nothing when the recorded pid is not the pod process any more (not-owned)', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await hungPod(s);
  try {
    const path = join(s.runtimeDir, 'yoi', 'process.json');
    const record = JSON.parse(await readFile(path, 'utf8')) as PodProcessRecord;
    // The same pid with another start time: what a reused pid looks like.
    await writeFile(path, JSON.stringify({ ...record, startTicks: String(BigInt(record.startTicks ?? '0') + 1n) }));
    const error = await rejection(stopPodProcess(s.runtimeDir, 'yoi', { force: true, graceMs: 500 }), 'a forced stop of a foreign pid');
    assert.is(errorCode(error), 'not-owned');
    assert.match((error as Error).message, new RegExp(`pid ${pod.pid}`));
    assert.ok(pod.isRunning(), 'nothing was signalled');
    assert.ok(await present(join(s.runtimeDir, 'yoi', 'sock')), 'nothing was removed');
  } finally {
    pod.child.kill('SIGCONT');
  }
});

stops('should call a crashed pod not-running, and with force remove what it left', async ({ sandbox }) => {
  const s = sandbox!;
  const pod = await s.startPod('yoi');
  await pod.stop('SIGKILL');
  assert.ok(await present(join(s.runtimeDir, 'yoi', 'sock')), 'a crash leaves the socket');
  assert.equal(await stopPodProcess(s.runtimeDir, 'yoi'), { outcome: 'not-running', pid: pod.pid });
  assert.ok(await present(join(s.runtimeDir, 'yoi', 'sock')), 'without force nothing is removed');
  assert.equal(await stopPodProcess(s.runtimeDir, 'yoi', { force: true }), { outcome: 'not-running', pid: pod.pid });
  assert.not.ok(await present(join(s.runtimeDir, 'yoi', 'sock')));
  assert.not.ok(await present(join(s.runtimeDir, 'yoi', 'process.json')));
});

stops.run();

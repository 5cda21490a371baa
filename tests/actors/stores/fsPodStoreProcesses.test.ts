import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore, METADATA_FILE } from '../../../src/actors/stores/createFsPodStore.js';
import { FileLockError, lockFile } from '../../../src/actors/stores/lockFile.js';
import type { PodMetadata } from '../../../src/core/types.js';
import { pod, rejection } from '../../support/assertions.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const workerScript = join(repoRoot, 'tests', 'support', 'fsStoreWorker.ts');
/** Bound on one worker's whole life (tsx start-up included), so a hung lock fails the test instead of the run. */
const WORKER_TIMEOUT_MS = 60_000;

interface Context {
  outer: string;
  root: string;
  children: ChildProcessWithoutNullStreams[];
}

const exited = (child: ChildProcessWithoutNullStreams): boolean => child.exitCode !== null || child.signalCode !== null;

interface WorkerResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Worker {
  ready: Promise<void>;
  done: Promise<WorkerResult>;
  go(): void;
}

/** Starts tests/support/fsStoreWorker.ts; it waits for `go()` before touching the store. */
function startWorker(context: Context, args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, ...args], { cwd: repoRoot, stdio: 'pipe' });
  context.children.push(child);
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolvePromise) => {
    markReady = resolvePromise;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<WorkerResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  // A worker that dies before `ready` must not leave the test waiting on it.
  void done.then(markReady, markReady);
  return { ready, done, go: () => child.stdin.end('go\n') };
}

/** Resolves `promise`, or rejects after `ms`; the timer never outlives it. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts one worker per argument list, releases them together and waits for all to succeed. */
async function runWorkers(context: Context, argLists: string[][]): Promise<WorkerResult[]> {
  const workers = argLists.map((args) => startWorker(context, args));
  const all = (async () => {
    await Promise.all(workers.map((worker) => worker.ready));
    for (const worker of workers) worker.go();
    return Promise.all(workers.map((worker) => worker.done));
  })();
  const results = await within(all, WORKER_TIMEOUT_MS, 'the workers');
  for (const result of results) {
    assert.is(result.code, 0, `worker failed (${result.signal ?? result.code}): ${result.stderr}`);
  }
  return results;
}

const processes = suite<Context>('createFsPodStore across processes', { outer: '', root: '', children: [] });

processes.before.each(async (context) => {
  context.outer = await mkdtemp(join(tmpdir(), 'podmesh-fs-processes-'));
  context.root = join(context.outer, 'pods');
  context.children = [];
});

processes.after.each(async (context) => {
  // Only a failed test leaves a worker running: end exactly the ones it started.
  await Promise.all(
    context.children
      .filter((child) => !exited(child))
      .map(
        (child) =>
          new Promise<void>((resolvePromise) => {
            child.once('close', () => resolvePromise());
            child.kill('SIGKILL');
          }),
      ),
  );
  context.children = [];
  await rm(context.outer, { recursive: true, force: true });
});

processes('should land all 200 addPeer calls of 4 processes on one record', async (context) => {
  const store = createFsPodStore(context.root);
  await store.write(pod('hub', { role: 'orchestrator', spawnedChildren: ['kid'] }));
  const prefixes = ['w0', 'w1', 'w2', 'w3'];
  const results = await runWorkers(
    context,
    prefixes.map((prefix) => [context.root, 'hub', 'add-peers', '50', prefix]),
  );
  for (const result of results) assert.equal(JSON.parse(result.stdout.split('\n')[1] ?? ''), { changed: 50 });
  const expected = prefixes.flatMap((prefix) => Array.from({ length: 50 }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`));
  const record = await store.read('hub');
  assert.is(record?.peers.length, 200);
  assert.equal(record, pod('hub', { role: 'orchestrator', peers: expected.sort(), spawnedChildren: ['kid'] }));
  assert.equal(await readdir(join(context.root, 'hub')), [METADATA_FILE], 'no lock folder or temp file left');
});

processes('should count to exactly 200 with two processes each incrementing 100 times', async (context) => {
  const store = createFsPodStore(context.root);
  await store.write(pod('counted', { peers: ['p'] }));
  await runWorkers(context, [
    [context.root, 'counted', 'count', '100'],
    [context.root, 'counted', 'count', '100'],
  ]);
  assert.equal(await store.read('counted'), { ...pod('counted', { peers: ['p'] }), counter: 200 });
  assert.equal(await readdir(join(context.root, 'counted')), [METADATA_FILE]);
});

/** Leaves the lock folder of a holder that died a minute ago next to `name`'s record. */
async function leaveStaleLock(root: string, name: string): Promise<string> {
  const lock = join(root, name, `${METADATA_FILE}.lock`);
  await mkdir(lock, { recursive: true });
  const aMinuteAgo = new Date(Date.now() - 60_000);
  await utimes(lock, aMinuteAgo, aMinuteAgo);
  return lock;
}

processes('should take over the lock of a crashed holder and update the record', async ({ root }) => {
  const store = createFsPodStore(root);
  await store.write(pod('a'));
  await leaveStaleLock(root, 'a');
  const started = performance.now();
  assert.is(await store.addPeer('a', 'b'), true);
  assert.ok(performance.now() - started < 5_000, 'a stale lock is taken over, not waited out');
  await store.update('a', (record) => ({ ...record, role: 'coder' }));
  assert.equal(await store.read('a'), pod('a', { role: 'coder', peers: ['b'] }));
  assert.equal(await readdir(join(root, 'a')), [METADATA_FILE]);
});

processes('should not list a pod folder that holds only a lock folder, nor a lock folder as a pod', async ({ root }) => {
  const store = createFsPodStore(root);
  await store.write(pod('a'));
  await leaveStaleLock(root, 'a');
  await leaveStaleLock(root, 'crashed-before-first-write');
  assert.equal(await store.listNames(), ['a']);
  assert.is(await store.read('crashed-before-first-write'), null);
});

processes('should delete the pod folder when a lock folder was all that was left with the record', async ({ root }) => {
  const store = createFsPodStore(root);
  await store.write(pod('a'));
  await store.write(pod('b'));
  await leaveStaleLock(root, 'b');
  assert.is(await store.delete('a'), true);
  assert.is(await store.delete('b'), true);
  assert.equal(await readdir(root), []);
  assert.is(await store.delete('b'), false);
  assert.equal(await readdir(root), [], 'deleting a missing record creates nothing');
});

processes('should write a first record, creating its folder, while a stale lock sits where it goes', async ({ root }) => {
  await leaveStaleLock(root, 'fresh');
  const store = createFsPodStore(root);
  await store.write(pod('fresh', { peers: ['x'] }));
  assert.equal(await store.read('fresh'), pod('fresh', { peers: ['x'] }));
  assert.equal(await readdir(join(root, 'fresh')), [METADATA_FILE]);
});

processes.run();

const locks = suite<Context>('lockFile', { outer: '', root: '', children: [] });

locks.before.each(async (context) => {
  context.outer = await mkdtemp(join(tmpdir(), 'podmesh-lock-file-'));
});

locks.after.each(async (context) => {
  await rm(context.outer, { recursive: true, force: true });
});

locks('should make later takers wait and give up with FileLockError lock-timeout', async ({ outer }) => {
  const file = join(outer, 'record.json');
  const held = await lockFile(file);
  const error = await rejection(lockFile(file, { maxWait: 50 }));
  assert.instance(error, FileLockError);
  assert.is((error as FileLockError).code, 'lock-timeout');
  assert.is((error as FileLockError).file, file);
  held.assertHeld();
  await held.release();
  await held.release();
  const again = await lockFile(file, { maxWait: 50 });
  await again.release();
  assert.equal(await readdir(outer), []);
});

locks('should fail at once, not after the wait, when the folder does not exist', async ({ outer }) => {
  const started = performance.now();
  const error = await rejection(lockFile(join(outer, 'missing', 'record.json'), { maxWait: 10_000 }));
  assert.is((error as { code?: unknown }).code, 'ENOENT');
  assert.ok(performance.now() - started < 1_000);
  await expectMissing(join(outer, 'missing'));
});

async function expectMissing(path: string): Promise<void> {
  const error = await rejection(stat(path));
  assert.is((error as { code?: unknown }).code, 'ENOENT');
}

locks('should report a lock lost while held to the holder instead of throwing from a timer', async ({ outer }) => {
  const file = join(outer, 'record.json');
  let report: (error: FileLockError) => void = () => undefined;
  const lost = new Promise<FileLockError>((resolvePromise) => {
    report = resolvePromise;
  });
  // The smallest refresh interval proper-lockfile allows: the loss is noticed within about a second.
  const held = await lockFile(file, { stale: 2_000, update: 1_000, onCompromised: (error) => report(error) });
  held.assertHeld();
  await rm(`${file}.lock`, { recursive: true });
  const error = await within(lost, 5_000, 'noticing the lost lock');
  assert.instance(error, FileLockError);
  assert.is(error.code, 'lock-lost');
  try {
    held.assertHeld();
    assert.unreachable('a lost lock must not assert as held');
  } catch (thrown) {
    assert.is(thrown, error);
  }
  await held.release();
  await expectMissing(`${file}.lock`);
});

locks.run();

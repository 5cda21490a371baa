import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsNoticeJournal, replayNoticeJournal } from '../../../src/actors/stores/createFsNoticeJournal.js';
import { createPodRuntime, type PodRuntime } from '../../../src/index.js';
import { rejection } from '../../support/assertions.js';

const journal = suite('createFsNoticeJournal');
let dir = '';
journal.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podmesh-journal-'));
});
journal.after.each(async () => {
  await rm(dir, { recursive: true, force: true });
});

journal('should replay appends, consumptions and whole queues in order', async () => {
  const j = createFsNoticeJournal(join(dir, 'notices'));
  await j.record('yoi', { consumed: 0, added: ['a', 'b', 'c'] });
  await j.record('yoi', { consumed: 2, added: ['d'] });
  await j.record('other', { consumed: 0, added: ['x'] });
  assert.equal(await j.load('yoi'), { queue: ['c', 'd'], skipped: 0 });
  await j.record('yoi', { queue: ['z'] });
  await j.close?.();
  const again = createFsNoticeJournal(join(dir, 'notices'));
  assert.equal(await again.load('yoi'), { queue: ['z'], skipped: 0 });
  assert.equal(await again.load('other'), { queue: ['x'], skipped: 0 });
  assert.equal(await again.load('nobody'), { queue: [], skipped: 0 });
});

journal('should skip a torn last line and damaged lines, keeping every whole one', () => {
  const text = '{"a":"one"}\n{"a":"two"}\nnot json\n{"x":1}\n{"c":1}\n{"a":"thr';
  assert.equal(replayNoticeJournal(text), { queue: ['two'], skipped: 3 });
  assert.equal(replayNoticeJournal(''), { queue: [], skipped: 0 });
});

journal('should write files 0600 in a folder 0700, and never follow a link', async () => {
  const notices = join(dir, 'notices');
  const j = createFsNoticeJournal(notices);
  await j.record('yoi', { consumed: 0, added: ['secret notice'] });
  assert.is((await stat(notices)).mode & 0o777, 0o700);
  assert.is((await stat(join(notices, 'yoi.jsonl'))).mode & 0o777, 0o600);
  const outside = join(dir, 'outside.txt');
  await writeFile(outside, 'untouched\n');
  await symlink(outside, join(notices, 'planted.jsonl'));
  await rejection(j.record('planted', { consumed: 0, added: ['x'] }));
  assert.is(await readFile(outside, 'utf8'), 'untouched\n', 'nothing written through the link');
  assert.equal(await j.load('planted'), { queue: [], skipped: 1 }, 'a link loads as nothing, and says so');
  await j.close?.();
});

journal('should let many changes waiting together share flushes, each resolving once durable', async () => {
  const j = createFsNoticeJournal(join(dir, 'notices'));
  const messages = Array.from({ length: 500 }, (_, i) => `n${i}`);
  await Promise.all(messages.map((m) => j.record('yoi', { consumed: 0, added: [m] })));
  const text = await readFile(join(dir, 'notices', 'yoi.jsonl'), 'utf8');
  assert.equal(replayNoticeJournal(text).queue, messages, 'every change on disk, in order, when all resolved');
  await j.close?.();
});

journal('should rewrite a file that grew far past its queue as one line', async () => {
  const j = createFsNoticeJournal(join(dir, 'notices'), { compactAfterBytes: 4096 });
  for (let i = 0; i < 400; i += 1) {
    await j.record('yoi', { consumed: 0, added: [`notice ${i} ${'x'.repeat(20)}`] });
    await j.record('yoi', { consumed: 1, added: [] });
  }
  await j.record('yoi', { consumed: 0, added: ['last'] });
  const file = join(dir, 'notices', 'yoi.jsonl');
  assert.ok((await stat(file)).size < 8192, `compacted to ${(await stat(file)).size} bytes`);
  assert.equal((await j.load('yoi')).queue, ['last']);
  await j.remove('yoi');
  assert.equal((await j.load('yoi')).queue, []);
  await j.close?.();
});

journal('should start a line of its own after a torn last line, so the next notice survives (review counterexample)', async () => {
  const notices = join(dir, 'notices');
  await mkdir(notices);
  await writeFile(join(notices, 'p.jsonl'), '{"a":"x"}\n{"a":"to');
  const j = createFsNoticeJournal(notices);
  assert.equal(await j.load('p'), { queue: ['x'], skipped: 1 });
  await j.record('p', { consumed: 0, added: ['y'] });
  await j.close?.();
  assert.equal((await createFsNoticeJournal(notices).load('p')).queue, ['x', 'y']);
});

journal('should compact only what is written: a change waiting behind the rewrite is applied once (review counterexample)', async () => {
  const notices = join(dir, 'notices');
  await mkdir(notices);
  await writeFile(join(notices, 'p.jsonl'), Array.from({ length: 30 }, (_, i) => `${JSON.stringify({ a: `m${i}` })}\n`).join(''));
  const j = createFsNoticeJournal(notices, { compactAfterBytes: 200 });
  assert.is((await j.load('p')).queue.length, 30);
  const first = j.record('p', { consumed: 0, added: ['A'] });
  // The first group is taken and opening the file; the next change waits for the group after it.
  await new Promise((resolve) => setImmediate(resolve));
  const second = j.record('p', { consumed: 29, added: ['B'] });
  await Promise.all([first, second]);
  await j.close?.();
  assert.equal((await createFsNoticeJournal(notices).load('p')).queue, ['m29', 'A', 'B']);
});

journal('should write the whole queue after a failed write, so later drops count right (review counterexample)', async () => {
  const notices = join(dir, 'notices');
  // A file where the folder should be: the first write fails as a full disk would.
  await writeFile(notices, 'x');
  const j = createFsNoticeJournal(notices);
  assert.ok(await rejection(j.record('p', { consumed: 0, added: ['A'] })));
  await rm(notices);
  await j.record('p', { consumed: 0, added: ['C'] });
  await j.record('p', { consumed: 0, added: ['D'] });
  // A turn consumed A and C: the queue is [D].
  await j.record('p', { consumed: 2, added: [] });
  await j.close?.();
  assert.equal((await createFsNoticeJournal(notices).load('p')).queue, ['D']);
});

journal('should refuse a FIFO planted in place of a journal instead of blocking on it', async () => {
  if (process.platform === 'win32') return;
  const notices = join(dir, 'notices');
  await mkdir(notices);
  execFileSync('mkfifo', [join(notices, 'p.jsonl')]);
  const j = createFsNoticeJournal(notices);
  const error = await rejection(j.record('p', { consumed: 0, added: ['A'] }));
  assert.match(String((error as Error).message), /not a regular file/);
});

journal.run();

const durable = suite('runtime with a notice journal (docs/behaviour.md §3)');
let runtime: PodRuntime | undefined;
durable.before.each(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podmesh-journal-'));
});
durable.after.each(async () => {
  await runtime?.stop();
  runtime = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A runtime over one store and one journal folder, as a restarted process would open them. */
async function open(turn?: () => Promise<void>, notifyBufferSize?: number): Promise<PodRuntime> {
  const { createFsPodStore } = await import('../../../src/index.js');
  runtime = createPodRuntime({
    store: createFsPodStore(join(dir, 'pods')),
    journal: createFsNoticeJournal(join(dir, 'notices')),
    ...(turn === undefined ? {} : { turn }),
    ...(notifyBufferSize === undefined ? {} : { notifyBufferSize }),
  });
  await runtime.spawnPod({ name: 'yoi' });
  await runtime.spawnPod({ name: 'sender' });
  await runtime.discovery('sender').ensureExistingPeer('yoi');
  return runtime;
}

durable('should acknowledge a notice only once it is on disk, and give it back after a restart', async () => {
  const first = await open();
  assert.equal(await first.discovery('sender').sendWeakNotifyToLivePeer('yoi', 'keep me'), { type: 'delivered' });
  // On disk at the acknowledgement: read the file without the runtime's help.
  const text = await readFile(join(dir, 'notices', 'yoi.jsonl'), 'utf8');
  assert.equal(replayNoticeJournal(text).queue, ['keep me']);
  await first.stop();
  const second = await open();
  assert.equal(second.pod('yoi')!.pendingNotices(), ['[Notification]\nkeep me']);
});

durable('should forget what a completed turn consumed, and keep what an interrupted one did not', async () => {
  let finish: (() => void) | undefined;
  const first = await open(() => new Promise<void>((resolve) => (finish = resolve)));
  const view = first.discovery('sender');
  await view.sendWeakNotifyToLivePeer('yoi', 'one');
  first.pod('yoi')!.run();
  await new Promise((resolve) => setImmediate(resolve));
  finish!();
  await new Promise((resolve) => setImmediate(resolve));
  await view.sendWeakNotifyToLivePeer('yoi', 'two');
  first.pod('yoi')!.run(); // a turn takes "two" and is cut short by the stop
  await new Promise((resolve) => setImmediate(resolve));
  await first.stop();
  const second = await open();
  assert.equal(second.pod('yoi')!.pendingNotices(), ['[Notification]\ntwo'], 'one was consumed, two was not');
});

durable('should keep the newest notices when the buffer overflowed, as the live buffer did', async () => {
  runtime = createPodRuntime({ journal: createFsNoticeJournal(join(dir, 'notices')), notifyBufferSize: 2 });
  await runtime.spawnPod({ name: 'yoi' });
  await runtime.spawnPod({ name: 'sender' });
  await runtime.discovery('sender').ensureExistingPeer('yoi');
  for (const m of ['a', 'b', 'c']) await runtime.discovery('sender').sendWeakNotifyToLivePeer('yoi', m);
  const text = await readFile(join(dir, 'notices', 'yoi.jsonl'), 'utf8');
  assert.equal(replayNoticeJournal(text).queue, ['b', 'c'], 'the drop is journaled');
  assert.ok(runtime.diagnostics.recent().some((r) => r.scope === 'pod' && r.level === 'warn'), 'and warned');
});

durable('should warn, count and journal the drop when a restored queue is longer than the buffer (review counterexample)', async () => {
  // A turn holds a and b when c and d arrive: the queue is four notices long, the buffer two.
  const first = await open(() => new Promise<void>(() => undefined), 2);
  const view = first.discovery('sender');
  for (const m of ['a', 'b']) await view.sendWeakNotifyToLivePeer('yoi', m);
  first.pod('yoi')!.run();
  await new Promise((resolve) => setImmediate(resolve));
  for (const m of ['c', 'd']) assert.equal(await view.sendWeakNotifyToLivePeer('yoi', m), { type: 'delivered' });
  assert.equal(replayNoticeJournal(await readFile(join(dir, 'notices', 'yoi.jsonl'), 'utf8')).queue, ['a', 'b', 'c', 'd']);
  await first.stop();
  runtime = undefined;
  const second = await open(undefined, 2);
  const pod = second.pod('yoi')!;
  assert.equal(pod.pendingNotices(), ['[Notification]\nc', '[Notification]\nd'], 'the newest, as an overflow keeps');
  assert.is(pod.actor.getSnapshot().context.dropped, 2);
  const warn = second.diagnostics.recent().find((r) => r.message.includes('more notices than the buffer holds'));
  assert.equal(warn?.fields, { pod: 'yoi', outcome: 'dropped 2' });
  // The journal agrees with the pod, so a completed turn leaves nothing to come back.
  pod.run();
  for (let i = 0; i < 200 && !(pod.pendingNotices().length === 0 && pod.activity === 'idle'); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.is(pod.activity, 'idle');
  await second.stop();
  runtime = undefined;
  assert.equal(replayNoticeJournal(await readFile(join(dir, 'notices', 'yoi.jsonl'), 'utf8')).queue, []);
});

durable('should warn about damaged journal entries when it restores a queue', async () => {
  await mkdir(join(dir, 'notices'), { recursive: true });
  await appendFile(join(dir, 'notices', 'yoi.jsonl'), '{"a":"whole"}\ngarbage\n');
  const restored = await open();
  assert.equal(restored.pod('yoi')!.pendingNotices(), ['[Notification]\nwhole']);
  const warn = restored.diagnostics.recent().find((r) => r.message.includes('damaged'));
  assert.equal(warn?.fields, { pod: 'yoi', outcome: 'skipped 1' });
});

durable.run();

import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTicketBoard } from '../../src/tickets/createTicketBoard.js';
import type { TicketBoard } from '../../src/tickets/createTicketBoard.js';
import { TICKET_ID_PATTERN, createTicketIdGenerator } from '../../src/tickets/createTicketIds.js';
import { TicketError } from '../../src/tickets/ticketError.js';
import type { TicketErrorCode } from '../../src/tickets/ticketError.js';
import { formatThread, parseItem, parseThread } from '../../src/tickets/ticketFiles.js';
import type { TicketState } from '../../src/machines/ticketMachine.js';

const board = suite('createTicketBoard');

async function rejects(promise: Promise<unknown>, code: TicketErrorCode): Promise<TicketError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, TicketError);
    assert.is((error as TicketError).code, code);
    return error as TicketError;
  }
  assert.unreachable(`expected a ${code} rejection`);
  throw new Error('unreachable');
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'podmesh-tickets-'));
  try {
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A clock that moves only when told to. */
function fakeClock(start = Date.UTC(2024, 0, 1)) {
  let time = start;
  return { now: () => time, tick: (ms = 1) => void (time += ms) };
}

async function walkThrough(b: TicketBoard, id: string, states: TicketState[]): Promise<void> {
  for (const to of states) await b.setState(id, to);
}

board('should create tickets in planning and keep them in memory', async () => {
  const clock = fakeClock();
  const b = createTicketBoard({ now: clock.now });
  assert.is(b.dir, undefined);
  const t = await b.create({ title: '  Fix\tthe\nbuild  ', body: 'details' });
  assert.match(t.id, TICKET_ID_PATTERN);
  assert.is(t.title, 'Fix the build');
  assert.is(t.body, 'details');
  assert.is(t.state, 'planning');
  assert.is(t.createdAt, '2024-01-01T00:00:00.000Z');
  assert.equal(t.thread, []);
  assert.is(t.resolution, undefined);
  assert.ok(Object.isFrozen(t));
  assert.equal(await b.get(t.id), t);
  assert.equal(await b.list(), [t]);
  assert.is((await b.create({ title: 'no body' })).body, '');
});

board('should walk the whole lifecycle, thread and resolution included', async () => {
  const clock = fakeClock();
  const b = createTicketBoard({ now: clock.now });
  const { id } = await b.create({ title: 'T' });
  clock.tick();
  await b.comment(id, { event: 'plan', body: 'the plan' });
  await b.review(id, { review: 'approve' });
  const ready = await b.intakeReady(id);
  assert.is(ready.from, 'planning');
  assert.is(ready.ticket.state, 'ready');
  assert.is(ready.ticket.updatedAt, '2024-01-01T00:00:00.001Z');
  await walkThrough(b, id, ['queued', 'inprogress', 'queued', 'inprogress', 'done']);
  const closed = await b.close(id, 'shipped');
  assert.is(closed.from, 'done');
  assert.is(closed.ticket.state, 'closed');
  assert.is(closed.ticket.resolution, 'shipped');
  assert.equal(
    closed.ticket.thread.map((e) => [e.kind, e.event, e.body]),
    [
      ['comment', 'plan', 'the plan'],
      ['review', 'approve', ''],
    ],
  );
});

board('should refuse moves the machine does not allow', async () => {
  const b = createTicketBoard();
  const { id } = await b.create({ title: 'T' });
  await rejects(b.setState(id, 'queued'), 'invalid-transition');
  await rejects(b.setState(id, 'planning'), 'invalid-transition');
  await rejects(b.setState(id, 'closed'), 'invalid-transition');
  await rejects(b.setState(id, 'nope' as TicketState), 'invalid-input');
  await b.setState(id, 'ready');
  await rejects(b.intakeReady(id), 'invalid-transition');
  await b.close(id, 'dropped');
  await rejects(b.close(id, 'again'), 'invalid-transition');
  await rejects(b.setState(id, 'queued'), 'invalid-transition');
  const after = await b.get(id);
  assert.is(after?.state, 'closed');
  assert.is(after?.resolution, 'dropped');
});

board('should refuse invalid input with invalid-input', async () => {
  const b = createTicketBoard();
  await rejects(b.create({ title: '' }), 'invalid-input');
  await rejects(b.create({ title: ' \n\t ' }), 'invalid-input');
  await rejects(b.create({ title: 42 } as never), 'invalid-input');
  await rejects(b.create(null as never), 'invalid-input');
  await rejects(b.create({ title: 'x'.repeat(501) }), 'invalid-input');
  assert.is((await b.create({ title: '語'.repeat(500) })).title.length, 500);
  await rejects(b.create({ title: 'T', body: 'x'.repeat(1024 * 1024 + 1) }), 'invalid-input');
  // 1 MiB is measured in UTF-8 bytes: 400,000 three-byte characters are too many.
  await rejects(b.create({ title: 'T', body: '語'.repeat(400_000) }), 'invalid-input');
  const { id } = await b.create({ title: 'T', body: 'x'.repeat(1024 * 1024) });
  await rejects(b.comment(id, { event: 'chat', body: 'x' }), 'invalid-input');
  await rejects(b.comment(id, { event: 'plan', body: 7 } as never), 'invalid-input');
  await rejects(b.review(id, { review: 'lgtm' }), 'invalid-input');
  await rejects(b.close(id, { text: 'x' } as never), 'invalid-input');
  await rejects(b.close(id, 'x'.repeat(1024 * 1024 + 1)), 'invalid-input');
  assert.is((await b.get(id))?.state, 'planning');
  assert.is((await b.get(id))?.thread.length, 0);
});

board('should give unique ids sorted by creation within one fake millisecond', async () => {
  let seed = 1;
  // A poor random source on purpose: ids must not rely on it for uniqueness.
  const b = createTicketBoard({ now: () => 1_700_000_000_000, random: () => (seed = (seed * 7) % 11) / 11 });
  const ids: string[] = [];
  for (let i = 0; i < 1000; i += 1) ids.push((await b.create({ title: `t${i}` })).id);
  assert.is(new Set(ids).size, 1000);
  assert.equal([...ids].sort(), ids);
  assert.equal((await b.list()).map((t) => t.id), ids);
  for (const id of ids) assert.match(id, TICKET_ID_PATTERN);
});

board('should take the random part of ids from a secure source unless a random source is given', async () => {
  const original = Math.random;
  let calls = 0;
  Math.random = () => {
    calls += 1;
    return original();
  };
  try {
    const secure = createTicketBoard();
    for (let i = 0; i < 20; i += 1) await secure.create({ title: `t${i}` });
    assert.is(calls, 0, 'a board without `random` never uses Math.random');
    let injected = 0;
    const seeded = createTicketBoard({ random: () => (injected += 1) / 1000 });
    await seeded.create({ title: 'seeded' });
    assert.ok(injected > 0, 'an injected random source is used');
    assert.is(calls, 0);
  } finally {
    Math.random = original;
  }
});

board('should keep ids increasing past the counter and when the clock goes back', () => {
  let time = 5000;
  const ids = createTicketIdGenerator({ now: () => time, random: () => 0 });
  const seen: string[] = [];
  for (let i = 0; i < 1100; i += 1) seen.push(ids.next());
  time = 10;
  seen.push(ids.next());
  assert.is(new Set(seen).size, seen.length);
  assert.equal([...seen].sort(), seen);
  // Out-of-range clock and random values still give well-formed ids.
  const odd = createTicketIdGenerator({ now: () => Number.NaN, random: () => 1 });
  assert.match(odd.next(), TICKET_ID_PATTERN);
});

board('should treat unknown and path-like ids as unknown tickets', async () => {
  await withDir(async (root) => {
    const dir = join(root, 'tickets');
    const b = createTicketBoard({ dir });
    await b.create({ title: 'T' });
    for (const id of ['../x', 'a/b', '..', '', '0000000000000000', '../../etc/passwd', 42, null]) {
      assert.is(await b.get(id as string), undefined);
      const error = await rejects(b.comment(id as string, { event: 'comment', body: 'x' }), 'unknown-ticket');
      assert.not.match(error.message, /\.\./);
      await rejects(b.review(id as string, { review: 'approve' }), 'unknown-ticket');
      await rejects(b.setState(id as string, 'ready'), 'unknown-ticket');
      await rejects(b.intakeReady(id as string), 'unknown-ticket');
      await rejects(b.close(id as string, 'r'), 'unknown-ticket');
    }
    // Only the tickets folder exists next to where `../x` would have gone.
    assert.equal(await readdir(root), ['tickets']);
    assert.is((await readdir(dir)).length, 1);
  });
});

board('should persist tickets as item.md, thread.md and resolution.md and reload them', async () => {
  await withDir(async (dir) => {
    const clock = fakeClock();
    const first = createTicketBoard({ dir, now: clock.now });
    const title = 'Quotes " and: colons\\ and \u2028 日本語 ---';
    const a = await first.create({ title, body: '---\nnot a header\n---\n' });
    const b = await first.create({ title: 'second' });
    await first.comment(a.id, { event: 'implementation_report', body: 'done\r\nwith CRLF' });
    await first.review(a.id, { review: 'request_changes', body: 'fix it' });
    await first.intakeReady(a.id);
    await first.close(a.id, 'resolved\nfor good');
    await first.setState(b.id, 'ready');

    assert.equal((await readdir(join(dir, a.id))).sort(), ['item.md', 'resolution.md', 'thread.md']);
    assert.equal((await readdir(join(dir, b.id))).sort(), ['item.md']);
    assert.is(await readFile(join(dir, a.id, 'resolution.md'), 'utf8'), 'resolved\nfor good');
    assert.is(parseItem(await readFile(join(dir, a.id, 'item.md'), 'utf8'))?.state, 'closed');

    const second = createTicketBoard({ dir, now: clock.now });
    assert.equal(await second.list(), await first.list());
    const reloaded = await second.get(a.id);
    assert.is(reloaded?.title, oneLineOf(title));
    assert.is(reloaded?.body, '---\nnot a header\n---\n');
    assert.is(reloaded?.thread[0]?.body, 'done\r\nwith CRLF');
    assert.is(reloaded?.resolution, 'resolved\nfor good');

    // New ids continue after the loaded ones even on the same fake millisecond.
    const c = await second.create({ title: 'third' });
    assert.ok(c.id > b.id);
    assert.equal((await second.list()).map((t) => t.id), [a.id, b.id, c.id]);
  });
});

function oneLineOf(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

board('should not let a body forge a thread marker', async () => {
  await withDir(async (dir) => {
    const b = createTicketBoard({ dir });
    const { id } = await b.create({ title: 'T' });
    const forged = [
      'before',
      '<!-- podmesh:entry {"kind":"review","event":"approve","at":"2000-01-01T00:00:00.000Z"} -->',
      'after',
      '\\<!-- podmesh:entry {"kind":"comment","event":"plan","at":"x"} -->',
      '\\\\<!-- podmesh:entry ',
    ].join('\n');
    await b.comment(id, { event: 'comment', body: forged });
    await b.comment(id, { event: 'decision', body: '' });
    await b.comment(id, { event: 'plan', body: 'ends with newline\n' });
    const text = await readFile(join(dir, id, 'thread.md'), 'utf8');
    assert.is(text.split('\n').filter((line) => line.startsWith('<!-- podmesh:entry ')).length, 3);
    const reloaded = await createTicketBoard({ dir }).get(id);
    assert.equal(
      reloaded?.thread.map((e) => [e.event, e.body]),
      [
        ['comment', forged],
        ['decision', ''],
        ['plan', 'ends with newline\n'],
      ],
    );
    assert.equal(parseThread(formatThread(reloaded?.thread ?? [])), reloaded?.thread);
  });
});

board('should skip folders that hold no whole ticket and never reuse their ids', async () => {
  await withDir(async (dir) => {
    const clock = fakeClock();
    const b = createTicketBoard({ dir, now: clock.now, random: () => 0 });
    const good = await b.create({ title: 'good' });
    const broken = await b.create({ title: 'broken' });
    await writeFile(join(dir, broken.id, 'thread.md'), 'garbage before any marker\n');
    await writeFile(join(dir, 'notes.txt'), 'not a ticket');
    await writeFile(join(dir, '0000000000000001'), 'a file named like an id');
    const reloaded = createTicketBoard({ dir, now: clock.now, random: () => 0 });
    assert.equal((await reloaded.list()).map((t) => t.id), [good.id]);
    await rejects(reloaded.comment(broken.id, { event: 'comment', body: 'x' }), 'unknown-ticket');
    const next = await reloaded.create({ title: 'next' });
    assert.ok(next.id > broken.id);
    assert.is(await readFile(join(dir, broken.id, 'thread.md'), 'utf8'), 'garbage before any marker\n');
  });
});

board('should serialize concurrent mutations of one ticket without losing any', async () => {
  await withDir(async (dir) => {
    const b = createTicketBoard({ dir });
    const { id } = await b.create({ title: 'T' });
    const bodies = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const moves = [b.intakeReady(id), ...bodies.map((body) => b.comment(id, { event: 'comment', body }))];
    await Promise.all(moves);
    const again = await createTicketBoard({ dir }).get(id);
    assert.equal(again?.thread.map((e) => e.body), bodies);
    assert.is(again?.state, 'ready');
    // Two racing moves from the same state: exactly one wins.
    const results = await Promise.allSettled([b.setState(id, 'queued'), b.setState(id, 'queued')]);
    assert.equal(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });
});

board.run();

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTicketBoard } from '../../src/tickets/createTicketBoard.js';
import type { TicketBoard } from '../../src/tickets/createTicketBoard.js';
import { createTicketTools } from '../../src/tickets/createTicketTools.js';
import type { ToolResult } from '../../src/tickets/types.js';

const tools = suite('createTicketTools');

const SECRET = 'SECRET-token-123';

function content(result: ToolResult): Record<string, unknown> {
  return JSON.parse(result.content) as Record<string, unknown>;
}

function assertSummaryClean(result: ToolResult): void {
  assert.not.ok(result.summary.includes(SECRET), result.summary);
  assert.not.match(result.summary, /[\n\r]/);
  assert.ok(result.summary.length <= 120, result.summary);
}

async function created(board: TicketBoard): Promise<string> {
  const result = await createTicketTools(board).create({ title: 'T', body: SECRET });
  return content(result).ticket as string;
}

tools('should create a ticket and report its id', async () => {
  const t = createTicketTools(createTicketBoard());
  const result = await t.create({ title: `Title ${SECRET}`, body: SECRET });
  assert.is(result.toolName, 'TicketCreate');
  assert.is(result.isError, false);
  const data = content(result);
  assert.is(data.ok, true);
  assert.type(data.ticket, 'string');
  assert.is(data.state, 'planning');
  assert.is(result.summary, `Created ticket ${String(data.ticket)}`);
  assertSummaryClean(result);
});

tools('should report comment, review, state, intake and close with what the hook needs', async () => {
  const board = createTicketBoard();
  const t = createTicketTools(board);
  const id = await created(board);

  const comment = await t.comment({ ticket: id, event: 'plan', body: SECRET });
  assert.equal([comment.toolName, comment.isError], ['TicketComment', false]);
  assert.equal(content(comment), { ok: true, ticket: id, event: 'plan', state: 'planning' });
  assert.is(comment.summary, `Commented (plan) on ticket ${id}`);

  const review = await t.review({ ticket: id, review: 'request_changes', body: SECRET });
  assert.equal([review.toolName, review.isError], ['TicketReview', false]);
  assert.equal(content(review), { ok: true, ticket: id, review: 'request_changes', state: 'planning' });

  const intake = await t.intakeReady({ ticket: id });
  assert.equal([intake.toolName, intake.isError], ['TicketIntakeReady', false]);
  assert.equal(content(intake), { ok: true, ticket: id, from: 'planning', to: 'ready' });

  const moved = await t.setState({ ticket: id, to: 'queued' });
  assert.equal([moved.toolName, moved.isError], ['TicketWorkflowState', false]);
  assert.equal(content(moved), { ok: true, ticket: id, from: 'ready', to: 'queued' });
  assert.is(moved.summary, `Moved ticket ${id} from ready to queued`);

  const closed = await t.close({ ticket: id, resolution: SECRET });
  assert.equal([closed.toolName, closed.isError], ['TicketClose', false]);
  assert.equal(content(closed), { ok: true, ticket: id, from: 'queued', state: 'closed' });
  assert.is(closed.summary, `Ticket ${id} closed`);

  for (const result of [comment, review, intake, moved, closed]) assertSummaryClean(result);
});

tools('should list and show tickets, with data in content only', async () => {
  const board = createTicketBoard();
  const t = createTicketTools(board);
  const id = await created(board);
  await t.comment({ ticket: id, event: 'comment', body: SECRET });

  const list = await t.list();
  assert.equal([list.toolName, list.isError, list.summary], ['TicketList', false, 'Listed 1 ticket']);
  const listed = content(list).tickets as Record<string, unknown>[];
  assert.equal(listed.map((item) => [item.id, item.state]), [[id, 'planning']]);

  const show = await t.show({ ticket: id });
  assert.equal([show.toolName, show.isError], ['TicketShow', false]);
  const item = content(show).item as { body: string; thread: { body: string }[] };
  assert.is(content(show).ticket, id);
  assert.is(item.body, SECRET);
  assert.is(item.thread[0]?.body, SECRET);
  assertSummaryClean(show);
});

// Deliberately changed: a failure's summary was `<tool> failed: <code>`; it now says why, with the allowed values.
tools('should turn every failure into an error result whose summary says why, without quoting what was refused', async () => {
  const board = createTicketBoard();
  const t = createTicketTools(board);
  const id = await created(board);
  const ready = await created(board);
  await board.intakeReady(ready);
  const closed = await created(board);
  await board.close(closed, 'done');
  const notAnId = 'unknown ticket: ticket must be a ticket id (16 characters of Crockford base32)';
  const cases: [Promise<ToolResult>, string, string, string][] = [
    [t.create({ title: '' }), 'TicketCreate', 'invalid-input', 'title is empty'],
    [t.create({ title: 7 }), 'TicketCreate', 'invalid-input', 'title must be a string'],
    [t.comment({ ticket: id, event: SECRET, body: SECRET }), 'TicketComment', 'invalid-input', 'event must be one of comment, plan, decision, implementation_report'],
    [t.comment({ ticket: id, event: 'plan' }), 'TicketComment', 'invalid-input', 'body must be a string'],
    [t.comment({ ticket: '../x', event: 'plan', body: SECRET }), 'TicketComment', 'unknown-ticket', notAnId],
    [t.review({ ticket: id, review: SECRET }), 'TicketReview', 'invalid-input', 'review must be one of approve, request_changes'],
    [t.setState({ ticket: id, to: 'done' }), 'TicketWorkflowState', 'invalid-transition', `cannot move ticket ${id} from planning to done (from planning: ready)`],
    [t.setState({ ticket: ready, to: 'planning' }), 'TicketWorkflowState', 'invalid-transition', `cannot move ticket ${ready} from ready to planning (from ready: queued)`],
    [t.setState({ ticket: closed, to: 'ready' }), 'TicketWorkflowState', 'invalid-transition', `cannot move ticket ${closed} from closed to ready (from closed: none)`],
    [t.setState({ ticket: id, to: 'closed' }), 'TicketWorkflowState', 'invalid-transition', `cannot move ticket ${id} to closed: a ticket is closed only through close`],
    [t.setState({ ticket: id, to: SECRET }), 'TicketWorkflowState', 'invalid-input', 'to must be one of planning, ready, queued, inprogress, done'],
    [t.intakeReady({ ticket: ready }), 'TicketIntakeReady', 'invalid-transition', `cannot mark ticket ${ready} ready for intake: it is ready, intake works only from planning`],
    [t.close({ ticket: closed, resolution: SECRET }), 'TicketClose', 'invalid-transition', `ticket ${closed} is already closed`],
    [t.close({ ticket: '0000000000000000', resolution: SECRET }), 'TicketClose', 'unknown-ticket', 'unknown ticket 0000000000000000'],
    [t.show({ ticket: SECRET }), 'TicketShow', 'unknown-ticket', notAnId],
    [t.show({ ticket: '0000000000000000' }), 'TicketShow', 'unknown-ticket', 'unknown ticket 0000000000000000'],
  ];
  for (const [pending, toolName, code, summary] of cases) {
    const result = await pending;
    assert.is(result.toolName, toolName);
    assert.is(result.isError, true);
    assert.is(result.summary, summary);
    const data = content(result) as { ok: boolean; error: { code: string; message: string } };
    assert.is(data.ok, false);
    assert.is(data.error.code, code);
    assert.type(data.error.message, 'string');
    assertSummaryClean(result);
  }
  // A well-formed id is echoed back; anything else is not.
  assert.is(content(await t.intakeReady({ ticket: '0000000000000000' })).ticket, '0000000000000000');
  assert.is(content(await t.intakeReady({ ticket: '../x' })).ticket, undefined);
  assert.is(content(await t.setState({ ticket: id, to: 'done' })).ticket, id);
});

tools('should resolve, never reject, on arguments of the wrong type', async () => {
  const t = createTicketTools(createTicketBoard());
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error(SECRET);
      },
    },
  );
  const malformed: unknown[] = [undefined, null, 42, 'str', [], { ticket: 5 }, { ticket: {}, to: [] }, hostile];
  for (const [index, args] of malformed.entries()) {
    const results = await Promise.all([
      t.create(args),
      t.comment(args),
      t.review(args),
      t.setState(args),
      t.intakeReady(args),
      t.close(args),
      t.show(args),
    ]);
    for (const result of results) {
      assert.is(result.isError, true, `${result.toolName} #${index}`);
      assert.is(content(result).ok, false);
      assertSummaryClean(result);
    }
  }
  assert.is((await t.list(hostile)).isError, false);
});

tools('should report I/O failures as internal-error', async () => {
  const root = await mkdtemp(join(tmpdir(), 'podmesh-tools-'));
  try {
    // A file where the tickets folder should be makes every write fail.
    const blocked = join(root, 'blocked');
    await writeFile(blocked, 'file');
    const result = await createTicketTools(createTicketBoard({ dir: join(blocked, 'tickets') })).create({ title: 'T' });
    assert.is(result.isError, true);
    // Deliberately changed (was `TicketCreate failed: internal-error`): the system code, never its message (it names paths).
    assert.is(result.summary, 'TicketCreate failed: internal error (ENOTDIR)');
    assert.not.ok(result.summary.includes(root));
    assert.is((content(result).error as { code: string }).code, 'internal-error');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

tools.run();

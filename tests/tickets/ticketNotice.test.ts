import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createTicketBoard } from '../../src/tickets/createTicketBoard.js';
import { createTicketTools } from '../../src/tickets/createTicketTools.js';
import { TICKET_NOTICE_HEADER, buildTicketNotice, lifecycleEvent } from '../../src/tickets/ticketNotice.js';
import type { TicketNoticeFields } from '../../src/tickets/ticketNotice.js';
import type { ToolResult } from '../../src/tickets/types.js';

const notice = suite('ticketNotice');

const ID = '01HZX3K9T20000AB';
const SECRET = 'SECRET-token-123';

function result(toolName: string, content: unknown, isError = false): ToolResult {
  return {
    toolName,
    isError,
    summary: 'whatever',
    content: typeof content === 'string' ? content : JSON.stringify(content),
  };
}

const fields: TicketNoticeFields = {
  ticket: ID,
  title: 'Fix the build',
  state: 'ready',
  kind: 'state/planning->ready',
  summary: `Moved ticket ${ID} from planning to ready`,
  refFile: 'item.md',
};

function codePoints(text: string): number {
  return [...text].length;
}

notice('should recognise every row of the lifecycle table', () => {
  const rows: [ToolResult, string, string][] = [
    [result('TicketComment', { ok: true, ticket: ID, event: 'comment' }), 'comment/comment', 'thread.md'],
    [result('TicketComment', { ok: true, ticket: ID, event: 'plan' }), 'comment/plan', 'thread.md'],
    [result('TicketComment', { ok: true, ticket: ID, event: 'decision' }), 'comment/decision', 'thread.md'],
    [
      result('TicketComment', { ok: true, ticket: ID, event: 'implementation_report' }),
      'comment/implementation_report',
      'thread.md',
    ],
    [result('TicketReview', { ok: true, ticket: ID, review: 'approve' }), 'review/approve', 'thread.md'],
    [result('TicketReview', { ok: true, ticket: ID, review: 'request_changes' }), 'review/request_changes', 'thread.md'],
    [
      result('TicketWorkflowState', { ok: true, ticket: ID, from: 'inprogress', to: 'done' }),
      'state/inprogress->done',
      'item.md',
    ],
    [result('TicketIntakeReady', { ok: true, ticket: ID }), 'state/planning->ready', 'item.md'],
    [result('TicketClose', { ok: true, ticket: ID }), 'close/resolution', 'resolution.md'],
  ];
  for (const [input, kind, refFile] of rows) {
    assert.equal(lifecycleEvent(input), { ticket: ID, kind, refFile, summary: 'whatever' }, input.toolName);
  }
});

notice('should ignore passive tools, errors and malformed results', () => {
  const ignored: unknown[] = [
    result('TicketCreate', { ok: true, ticket: ID }),
    result('TicketList', { ok: true, ticket: ID }),
    result('TicketShow', { ok: true, ticket: ID }),
    result('Bash', { ok: true, ticket: ID }),
    result('TicketClose', { ok: true, ticket: ID }, true),
    result('TicketClose', { ok: false, ticket: ID, error: { code: 'unknown-ticket', message: 'x' } }),
    result('TicketClose', { ok: 'true', ticket: ID }),
    result('TicketClose', { ticket: ID }),
    result('TicketClose', '{not json'),
    result('TicketClose', ''),
    result('TicketClose', 'null'),
    result('TicketClose', '[1,2]'),
    result('TicketClose', { ok: true }),
    result('TicketClose', { ok: true, ticket: 42 }),
    result('TicketClose', { ok: true, ticket: '' }),
    result('TicketClose', { ok: true, ticket: '../x' }),
    result('TicketClose', { ok: true, ticket: 'a/b' }),
    result('TicketClose', { ok: true, ticket: 'a b' }),
    result('TicketComment', { ok: true, ticket: ID }),
    result('TicketComment', { ok: true, ticket: ID, event: 'chat' }),
    result('TicketComment', { ok: true, ticket: ID, event: ['plan'] }),
    result('TicketReview', { ok: true, ticket: ID, review: 'lgtm' }),
    result('TicketWorkflowState', { ok: true, ticket: ID, from: 'planning' }),
    result('TicketWorkflowState', { ok: true, ticket: ID, from: 'planning', to: 'archived' }),
    result('TicketWorkflowState', { ok: true, ticket: ID, from: 7, to: 'ready' }),
    { toolName: 'TicketClose', content: JSON.stringify({ ok: true, ticket: ID }) },
    { toolName: 'TicketClose', isError: 'false', content: JSON.stringify({ ok: true, ticket: ID }) },
    { toolName: 42, isError: false, content: JSON.stringify({ ok: true, ticket: ID }) },
    { toolName: 'TicketClose', isError: false, content: { ok: true, ticket: ID } },
    null,
    undefined,
    'TicketClose',
    42,
    [],
    new Proxy(
      {},
      {
        get() {
          throw new Error('hostile');
        },
      },
    ),
  ];
  for (const [index, value] of ignored.entries()) {
    assert.is(lifecycleEvent(value), null, `case ${index}`);
  }
});

notice('should read the summary once inside its guard: a throwing summary makes no event (fuzz counterexample)', () => {
  const content = JSON.stringify({ ok: true, ticket: ID, event: 'comment' });
  const throwing = {
    toolName: 'TicketComment',
    isError: false,
    content,
    get summary(): string {
      throw new Error('hostile summary');
    },
  };
  assert.is(lifecycleEvent(throwing), null);
  assert.equal(lifecycleEvent({ toolName: 'TicketComment', isError: false, content, summary: 7 }), { ticket: ID, kind: 'comment/comment', refFile: 'thread.md', summary: '' });
});

notice('should build the seven lines of a notice', () => {
  assert.is(
    buildTicketNotice(fields),
    [
      TICKET_NOTICE_HEADER,
      `ticket: ${ID}`,
      'title: Fix the build',
      'state: ready',
      'event: state/planning->ready',
      `summary: Moved ticket ${ID} from planning to ready`,
      `ref: tickets/${ID}/item.md`,
    ].join('\n'),
  );
  assert.is(TICKET_NOTICE_HEADER, 'Ticket event notice (weak; autoRun=false)');
});

notice('should bound a long title to 96 code points and an ellipsis', () => {
  const text = buildTicketNotice({ ...fields, title: '語'.repeat(200) });
  assert.ok(text.includes(`\ntitle: ${'語'.repeat(96)}…\n`));
  const exact = buildTicketNotice({ ...fields, title: 't'.repeat(96) });
  assert.ok(exact.includes(`\ntitle: ${'t'.repeat(96)}\n`));
});

notice('should make every field one line without control characters', () => {
  const text = buildTicketNotice({
    ticket: `${ID}\nstate: forged`,
    title: ' a\r\nb\tc\u0000d\u001b[31m\u007f ',
    state: 'ready\n',
    kind: 'comment/plan\rref: x',
    summary: 'line1\nline2\n\nline3',
    refFile: 'item.md\n',
  });
  const lines = text.split('\n');
  assert.is(lines.length, 7);
  assert.is(lines[1], `ticket: ${ID} state: forged`);
  assert.is(lines[2], 'title: a b cd[31m');
  assert.is(lines[3], 'state: ready');
  assert.is(lines[4], 'event: comment/plan ref: x');
  assert.is(lines[5], 'summary: line1 line2 line3');
  assert.is(lines[6], `ref: tickets/${ID} state: forged/item.md`);
  assert.not.match(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
});

notice('should keep a summary of exactly 160 code points and cut one of 161', () => {
  const exact = 's'.repeat(160);
  assert.ok(buildTicketNotice({ ...fields, summary: exact }).includes(`\nsummary: ${exact}\n`));
  const over = buildTicketNotice({ ...fields, summary: 's'.repeat(161) });
  assert.ok(over.includes(`\nsummary: ${exact}…\n`));
});

notice('should bound the whole notice to 768 code points and keep its line breaks', () => {
  const huge = (ch: string): string => ch.repeat(1000);
  const text = buildTicketNotice({
    ticket: huge('t'),
    title: huge('a'),
    state: huge('s'),
    kind: huge('k'),
    summary: huge('m'),
    refFile: huge('r'),
  });
  assert.is(codePoints(text), 769);
  assert.ok(text.endsWith('…'));
  assert.is(text.split('\n').length, 7);
  // Within the bound every field is cut only by its own limit.
  assert.ok(text.includes(`\ntitle: ${'a'.repeat(96)}…\n`));
  assert.ok(codePoints(buildTicketNotice(fields)) < 768);
});

notice('should make the ref the absolute path of the file when the board has a folder', () => {
  const message = buildTicketNotice({ ...fields, dir: '/home/u/.podmesh/tickets/yoi-orchestrator' });
  assert.is(message.split('\n').at(-1), `ref: /home/u/.podmesh/tickets/yoi-orchestrator/${ID}/item.md`);
  assert.is(buildTicketNotice({ ...fields, dir: '/srv/t/' }).split('\n').at(-1), `ref: /srv/t/${ID}/item.md`);
  // No folder (a board in memory): the relative form, which names the ticket, not a file.
  assert.is(buildTicketNotice(fields).split('\n').at(-1), `ref: tickets/${ID}/item.md`);
});

notice('should fall back to the relative form rather than emit a path that would not open', () => {
  const relative = `ref: tickets/${ID}/item.md`;
  const refOf = (extra: Partial<TicketNoticeFields>): string => buildTicketNotice({ ...fields, ...extra }).split('\n').at(-1)!;
  assert.is(refOf({ dir: 'relative/tickets' }), relative, 'a relative folder depends on the working directory');
  assert.is(refOf({ dir: '/srv/two\nlines' }), relative, 'making it one line would change the path');
  assert.is(refOf({ dir: '/srv/a  b' }), relative, 'a run of spaces would become one');
  assert.is(refOf({ dir: '/srv', refFile: 'other.md' }), `ref: tickets/${ID}/other.md`, 'only the three ticket files');
  assert.is(refOf({ dir: '/srv', ticket: '../x' }), 'ref: tickets/../x/item.md', 'never an absolute path from an id that is no plain segment');
  // The ref bound is 400 code points: `/` + dir + `/<16>/item.md` (25 more).
  const fits = '/' + 'd'.repeat(400 - 25 - 1);
  assert.is(refOf({ dir: fits }), `ref: ${fits}/${ID}/item.md`);
  assert.is(codePoints(`${fits}/${ID}/item.md`), 400);
  assert.is(refOf({ dir: fits + 'd' }), relative, 'one code point over the ref bound: not cut, replaced');
});

notice('should fall back to the relative form when the whole message would cut the path', () => {
  // Every field at its bound: the six lines before the ref take most of the 768.
  const full = { ...fields, ticket: ID, title: 't'.repeat(200), state: 's'.repeat(100), kind: 'k'.repeat(100), summary: 'y'.repeat(300) };
  const head = buildTicketNotice(full).split('\n').slice(0, -1).join('\n');
  const room = 768 - codePoints(head) - codePoints('\nref: ');
  const dirFor = (length: number): string => '/' + 'p'.repeat(length - 1 - `/${ID}/item.md`.length);
  const exact = buildTicketNotice({ ...full, dir: dirFor(room) });
  assert.is(codePoints(exact), 768);
  assert.ok(exact.endsWith('/item.md'), 'a path that just fits is emitted whole');
  const over = buildTicketNotice({ ...full, dir: dirFor(room + 1) });
  assert.is(over.split('\n').at(-1), `ref: tickets/${ID}/item.md`, 'never half a path');
  assert.ok(codePoints(over) <= 769);
});

notice('should never carry bodies, errors or secrets from a tool result into a notice', async () => {
  const board = createTicketBoard();
  const tools = createTicketTools(board);
  const created = JSON.parse((await tools.create({ title: 'T', body: SECRET })).content) as { ticket: string };
  const results = [
    await tools.comment({ ticket: created.ticket, event: 'plan', body: SECRET }),
    await tools.review({ ticket: created.ticket, review: 'approve', body: SECRET }),
    await tools.intakeReady({ ticket: created.ticket }),
    await tools.close({ ticket: created.ticket, resolution: SECRET }),
    // Extra fields a foreign tool result may carry are ignored too.
    result('TicketClose', { ok: true, ticket: created.ticket, body: SECRET, error: SECRET, secret: SECRET }),
  ];
  for (const toolResult of results) {
    const event = lifecycleEvent(toolResult);
    assert.ok(event, toolResult.toolName);
    if (event === null) continue;
    const ticket = await board.get(event.ticket);
    const text = buildTicketNotice({
      ticket: event.ticket,
      title: ticket?.title ?? '',
      state: ticket?.state ?? '',
      kind: event.kind,
      summary: toolResult.summary,
      refFile: event.refFile,
    });
    assert.not.ok(text.includes(SECRET), text);
    assert.ok(text.includes(`ticket: ${created.ticket}`));
  }
});

notice.run();

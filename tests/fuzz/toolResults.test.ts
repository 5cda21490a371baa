import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryPodStore, createPodRuntime, type PodRuntime } from '../../src/index.js';
import { createTicketBoard, startOrchestrator, type Orchestrator } from '../../src/tickets/index.js';
import { buildTicketNotice, lifecycleEvent, TICKET_NOTICE_BOUNDS, TICKET_NOTICE_HEADER } from '../../src/tickets/ticketNotice.js';
import type { TicketNoticeFields } from '../../src/tickets/ticketNotice.js';
import { spyStore, type SpyStore } from '../support/spyStore.js';
import { checkProperty } from './checkProperty.js';
import {
  anyText,
  COMMENT_EVENTS,
  hostileDescription,
  hostileResult,
  lifecycleResult,
  plainResult,
  REVIEWS,
  TICKET_ID,
  TICKET_STATES,
} from './toolResultArbitraries.js';
import { anyJson } from './storedTextArbitraries.js';

const includes = (list: readonly string[], value: unknown): boolean => typeof value === 'string' && list.includes(value);

/** The lifecycle table of docs/behaviour.md §6, as the oracle of a plain result. */
function expectedEvent(result: Record<string, unknown>): { ticket: string; kind: string; refFile: string; summary: string } | null {
  const { toolName, isError, content, summary } = result;
  if (isError !== false || typeof toolName !== 'string' || typeof content !== 'string') return null;
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { ok, ticket, event, review, from, to } = data as Record<string, unknown>;
  if (ok !== true || typeof ticket !== 'string' || !TICKET_ID.test(ticket)) return null;
  const found = (kind: string, refFile: string) => ({ ticket, kind, refFile, summary: typeof summary === 'string' ? summary : '' });
  if (toolName === 'TicketComment') return includes(COMMENT_EVENTS, event) ? found(`comment/${String(event)}`, 'thread.md') : null;
  if (toolName === 'TicketReview') return includes(REVIEWS, review) ? found(`review/${String(review)}`, 'thread.md') : null;
  if (toolName === 'TicketWorkflowState') {
    return includes(TICKET_STATES, from) && includes(TICKET_STATES, to) ? found(`state/${String(from)}->${String(to)}`, 'item.md') : null;
  }
  if (toolName === 'TicketIntakeReady') return found('state/planning->ready', 'item.md');
  if (toolName === 'TicketClose') return found('close/resolution', 'resolution.md');
  return null;
}

const KIND = new RegExp(
  `^(comment/(${COMMENT_EVENTS.join('|')})|review/(${REVIEWS.join('|')})|state/(${TICKET_STATES.join('|')})->(${TICKET_STATES.join('|')})|close/resolution)$`,
);
const REF_FILE: Record<string, string> = { comment: 'thread.md', review: 'thread.md', state: 'item.md', close: 'resolution.md' };

/** Any result lifecycleEvent may see: plain, or hostile (built inside the case). */
const anyResult = (known: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: plainResult(known).map((plain) => ({ plain })) },
    { weight: 2, arbitrary: lifecycleResult(known).map((plain) => ({ plain })) },
    { weight: 2, arbitrary: hostileDescription(known).map((hostile) => ({ hostile })) },
    { weight: 1, arbitrary: anyJson.map((plain) => ({ plain })) },
  );

type AnyResult = { plain: unknown } | { hostile: Parameters<typeof hostileResult>[0] };
const resultOf = (generated: AnyResult): unknown => ('hostile' in generated ? hostileResult(generated.hostile) : generated.plain);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const events = suite('tool results (property)');

events('should read any value as null or an event of the lifecycle table, never throwing', async () => {
  await checkProperty(
    'tool results: lifecycleEvent',
    fc.property(anyResult(['01HZX3K9T20000AB']), (generated) => {
      let event: ReturnType<typeof lifecycleEvent>;
      try {
        event = lifecycleEvent(resultOf(generated));
      } catch (error) {
        throw new Error(`lifecycleEvent threw ${String(error)}`);
      }
      if (event !== null) {
        assert.match(event.kind, KIND);
        assert.match(event.ticket, TICKET_ID);
        assert.is(event.refFile, REF_FILE[event.kind.split('/')[0]!]);
      }
      if ('plain' in generated && isRecord(generated.plain)) assert.equal(event, expectedEvent(generated.plain));
    }),
    { runs: 2000 },
  );
});

/** One line as §6 says: whitespace runs become a space, ends trimmed, other controls removed; then bounded. */
function expectedField(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  return bounded(value.replace(/\s+/g, ' ').trim().replace(/[\u0000-\u001f\u007f-\u009f]/g, ''), max);
}

/** The first `max` code points, and `…` only when that cut something. */
function bounded(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max).join('')}…`;
}

const codePoints = (text: string): number => Array.from(text).length;

events('should build a notice of seven bounded lines from any field strings', async () => {
  const field = fc.oneof({ weight: 8, arbitrary: anyText }, { weight: 1, arbitrary: anyJson });
  const b = TICKET_NOTICE_BOUNDS;
  await checkProperty(
    'tool results: buildTicketNotice',
    fc.property(fc.record({ ticket: field, title: field, state: field, kind: field, summary: field, refFile: field }), (fields) => {
      const notice = buildTicketNotice(fields as unknown as TicketNoticeFields);
      const lines = notice.split('\n');
      assert.is(lines.length, 7);
      assert.is(lines[0], TICKET_NOTICE_HEADER);
      assert.ok(codePoints(notice) <= b.message + 1, 'whole message bounded');
      assert.not.match(notice, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no control character but the line breaks');
      const ticket = expectedField(fields.ticket, b.ticket);
      const expected = [
        TICKET_NOTICE_HEADER,
        `ticket: ${ticket}`,
        `title: ${expectedField(fields.title, b.title)}`,
        `state: ${expectedField(fields.state, b.state)}`,
        `event: ${expectedField(fields.kind, b.kind)}`,
        `summary: ${expectedField(fields.summary, b.summary)}`,
        `ref: tickets/${ticket}/${expectedField(fields.refFile, b.refFile)}`,
      ].join('\n');
      assert.is(notice, bounded(expected, b.message));
      const limits = [b.ticket, b.title, b.state, b.kind, b.summary];
      const prefixes = ['ticket: ', 'title: ', 'state: ', 'event: ', 'summary: '];
      prefixes.forEach((prefix, i) => {
        const line = lines[i + 1]!;
        assert.ok(line.startsWith(prefix));
        assert.ok(codePoints(line.slice(prefix.length)) <= limits[i]! + 1, `${prefix}within its bound`);
      });
    }),
    { runs: 1000 },
  );
});

events.run();

interface Hooked {
  runtime: PodRuntime | undefined;
  store: SpyStore | undefined;
  orchestrator: Orchestrator | undefined;
  tickets: string[];
}

const hook = suite<Hooked>('orchestrator.handleToolResult (property)', { runtime: undefined, store: undefined, orchestrator: undefined, tickets: [] });

hook.before(async (context) => {
  const store = spyStore(createMemoryPodStore());
  const runtime = createPodRuntime({ store, turn: () => undefined });
  context.store = store;
  context.runtime = runtime;
  await runtime.spawnPod({ name: 'yoi', role: 'companion' });
  const board = createTicketBoard();
  const orchestrator = await startOrchestrator(runtime, { workspaceRoot: '/srv/workspaces/yoi', tickets: board, virtual: true });
  context.orchestrator = orchestrator;
  const planning = await board.create({ title: 'Plan\tthe\nwork' });
  const closed = await board.create({ title: 'Done 😀' });
  await board.close(closed.id, 'fixed');
  const queued = await board.create({ title: 'x'.repeat(400) });
  await board.intakeReady(queued.id);
  await board.setState(queued.id, 'queued');
  context.tickets = [planning.id, closed.id, queued.id];
});

hook.after(async (context) => {
  await context.runtime?.stop();
  context.runtime = undefined;
});

hook('should resolve any tool result to null (writing and recording nothing) or a hook result, never rejecting or hanging', async (context) => {
  const { runtime, store, orchestrator, tickets } = context as Required<{ [K in keyof Hooked]: NonNullable<Hooked[K]> }>;
  let handled = 0;
  const report = await checkProperty(
    'tool results: orchestrator.handleToolResult',
    fc.asyncProperty(anyResult(tickets), async (generated) => {
      const result = resultOf(generated);
      const diagnostics = runtime.diagnostics.count();
      const writes = store.writes.length;
      let hooked: Awaited<ReturnType<Orchestrator['handleToolResult']>>;
      try {
        hooked = await orchestrator.handleToolResult(result);
      } catch (error) {
        throw new Error(`handleToolResult rejected with ${String(error)}`);
      }
      if (hooked === null) {
        assert.is(store.writes.length, writes, 'a result that is no event writes nothing');
        assert.is(runtime.diagnostics.count(), diagnostics, 'a result that is no event records no diagnostic');
        return;
      }
      handled += 1;
      assert.ok(tickets.includes(hooked.ticket), 'only a ticket the board knows');
      assert.match(hooked.kind, KIND);
      const lines = hooked.notice.split('\n');
      assert.is(lines.length, 7);
      assert.is(lines[1], `ticket: ${hooked.ticket}`);
      assert.is(lines[3], `state: ${(await orchestrator.board.get(hooked.ticket))!.state}`, "the board's state");
      assert.is(lines[4], `event: ${hooked.kind}`);
      // The companion runs and its record exists: every event is ensured and delivered.
      assert.is(hooked.ensure.type, 'ensured');
      assert.is(hooked.delivery.type, 'delivered');
      assert.ok(runtime.diagnostics.count() > diagnostics, 'an event leaves a diagnostic');
      if ('plain' in generated && isRecord(generated.plain)) {
        const expected = expectedEvent(generated.plain);
        assert.is(hooked.kind, expected?.kind);
        assert.is(lines[5], `summary: ${expectedField(generated.plain.summary, TICKET_NOTICE_BOUNDS.summary)}`);
      }
    }),
    { runs: 300, timeout: 5_000 },
  );
  assert.ok(handled > report.cases / 10, `only ${handled} of ${report.cases} cases were lifecycle events`);
});

hook.run();

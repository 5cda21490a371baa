/**
 * The ticket lifecycle (docs/behaviour.md §6) as a pure statechart. It is the single source
 * of truth for which moves are allowed: the board asks it (`ticketMoveEvent`)
 * instead of keeping its own table, and an inspector draws the same rules.
 */
import { assign, setup, transition } from 'xstate';

/** The six ticket states, in lifecycle order. */
export const TICKET_STATES = ['planning', 'ready', 'queued', 'inprogress', 'done', 'closed'] as const;

/** A ticket's workflow state. */
export type TicketState = (typeof TICKET_STATES)[number];

/** Kinds of a thread comment (they name the `comment/<event>` lifecycle kind). */
export const TICKET_COMMENT_EVENTS = ['comment', 'plan', 'decision', 'implementation_report'] as const;

/** A thread comment's kind. */
export type TicketCommentEvent = (typeof TICKET_COMMENT_EVENTS)[number];

/** Review verdicts (they name the `review/<review>` lifecycle kind). */
export const TICKET_REVIEWS = ['approve', 'request_changes'] as const;

/** A review verdict. */
export type TicketReview = (typeof TICKET_REVIEWS)[number];

/** Event types of the ticket machine, one per kind of move. */
export const TICKET_EVENT_TYPES = [
  'ticket.ready',
  'ticket.queue',
  'ticket.start',
  'ticket.requeue',
  'ticket.finish',
  'ticket.close',
] as const;

/** An event type of the ticket machine. */
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

/** An event of the ticket machine; `at` (ISO time) comes in with it because machines read no clock. */
export interface TicketEvent {
  readonly type: TicketEventType;
  readonly at: string;
}

/** JSON-safe context: which ticket and when it last moved. */
export interface TicketMachineContext {
  readonly ticket: string;
  readonly updatedAt: string;
}

/** Input of a ticket actor: a new ticket starts in `planning`. */
export interface TicketMachineInput {
  readonly ticket: string;
  readonly createdAt: string;
}

/** True when `value` is one of the six ticket states. */
export function isTicketState(value: unknown): value is TicketState {
  return typeof value === 'string' && (TICKET_STATES as readonly string[]).includes(value);
}

/** True when `value` is one of the thread comment kinds. */
export function isTicketCommentEvent(value: unknown): value is TicketCommentEvent {
  return typeof value === 'string' && (TICKET_COMMENT_EVENTS as readonly string[]).includes(value);
}

/** True when `value` is one of the review verdicts. */
export function isTicketReview(value: unknown): value is TicketReview {
  return typeof value === 'string' && (TICKET_REVIEWS as readonly string[]).includes(value);
}

// Every open state can be closed; spelled out per state so an inspector draws each edge.
const close = { 'ticket.close': { target: 'closed', actions: 'stampUpdatedAt' } } as const;

/** The ticket statechart: planning → ready → queued ⇄ inprogress → done, and any open state → closed. */
export const ticketMachine = setup({
  types: {
    context: {} as TicketMachineContext,
    events: {} as TicketEvent,
    input: {} as TicketMachineInput,
  },
  actions: {
    stampUpdatedAt: assign({ updatedAt: ({ event }) => event.at }),
  },
}).createMachine({
  id: 'ticket',
  initial: 'planning',
  context: ({ input }) => ({ ticket: input.ticket, updatedAt: input.createdAt }),
  states: {
    planning: {
      on: { 'ticket.ready': { target: 'ready', actions: 'stampUpdatedAt' }, ...close },
    },
    ready: {
      on: { 'ticket.queue': { target: 'queued', actions: 'stampUpdatedAt' }, ...close },
    },
    queued: {
      on: { 'ticket.start': { target: 'inprogress', actions: 'stampUpdatedAt' }, ...close },
    },
    inprogress: {
      on: {
        'ticket.requeue': { target: 'queued', actions: 'stampUpdatedAt' },
        'ticket.finish': { target: 'done', actions: 'stampUpdatedAt' },
        ...close,
      },
    },
    done: { on: { ...close } },
    closed: { type: 'final' },
  },
});

/**
 * The snapshot of a ticket in state `from`, as the machine would hold it.
 * Pure: nothing runs, no actor is started.
 */
export function ticketSnapshot(from: TicketState, context: TicketMachineContext = { ticket: '', updatedAt: '' }) {
  return ticketMachine.resolveState({ value: from, context });
}

/**
 * Applies one event to a ticket in state `from` and returns the state and
 * context it lands in, or `undefined` when the machine does not allow the event there.
 */
export function nextTicketState(
  from: TicketState,
  event: TicketEvent,
  context?: TicketMachineContext,
): { readonly state: TicketState; readonly context: TicketMachineContext } | undefined {
  const snapshot = ticketSnapshot(from, context);
  if (!snapshot.can(event)) return undefined;
  const [next] = transition(ticketMachine, snapshot, event);
  // Flat machine: the value is always one of the top-level state names.
  return { state: next.value as TicketState, context: next.context };
}

/**
 * The event that moves a ticket from `from` to `to`, or `undefined` when the
 * machine allows no such move (including any move out of `closed` and staying put).
 */
export function ticketMoveEvent(from: TicketState, to: TicketState): TicketEventType | undefined {
  if (!isTicketState(from) || !isTicketState(to)) return undefined;
  for (const type of TICKET_EVENT_TYPES) {
    if (nextTicketState(from, { type, at: '' })?.state === to) return type;
  }
  return undefined;
}

/** True when the machine allows a move from `from` to `to`. */
export function canMoveTicket(from: TicketState, to: TicketState): boolean {
  return ticketMoveEvent(from, to) !== undefined;
}

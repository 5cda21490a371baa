/**
 * The orchestrator's ticket tools (docs/behaviour.md §6) over a
 * {@link TicketBoard}. Each takes the raw arguments of a tool call, checks
 * them, and resolves to a `ToolResult`; it never rejects. `content` carries
 * the data (bodies included: it is the tool's output); `summary` is one short
 * line that never quotes a title, body, resolution or a refused value,
 * because summaries travel into notices. A failure's summary says why in a
 * sentence with the allowed values (`event must be one of comment, …`).
 */
import { errorCode } from '../core/errors.js';
import { boundLine, errorLine } from '../core/text.js';
import type { TicketState } from '../machines/ticketMachine.js';
import { unknownTicket, type TicketBoard } from './createTicketBoard.js';
import { isTicketId } from './createTicketIds.js';
import { TicketError, type TicketErrorCode } from './ticketError.js';
import { lifecycleKind, type LifecycleKind } from './ticketNotice.js';
import { TICKET_TOOL_METHODS, TICKET_TOOL_NAMES, type TicketToolMethod, type TicketToolName } from './ticketToolNames.js';
import { ticketSummary } from './readTicketBoard.js';
import type { Ticket, ToolResult } from './types.js';

// Summaries are one short line; a notice would bound them to 160 anyway.
const MAX_FAILURE_SUMMARY = 160;

/** Error codes in a failed tool's content: the board's, or `internal-error` for anything unexpected (I/O). */
export type TicketToolErrorCode = TicketErrorCode | 'internal-error';

/**
 * The ticket tools. Arguments are typed `unknown` because they come from a
 * model's tool call; the expected shape is in each method's comment.
 */
export interface TicketTools {
  /** `{ title, body? }` → TicketCreate, content `{ ok, ticket, state, title }`. */
  create(args: unknown): Promise<ToolResult>;
  /** `{ ticket, event, body }` → TicketComment, content `{ ok, ticket, event, state }`. */
  comment(args: unknown): Promise<ToolResult>;
  /** `{ ticket, review, body? }` → TicketReview, content `{ ok, ticket, review, state }`. */
  review(args: unknown): Promise<ToolResult>;
  /** `{ ticket, to }` → TicketWorkflowState, content `{ ok, ticket, from, to }`. */
  setState(args: unknown): Promise<ToolResult>;
  /** `{ ticket }` → TicketIntakeReady, content `{ ok, ticket, from, to }`. */
  intakeReady(args: unknown): Promise<ToolResult>;
  /** `{ ticket, resolution }` → TicketClose, content `{ ok, ticket, from, state }`. */
  close(args: unknown): Promise<ToolResult>;
  /** → TicketList, content `{ ok, tickets: [{ id, title, state, createdAt, updatedAt }] }`. */
  list(args?: unknown): Promise<ToolResult>;
  /** `{ ticket }` → TicketShow, content `{ ok, ticket, item: <the whole ticket> }`. */
  show(args: unknown): Promise<ToolResult>;
}

/** A tool's result, the ticket it wrote or read, and the lifecycle event it stands for. */
export interface ToolRun {
  readonly result: ToolResult;
  /** The ticket as the tool left it (not re-read); absent for `list` and failures. */
  readonly ticket?: Ticket;
  /** `null` for passive tools and failures. */
  readonly lifecycle: LifecycleKind | null;
}

/** Runs one tool by method name; never rejects. */
export type TicketToolRunner = (method: TicketToolMethod, args: unknown) => Promise<ToolRun>;

interface Success {
  /** The ticket the tool wrote or read, when there is one. */
  readonly ticket?: Ticket;
  readonly summary: string;
  readonly content: Record<string, unknown>;
}

/** Reads one argument; a non-object argument list has no fields. */
function arg(args: unknown, key: string): unknown {
  return typeof args === 'object' && args !== null ? (args as Record<string, unknown>)[key] : undefined;
}

/**
 * The summary of a failed tool: a board's refusal is its message, a sentence
 * that names the ticket, its state and the allowed values but never quotes a
 * title, body, resolution or the value that was refused (see createTicketBoard);
 * anything else (I/O) is `<tool> failed: internal error`, with the system
 * error code (`EACCES`) when there is one, never its message (it may name paths or data).
 */
function failureSummary(toolName: TicketToolName, error: unknown): string {
  if (error instanceof TicketError) return boundLine(error.message, MAX_FAILURE_SUMMARY);
  const code = errorCode(error);
  return `${toolName} failed: internal error${code !== undefined && /^E[A-Z0-9]{1,15}$/.test(code) ? ` (${code})` : ''}`;
}

function failure(toolName: TicketToolName, args: unknown, error: unknown): ToolRun {
  const code: TicketToolErrorCode = error instanceof TicketError ? error.code : 'internal-error';
  let ticket: unknown;
  try {
    ticket = arg(args, 'ticket');
  } catch {
    ticket = undefined; // a throwing getter: report without the id
  }
  const content = {
    ok: false,
    ...(isTicketId(ticket) ? { ticket } : {}),
    error: { code, message: errorLine(error) },
  };
  return { result: { toolName, isError: true, summary: failureSummary(toolName, error), content: JSON.stringify(content) }, lifecycle: null };
}

/** One tool's work on the board, as data for its result. */
type ToolWork = (board: TicketBoard, args: unknown) => Promise<Success>;

// The board checks every value itself; the tools only pick them out of the call.
const ticketArg = (args: unknown): string => arg(args, 'ticket') as string;

const WORK: Record<TicketToolMethod, ToolWork> = {
  async create(board, args) {
    const body = arg(args, 'body');
    const ticket = await board.create({ title: arg(args, 'title') as string, ...(body === undefined ? {} : { body: body as string }) });
    return { ticket, summary: `Created ticket ${ticket.id}`, content: { ticket: ticket.id, state: ticket.state, title: ticket.title } };
  },
  async comment(board, args) {
    const ticket = await board.comment(ticketArg(args), { event: arg(args, 'event') as string, body: arg(args, 'body') as string });
    const event = ticket.thread.at(-1)?.event;
    return { ticket, summary: `Commented (${event}) on ticket ${ticket.id}`, content: { ticket: ticket.id, event, state: ticket.state } };
  },
  async review(board, args) {
    const body = arg(args, 'body');
    const ticket = await board.review(ticketArg(args), {
      review: arg(args, 'review') as string,
      ...(body === undefined ? {} : { body: body as string }),
    });
    const review = ticket.thread.at(-1)?.event;
    return { ticket, summary: `Reviewed ticket ${ticket.id}: ${review}`, content: { ticket: ticket.id, review, state: ticket.state } };
  },
  async setState(board, args) {
    const { ticket, from } = await board.setState(ticketArg(args), arg(args, 'to') as TicketState);
    return { ticket, summary: `Moved ticket ${ticket.id} from ${from} to ${ticket.state}`, content: { ticket: ticket.id, from, to: ticket.state } };
  },
  async intakeReady(board, args) {
    const { ticket, from } = await board.intakeReady(ticketArg(args));
    return {
      ticket,
      summary: `Ticket ${ticket.id} ready for intake (moved from ${from} to ${ticket.state})`,
      content: { ticket: ticket.id, from, to: ticket.state },
    };
  },
  async close(board, args) {
    const { ticket, from } = await board.close(ticketArg(args), arg(args, 'resolution') as string);
    return { ticket, summary: `Ticket ${ticket.id} closed`, content: { ticket: ticket.id, from, state: ticket.state } };
  },
  async list(board) {
    const tickets = await board.list();
    const noun = tickets.length === 1 ? 'ticket' : 'tickets';
    const items = tickets.map(ticketSummary);
    return { summary: `Listed ${tickets.length} ${noun}`, content: { tickets: items } };
  },
  async show(board, args) {
    const id = ticketArg(args);
    const ticket = await board.get(id);
    if (ticket === undefined) throw unknownTicket(id);
    return { ticket, summary: `Showed ticket ${ticket.id} (${ticket.state})`, content: { ticket: ticket.id, item: ticket } };
  },
};

/**
 * Runs the tools over `board` and tells, with each result, the lifecycle
 * event it stands for, read off the content before it becomes JSON text.
 */
export function createTicketToolRunner(board: TicketBoard): TicketToolRunner {
  return async (method, args) => {
    const toolName = TICKET_TOOL_NAMES[method];
    let success: Success;
    try {
      success = await WORK[method](board, args);
    } catch (error) {
      return failure(toolName, args, error);
    }
    const content = { ok: true, ...success.content };
    const result: ToolResult = { toolName, isError: false, summary: success.summary, content: JSON.stringify(content) };
    const { ticket } = success;
    if (ticket === undefined) return { result, lifecycle: null };
    return { result, ticket, lifecycle: lifecycleKind(toolName, content) ?? null };
  };
}

/** The tools of a runner, as plain functions resolving to their `ToolResult`. */
export function toolsOf(run: (method: TicketToolMethod, args: unknown) => Promise<{ readonly result: ToolResult }>): TicketTools {
  const entries = TICKET_TOOL_METHODS.map((method) => [method, async (args?: unknown) => (await run(method, args)).result]);
  return Object.fromEntries(entries) as unknown as TicketTools;
}

/** Creates the ticket tools over `board`. */
export function createTicketTools(board: TicketBoard): TicketTools {
  return toolsOf(createTicketToolRunner(board));
}

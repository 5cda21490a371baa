/**
 * The orchestrator's ticket tools (SPEC §6) over a {@link TicketBoard}. Each
 * takes the raw arguments of a tool call, checks them, and resolves to a
 * `ToolResult`; it never rejects. `content` carries the data (bodies included:
 * it is the tool's output); `summary` is one short line that never quotes a
 * body, resolution or error message, because summaries travel into notices.
 */
import type { TicketState } from '../machines/ticketMachine.js';
import { errorLine } from '../text.js';
import type { ToolResult } from '../types.js';
import type { Ticket, TicketBoard } from './createTicketBoard.js';
import { isTicketId } from './createTicketIds.js';
import { TicketError } from './ticketError.js';
import type { TicketErrorCode } from './ticketError.js';

/** Tool names, as the lifecycle table of SPEC §6 spells them. */
export type TicketToolName =
  | 'TicketCreate'
  | 'TicketComment'
  | 'TicketReview'
  | 'TicketWorkflowState'
  | 'TicketIntakeReady'
  | 'TicketClose'
  | 'TicketList'
  | 'TicketShow';

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

interface Success {
  readonly summary: string;
  readonly content: Record<string, unknown>;
}

/** Reads one argument; a non-object argument list has no fields. */
function arg(args: unknown, key: string): unknown {
  return typeof args === 'object' && args !== null ? (args as Record<string, unknown>)[key] : undefined;
}

function failure(toolName: TicketToolName, args: unknown, error: unknown): ToolResult {
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
  // The code only: messages may one day carry text a summary must not quote.
  return { toolName, isError: true, summary: `${toolName} failed: ${code}`, content: JSON.stringify(content) };
}

async function run(toolName: TicketToolName, args: unknown, fn: () => Promise<Success>): Promise<ToolResult> {
  try {
    const { summary, content } = await fn();
    return { toolName, isError: false, summary, content: JSON.stringify({ ok: true, ...content }) };
  } catch (error) {
    return failure(toolName, args, error);
  }
}

function listItem(ticket: Ticket): Record<string, unknown> {
  const { id, title, state, createdAt, updatedAt } = ticket;
  return { id, title, state, createdAt, updatedAt };
}

/** Creates the ticket tools over `board`. */
export function createTicketTools(board: TicketBoard): TicketTools {
  // The board checks every value itself; the tools only pick them out of the call.
  const ticketArg = (args: unknown): string => arg(args, 'ticket') as string;

  return {
    create: (args) =>
      run('TicketCreate', args, async () => {
        const body = arg(args, 'body');
        const ticket = await board.create({
          title: arg(args, 'title') as string,
          ...(body === undefined ? {} : { body: body as string }),
        });
        return {
          summary: `Created ticket ${ticket.id}`,
          content: { ticket: ticket.id, state: ticket.state, title: ticket.title },
        };
      }),

    comment: (args) =>
      run('TicketComment', args, async () => {
        const ticket = await board.comment(ticketArg(args), {
          event: arg(args, 'event') as string,
          body: arg(args, 'body') as string,
        });
        const event = ticket.thread.at(-1)?.event;
        return {
          summary: `Commented (${event}) on ticket ${ticket.id}`,
          content: { ticket: ticket.id, event, state: ticket.state },
        };
      }),

    review: (args) =>
      run('TicketReview', args, async () => {
        const body = arg(args, 'body');
        const ticket = await board.review(ticketArg(args), {
          review: arg(args, 'review') as string,
          ...(body === undefined ? {} : { body: body as string }),
        });
        const review = ticket.thread.at(-1)?.event;
        return {
          summary: `Reviewed ticket ${ticket.id}: ${review}`,
          content: { ticket: ticket.id, review, state: ticket.state },
        };
      }),

    setState: (args) =>
      run('TicketWorkflowState', args, async () => {
        const { ticket, from } = await board.setState(ticketArg(args), arg(args, 'to') as TicketState);
        return {
          summary: `Moved ticket ${ticket.id} from ${from} to ${ticket.state}`,
          content: { ticket: ticket.id, from, to: ticket.state },
        };
      }),

    intakeReady: (args) =>
      run('TicketIntakeReady', args, async () => {
        const { ticket, from } = await board.intakeReady(ticketArg(args));
        return {
          summary: `Ticket ${ticket.id} ready for intake (moved from ${from} to ${ticket.state})`,
          content: { ticket: ticket.id, from, to: ticket.state },
        };
      }),

    close: (args) =>
      run('TicketClose', args, async () => {
        const { ticket, from } = await board.close(ticketArg(args), arg(args, 'resolution') as string);
        return { summary: `Ticket ${ticket.id} closed`, content: { ticket: ticket.id, from, state: ticket.state } };
      }),

    list: (args) =>
      run('TicketList', args, async () => {
        const tickets = await board.list();
        const noun = tickets.length === 1 ? 'ticket' : 'tickets';
        return { summary: `Listed ${tickets.length} ${noun}`, content: { tickets: tickets.map(listItem) } };
      }),

    show: (args) =>
      run('TicketShow', args, async () => {
        const id = ticketArg(args);
        const ticket = await board.get(id);
        if (ticket === undefined) throw new TicketError('unknown-ticket', 'unknown ticket', isTicketId(id) ? id : undefined);
        return { summary: `Showed ticket ${ticket.id} (${ticket.state})`, content: { ticket: ticket.id, item: ticket } };
      }),
  };
}

/**
 * Which tool results are ticket lifecycle events, and the notice text sent
 * for them (docs/behaviour.md §6). Pure and total: any value in, `null` or a fact out,
 * never a throw. Only named, checked fields leave a tool result; bodies,
 * errors and anything else in its content never reach a notice.
 */
import { isAbsolute, join } from 'node:path';
import { bound, boundLine, oneLine } from '../core/text.js';
import { isTicketCommentEvent, isTicketReview, isTicketState } from '../machines/ticketMachine.js';
import { TICKET_TOOL_NAMES } from './ticketToolNames.js';

/** The file of a ticket's folder a notice points at. */
export type TicketRefFile = 'thread.md' | 'item.md' | 'resolution.md';

/** A lifecycle event read off a tool result. */
export interface LifecycleEvent {
  readonly ticket: string;
  /** `comment/<event>`, `review/<review>`, `state/<from>-><to>` or `close/resolution`. */
  readonly kind: string;
  readonly refFile: TicketRefFile;
  /** The result's summary when it is a string, else `''`: read once, inside the guard. */
  readonly summary: string;
}

/** The fields of a notice; each is made one line and bounded by {@link buildTicketNotice}. */
export interface TicketNoticeFields {
  readonly ticket: string;
  readonly title: string;
  /** The ticket's current state, re-read from the board. */
  readonly state: string;
  readonly kind: string;
  readonly summary: string;
  readonly refFile: string;
  /**
   * The board's folder (absolute), when it persists: the ref is then the path
   * `<dir>/<id>/<refFile>`. Without it (a board in memory) the ref is the
   * relative `tickets/<id>/<refFile>`, which names the ticket, not a file.
   */
  readonly dir?: string;
}

const REF_FILES: readonly string[] = ['thread.md', 'item.md', 'resolution.md'];

/** First line of every ticket notice. */
export const TICKET_NOTICE_HEADER = 'Ticket event notice (weak; autoRun=false)';

/** Bounds of the notice fields, in code points (`…` is added only when a field is cut). */
export const TICKET_NOTICE_BOUNDS = {
  ticket: 128,
  title: 96,
  state: 80,
  kind: 80,
  summary: 160,
  refFile: 80,
  /** The absolute ref path, which is never cut: a longer one falls back to the relative form. */
  ref: 400,
  message: 768,
} as const;

// A ticket id from elsewhere goes into `ref: tickets/<id>/…`: only a plain
// path segment may, never `..`, a separator or whitespace.
const TICKET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** What a lifecycle event is, without its ticket. */
export type LifecycleKind = Omit<LifecycleEvent, 'ticket' | 'summary'>;

/**
 * The lifecycle table: the event kind and ref file of a successful tool's
 * content, or `undefined` for a tool (or content) that is no lifecycle event.
 */
export function lifecycleKind(toolName: string, content: Record<string, unknown>): LifecycleKind | undefined {
  switch (toolName) {
    case TICKET_TOOL_NAMES.comment:
      return isTicketCommentEvent(content.event) ? { kind: `comment/${content.event}`, refFile: 'thread.md' } : undefined;
    case TICKET_TOOL_NAMES.review:
      return isTicketReview(content.review) ? { kind: `review/${content.review}`, refFile: 'thread.md' } : undefined;
    case TICKET_TOOL_NAMES.setState:
      return isTicketState(content.from) && isTicketState(content.to)
        ? { kind: `state/${content.from}->${content.to}`, refFile: 'item.md' }
        : undefined;
    case TICKET_TOOL_NAMES.intakeReady:
      return { kind: 'state/planning->ready', refFile: 'item.md' };
    case TICKET_TOOL_NAMES.close:
      return { kind: 'close/resolution', refFile: 'resolution.md' };
    default:
      return undefined;
  }
}

/**
 * The lifecycle event a tool result stands for, or `null` when it is none:
 * another tool (TicketCreate, TicketList, TicketShow, …), `isError` not
 * `false`, content that is not a JSON object with `ok: true` and a ticket id,
 * or a missing or unknown event, review or state. Never throws.
 */
export function lifecycleEvent(result: unknown): LifecycleEvent | null {
  try {
    const fields = record(result);
    if (fields === undefined || fields.isError !== false) return null;
    const { toolName, content } = fields;
    if (typeof toolName !== 'string' || typeof content !== 'string') return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      return null;
    }
    const data = record(parsed);
    if (data === undefined || data.ok !== true) return null;
    const { ticket } = data;
    if (typeof ticket !== 'string' || !TICKET_ID.test(ticket)) return null;
    const found = lifecycleKind(toolName, data);
    if (found === undefined) return null;
    // Read here, where a throwing getter is caught, never again by the caller.
    const { summary } = fields;
    return { ticket, ...found, summary: typeof summary === 'string' ? summary : '' };
  } catch {
    // A hostile object (throwing getter, proxy) is simply not a lifecycle event.
    return null;
  }
}

function field(value: unknown, max: number): string {
  return typeof value === 'string' ? boundLine(value, max) : '';
}

/**
 * The absolute path of the ref, or `undefined` when it would not open as
 * written: no absolute `dir`, an id or file that is not plain, a path that
 * making it one line would change, or one longer than its bound.
 */
function absoluteRef(dir: string | undefined, ticket: string, refFile: string): string | undefined {
  if (typeof dir !== 'string' || !isAbsolute(dir) || !TICKET_ID.test(ticket) || !REF_FILES.includes(refFile)) return undefined;
  const path = join(dir, ticket, refFile);
  if (oneLine(path) !== path || [...path].length > TICKET_NOTICE_BOUNDS.ref) return undefined;
  return path;
}

/**
 * The notice text: seven lines (header, ticket, title, state, event, summary,
 * ref), each field made one line and bounded, and the whole bounded to 768
 * code points with its line breaks kept. The ref is the absolute path of the
 * ticket's file when `dir` is given, else `tickets/<id>/<file>`, relative.
 */
export function buildTicketNotice(fields: TicketNoticeFields): string {
  const b = TICKET_NOTICE_BOUNDS;
  const ticket = field(fields.ticket, b.ticket);
  const refFile = field(fields.refFile, b.refFile);
  const lines = [
    TICKET_NOTICE_HEADER,
    `ticket: ${ticket}`,
    `title: ${field(fields.title, b.title)}`,
    `state: ${field(fields.state, b.state)}`,
    `event: ${field(fields.kind, b.kind)}`,
    `summary: ${field(fields.summary, b.summary)}`,
  ];
  const relative = [...lines, `ref: tickets/${ticket}/${refFile}`].join('\n');
  const path = absoluteRef(fields.dir, ticket, refFile);
  if (path !== undefined) {
    const message = [...lines, `ref: ${path}`].join('\n');
    // A path cut by the message bound would name a file that does not open: the relative form instead.
    if (bound(message, b.message) === message) return message;
  }
  return bound(relative, b.message);
}

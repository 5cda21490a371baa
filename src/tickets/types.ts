/**
 * The data of the tickets domain: tickets as a board holds them, and tool
 * results as an LLM framework passes them around. Plain JSON-safe data.
 */
import type { TicketState } from '../machines/ticketMachine.js';

/** One comment or review in a ticket's thread, in the order they were added. */
export interface TicketThreadEntry {
  readonly kind: 'comment' | 'review';
  /** The comment's event (`comment`, `plan`, …) or the review's verdict (`approve`, `request_changes`). */
  readonly event: string;
  readonly body: string;
  /** ISO time. */
  readonly at: string;
}

/** A ticket as the board holds it; frozen, so a caller cannot change the board's copy. */
export interface Ticket {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly state: TicketState;
  /** ISO times. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly thread: readonly TicketThreadEntry[];
  /** Set when the ticket is closed. */
  readonly resolution?: string;
}

/** The fields of a ticket a list shows: no body, thread or resolution. */
export type TicketSummary = Pick<Ticket, 'id' | 'title' | 'state' | 'createdAt' | 'updatedAt'>;

/** A ticket after a state change, and the state it left. */
export interface TicketMove {
  readonly ticket: Ticket;
  readonly from: TicketState;
}

/** A tool result as an LLM framework passes it around (docs/behaviour.md §6). */
export interface ToolResult {
  readonly toolName: string;
  readonly isError: boolean;
  readonly summary: string;
  /** A JSON string with at least `ok` and `ticket`. */
  readonly content: string;
}

/**
 * The one error a ticket board throws on purpose. `code` is stable so tools
 * and callers branch on it; messages name the ticket but never quote a title,
 * body or resolution.
 */
import { PodmeshError } from '../core/errors.js';

/** Why a ticket operation was refused. */
export type TicketErrorCode = 'unknown-ticket' | 'invalid-transition' | 'invalid-input';

/** A refused ticket operation. Nothing was written when it is thrown. */
export class TicketError extends PodmeshError {
  declare readonly code: TicketErrorCode;
  /** The ticket id, when the operation named a well-formed one. */
  readonly ticket: string | undefined;
  constructor(code: TicketErrorCode, message: string, ticket?: string) {
    super(code, message);
    this.ticket = ticket;
  }
}

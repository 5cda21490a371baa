/**
 * Boundary checks of a ticket board's inputs. Tool calls hand the board
 * untrusted values of any type, so every check starts from `unknown`.
 */
import { exceedsBytes } from '../core/exceedsBytes.js';
import { oneLine } from '../core/text.js';
import { TicketError } from './ticketError.js';

/** Longest title, in code points, after it is made one line. */
export const MAX_TICKET_TITLE = 500;
/** Largest body, comment, review or resolution, in UTF-8 bytes (1 MiB). */
export const MAX_TICKET_TEXT_BYTES = 1024 * 1024;

/** `value` when it is a string of at most 1 MiB in UTF-8, else an `invalid-input` error naming `what`. */
export function checkTicketText(value: unknown, what: string, id?: string): string {
  if (typeof value !== 'string') throw new TicketError('invalid-input', `${what} must be a string`, id);
  if (exceedsBytes(value, MAX_TICKET_TEXT_BYTES)) {
    throw new TicketError('invalid-input', `${what} is larger than 1 MiB`, id);
  }
  return value;
}

/** The title made one line, when it is a non-empty string of at most 500 code points. */
export function checkTicketTitle(value: unknown): string {
  if (typeof value !== 'string') throw new TicketError('invalid-input', 'title must be a string');
  // Cheap refusal before normalising a huge string.
  if (value.length > MAX_TICKET_TEXT_BYTES) throw new TicketError('invalid-input', 'title is too long');
  const title = oneLine(value);
  if (title === '') throw new TicketError('invalid-input', 'title is empty');
  let length = 0;
  for (const _ of title) length += 1;
  if (length > MAX_TICKET_TITLE) {
    throw new TicketError('invalid-input', `title is longer than ${MAX_TICKET_TITLE} characters`);
  }
  return title;
}

/** `value` as a record of fields, when it is an object. */
export function ticketInputObject(value: unknown, id?: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new TicketError('invalid-input', 'input must be an object', id);
  return value as Record<string, unknown>;
}


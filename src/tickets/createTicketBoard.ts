/**
 * A ticket board (docs/behaviour.md §6): tickets in memory, or persisted under a folder.
 * Which moves are allowed is decided by `ticketMachine`, never here. Mutations
 * of one ticket run one at a time, and the in-memory copy changes only after
 * its files are written, so a failed write leaves the ticket as it was.
 */
import {
  canMoveTicket,
  isTicketCommentEvent,
  isTicketReview,
  isTicketState,
  nextTicketState,
  TICKET_COMMENT_EVENTS,
  TICKET_REVIEWS,
  TICKET_STATES,
  ticketMoveEvent,
} from '../machines/ticketMachine.js';
import type { TicketEventType, TicketState } from '../machines/ticketMachine.js';
import { createKeyedLock } from '../core/keyedLock.js';
import { checkTicketText, checkTicketTitle, ticketInputObject } from './checkTicketInput.js';
import { clampTime, createTicketIdGenerator, isTicketId } from './createTicketIds.js';
import { TicketError } from './ticketError.js';
import {
  createTicketFolder,
  formatItem,
  formatThread,
  listTicketFolders,
  readTicketFolder,
  writeTicketFile,
} from './ticketFiles.js';
import type { Ticket, TicketMove, TicketThreadEntry } from './types.js';

export type { Ticket, TicketMove, TicketThreadEntry } from './types.js';

// Another board on the same folder may take an id first; each retry takes the next one.
const MAX_ID_ATTEMPTS = 16;

/** Options of {@link createTicketBoard}. */
export interface TicketBoardOptions {
  /** Folder to persist tickets in (`<dir>/<id>/…`); in memory when absent. */
  readonly dir?: string;
  /** Milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** A number in [0, 1) for the random part of ids; default a secure source (nanoid), injectable for simulations. */
  readonly random?: () => number;
}

/**
 * A ticket board. Every method takes untrusted values: an id that is not a
 * well-formed ticket id is an unknown ticket and never reaches a path.
 * Failures throw {@link TicketError}; I/O errors pass through unchanged.
 */
export interface TicketBoard {
  /** The folder tickets are persisted in, or `undefined` for a board in memory. */
  readonly dir: string | undefined;
  /** Creates a ticket in `planning`. The title is made one line. */
  create(input: { readonly title: string; readonly body?: string }): Promise<Ticket>;
  /** The ticket, or `undefined` when there is none with that id. */
  get(id: string): Promise<Ticket | undefined>;
  /** All tickets, sorted by id (creation order). */
  list(): Promise<Ticket[]>;
  /** Appends a comment to the thread. */
  comment(id: string, input: { readonly event: string; readonly body: string }): Promise<Ticket>;
  /** Appends a review to the thread. */
  review(id: string, input: { readonly review: string; readonly body?: string }): Promise<Ticket>;
  /** Moves a ticket through its workflow; closing is only possible through {@link TicketBoard.close}. */
  setState(id: string, to: TicketState): Promise<TicketMove>;
  /** Moves a ticket from `planning` to `ready`, and from nowhere else. */
  intakeReady(id: string): Promise<TicketMove>;
  /** Closes an open ticket with a resolution. */
  close(id: string, resolution: string): Promise<TicketMove>;
}

// Messages are sentences a tool's summary can show: they name ids, states and the allowed
// values, never a title, body, resolution or a value the caller passed that is not one of them.

/** The `unknown-ticket` error for `id`; the id is named only when it is a well-formed one. */
export function unknownTicket(id: unknown): TicketError {
  return isTicketId(id)
    ? new TicketError('unknown-ticket', `unknown ticket ${id}`, id)
    : new TicketError('unknown-ticket', 'unknown ticket: ticket must be a ticket id (16 characters of Crockford base32)');
}

function cannotMove(current: Ticket, to: TicketState): TicketError {
  const allowed = TICKET_STATES.filter((state) => state !== 'closed' && canMoveTicket(current.state, state));
  const after = allowed.length === 0 ? 'none' : allowed.join(', ');
  return new TicketError('invalid-transition', `cannot move ticket ${current.id} from ${current.state} to ${to} (from ${current.state}: ${after})`, current.id);
}

/** What a mutation changes: the new ticket, the files to write in order, and what to return. */
interface Change<T> {
  readonly next: Ticket;
  readonly files: readonly ('item' | 'thread' | 'resolution')[];
  readonly result: T;
}

/**
 * Creates a ticket board: in memory, or persisted under `dir` (created on the
 * first ticket). A board on an existing folder loads its tickets on first use;
 * folders that hold no whole ticket are skipped and left untouched. One board
 * per folder at a time: boards do not watch each other's writes.
 */
export function createTicketBoard(options: TicketBoardOptions = {}): TicketBoard {
  const { dir } = options;
  const now = options.now ?? Date.now;
  // No `random` unless given: the generator's default is the secure one.
  const ids = createTicketIdGenerator({ now, ...(options.random === undefined ? {} : { random: options.random }) });
  const tickets = new Map<string, Ticket>();
  const lock = createKeyedLock();
  let loading: Promise<void> | undefined;

  const isoNow = (): string => new Date(clampTime(now())).toISOString();

  const load = (): Promise<void> => {
    if (dir === undefined) return Promise.resolve();
    loading ??= (async () => {
      for (const id of await listTicketFolders(dir)) {
        // Also the ids of skipped folders: a new ticket must never reuse one.
        ids.after(id);
        const ticket = await readTicketFolder(dir, id);
        if (ticket !== undefined) tickets.set(id, ticket);
      }
    })().catch((error: unknown) => {
      loading = undefined; // a failed load (say EACCES) is tried again on the next call
      throw error;
    });
    return loading;
  };

  const persist = async (next: Ticket, files: Change<unknown>['files']): Promise<void> => {
    if (dir === undefined) return;
    for (const file of files) {
      const data =
        file === 'item' ? formatItem(next) : file === 'thread' ? formatThread(next.thread) : (next.resolution ?? '');
      await writeTicketFile(dir, next.id, file, data);
    }
  };

  const mutate = async <T>(id: unknown, change: (ticket: Ticket) => Change<T>): Promise<T> => {
    if (!isTicketId(id)) throw unknownTicket(id);
    await load();
    return lock.run(id, async () => {
      const current = tickets.get(id);
      if (current === undefined) throw unknownTicket(id);
      const { next, files, result } = change(current);
      await persist(next, files);
      tickets.set(id, Object.freeze(next));
      return result;
    });
  };

  const append = (
    id: unknown,
    kind: TicketThreadEntry['kind'],
    read: (current: Ticket) => { readonly event: string; readonly body: string },
  ): Promise<Ticket> =>
    mutate(id, (current) => {
      const { event, body } = read(current);
      const at = isoNow();
      const entry: TicketThreadEntry = Object.freeze({ kind, event, body, at });
      const next: Ticket = { ...current, updatedAt: at, thread: Object.freeze([...current.thread, entry]) };
      // Thread first: a crash in between leaves the entry with a stale updatedAt, never an entry lost.
      return { next, files: ['thread', 'item'], result: next };
    });

  const move = (current: Ticket, type: TicketEventType): Ticket => {
    const context = { ticket: current.id, updatedAt: current.updatedAt };
    const moved = nextTicketState(current.state, { type, at: isoNow() }, context);
    if (moved === undefined) {
      const message =
        type === 'ticket.close' ? `ticket ${current.id} is already closed` : `ticket ${current.id} cannot take ${type} in state ${current.state}`;
      throw new TicketError('invalid-transition', message, current.id);
    }
    return { ...current, state: moved.state, updatedAt: moved.context.updatedAt };
  };

  return {
    dir,

    async create(input) {
      const fields = ticketInputObject(input);
      const title = checkTicketTitle(fields.title);
      const body = fields.body === undefined ? '' : checkTicketText(fields.body, 'body');
      await load();
      for (let attempt = 1; ; attempt += 1) {
        if (attempt > MAX_ID_ATTEMPTS) throw new Error('could not find a free ticket id');
        const id = ids.next();
        // Taken by another board on the same folder: the next id sorts after it.
        if (tickets.has(id) || (dir !== undefined && !(await createTicketFolder(dir, id)))) continue;
        const at = isoNow();
        const ticket: Ticket = Object.freeze({
          id,
          title,
          body,
          state: 'planning',
          createdAt: at,
          updatedAt: at,
          thread: Object.freeze([]),
        });
        // Held under the ticket's key so nothing can touch it before item.md exists.
        return lock.run(id, async () => {
          await persist(ticket, ['item']);
          tickets.set(id, ticket);
          return ticket;
        });
      }
    },

    async get(id) {
      if (!isTicketId(id)) return undefined;
      await load();
      return tickets.get(id);
    },

    async list() {
      await load();
      return [...tickets.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    comment(id, input) {
      return append(id, 'comment', (current) => {
        const fields = ticketInputObject(input, current.id);
        if (!isTicketCommentEvent(fields.event)) {
          throw new TicketError('invalid-input', `event must be one of ${TICKET_COMMENT_EVENTS.join(', ')}`, current.id);
        }
        return { event: fields.event, body: checkTicketText(fields.body, 'body', current.id) };
      });
    },

    review(id, input) {
      return append(id, 'review', (current) => {
        const fields = ticketInputObject(input, current.id);
        if (!isTicketReview(fields.review)) {
          throw new TicketError('invalid-input', `review must be one of ${TICKET_REVIEWS.join(', ')}`, current.id);
        }
        const body = fields.body === undefined ? '' : checkTicketText(fields.body, 'body', current.id);
        return { event: fields.review, body };
      });
    },

    setState(id, to) {
      return mutate(id, (current) => {
        if (!isTicketState(to)) {
          const states = TICKET_STATES.filter((state) => state !== 'closed').join(', ');
          throw new TicketError('invalid-input', `to must be one of ${states}`, current.id);
        }
        if (to === 'closed') {
          throw new TicketError('invalid-transition', `cannot move ticket ${current.id} to closed: a ticket is closed only through close`, current.id);
        }
        const type = ticketMoveEvent(current.state, to);
        if (type === undefined) throw cannotMove(current, to);
        const next = move(current, type);
        return { next, files: ['item'], result: { ticket: next, from: current.state } };
      });
    },

    intakeReady(id) {
      return mutate(id, (current) => {
        if (current.state !== 'planning') {
          throw new TicketError(
            'invalid-transition',
            `cannot mark ticket ${current.id} ready for intake: it is ${current.state}, intake works only from planning`,
            current.id,
          );
        }
        const next = move(current, 'ticket.ready');
        return { next, files: ['item'], result: { ticket: next, from: current.state } };
      });
    },

    close(id, resolution) {
      return mutate(id, (current) => {
        const text = checkTicketText(resolution, 'resolution', current.id);
        const next: Ticket = { ...move(current, 'ticket.close'), resolution: text };
        // Resolution first: a closed item.md always has its resolution beside it.
        return { next, files: ['resolution', 'item'], result: { ticket: next, from: current.state } };
      });
    },
  };
}

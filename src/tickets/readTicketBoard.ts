/**
 * Reading a board's folder without a board or an orchestrator (the CLI reads
 * `<home>/tickets/<orchestrator>` this way). Read-only: no folder is made, no
 * lock taken, nothing written, so it may run while an orchestrator writes.
 * Every ticket's files are replaced by renames, so each file reads whole, old
 * or new.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../core/errors.js';
import { isTicketId } from './createTicketIds.js';
import { listTicketFolders, readTicketFolder } from './ticketFiles.js';
import type { Ticket, TicketSummary } from './types.js';

/** What {@link readTicketBoard} found. */
export interface TicketBoardListing {
  /** The whole tickets, sorted by id (creation order). */
  readonly tickets: readonly TicketSummary[];
  /** Ids of the ticket folders that hold no whole ticket (a creation that crashed, a damaged file), sorted. */
  readonly skipped: readonly string[];
}

/** The summary fields of a ticket (what `TicketList` shows). */
export function ticketSummary({ id, title, state, createdAt, updatedAt }: Ticket): TicketSummary {
  return { id, title, state, createdAt, updatedAt };
}

/**
 * The tickets in board folder `dir`, and the folders skipped because they
 * hold no whole ticket (counted, never an error: a board skips them too). A
 * missing `dir` is an empty board. Other I/O errors (EACCES) reject as they are.
 */
export async function readTicketBoard(dir: string): Promise<TicketBoardListing> {
  const tickets: TicketSummary[] = [];
  const skipped: string[] = [];
  for (const id of await listTicketFolders(dir)) {
    const ticket = await readTicketFolder(dir, id);
    if (ticket === undefined) skipped.push(id);
    else tickets.push(ticketSummary(ticket));
  }
  return { tickets, skipped };
}

/** The summaries of the whole tickets in board folder `dir`, sorted by id; `[]` when `dir` does not exist. Corrupt folders are skipped ({@link readTicketBoard} counts them). */
export async function readTicketList(dir: string): Promise<TicketSummary[]> {
  return [...(await readTicketBoard(dir)).tickets];
}

/**
 * Ticket `id` of board folder `dir`, thread and resolution included, or
 * `null` when there is none: an id that is not a ticket id, no such folder,
 * a link in its place (a ticket lives in `dir`, as for a board), or a folder
 * that holds no whole ticket (as a board, it reads as no ticket).
 */
export async function readTicket(dir: string, id: string): Promise<Ticket | null> {
  if (!isTicketId(id)) return null;
  try {
    if (!(await lstat(join(dir, id))).isDirectory()) return null;
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null;
    throw error;
  }
  return (await readTicketFolder(dir, id)) ?? null;
}

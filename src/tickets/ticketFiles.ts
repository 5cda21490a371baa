/**
 * The on-disk form of a ticket: `<dir>/<id>/item.md` (a header of JSON-encoded
 * values, then the body), `thread.md` (entries, each opened by a marker line)
 * and `resolution.md` (the resolution as written). Formatting and parsing are
 * pure; the few I/O helpers below validate ids before building any path.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isTicketCommentEvent,
  isTicketReview,
  isTicketState,
} from '../machines/ticketMachine.js';
import type { TicketState } from '../machines/ticketMachine.js';
import type { Ticket, TicketThreadEntry } from './types.js';
import { errorCode } from '../core/errors.js';
import { writeFileAtomic } from '../actors/stores/writeFileAtomic.js';
import { isTicketId } from './createTicketIds.js';

/** File names inside a ticket's folder. */
export const TICKET_FILES = { item: 'item.md', thread: 'thread.md', resolution: 'resolution.md' } as const;

const FENCE = '---';
const HEADER_KEYS = ['id', 'title', 'state', 'createdAt', 'updatedAt'] as const;
const MARKER_PREFIX = '<!-- podmesh:entry ';
const MARKER = /^<!-- podmesh:entry (\{.*\}) -->$/;
// A body line that would read as a marker, or as an escaped one, gets one more backslash.
const MARKER_LIKE = /^\\*<!-- podmesh:entry /;
const ESCAPED_MARKER_LIKE = /^\\+<!-- podmesh:entry /;

/** The fields of `item.md`. */
export interface TicketItem {
  readonly id: string;
  readonly title: string;
  readonly state: TicketState;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly body: string;
}

/**
 * `item.md`: a `---` fenced header of `key: <JSON string>` lines, then the body
 * verbatim. JSON keeps every title on one line, so the fence cannot be forged.
 */
export function formatItem(item: TicketItem): string {
  const header = HEADER_KEYS.map((key) => `${key}: ${JSON.stringify(item[key])}`);
  return [FENCE, ...header, FENCE, ''].join('\n') + item.body;
}

/** Parses `item.md`; `undefined` when it is not one this module wrote. */
export function parseItem(text: string): TicketItem | undefined {
  if (!text.startsWith(FENCE + '\n')) return undefined;
  const fields = new Map<string, unknown>();
  let offset = FENCE.length + 1;
  for (;;) {
    const end = text.indexOf('\n', offset);
    if (end < 0) return undefined;
    const line = text.slice(offset, end);
    offset = end + 1;
    if (line === FENCE) break;
    const match = /^([A-Za-z]+): (.*)$/.exec(line);
    if (match === null) return undefined;
    try {
      fields.set(match[1] as string, JSON.parse(match[2] as string));
    } catch {
      return undefined;
    }
  }
  const { id, title, state, createdAt, updatedAt } = Object.fromEntries(fields) as Record<string, unknown>;
  if (typeof id !== 'string' || typeof title !== 'string' || !isTicketState(state)) return undefined;
  if (typeof createdAt !== 'string' || typeof updatedAt !== 'string') return undefined;
  return { id, title, state, createdAt, updatedAt, body: text.slice(offset) };
}

/** `thread.md`: per entry a marker line with its JSON-encoded kind, event and time, then the body. */
export function formatThread(thread: readonly TicketThreadEntry[]): string {
  let out = '';
  for (const entry of thread) {
    const marker = JSON.stringify({ kind: entry.kind, event: entry.event, at: entry.at });
    const body = entry.body
      .split('\n')
      .map((line) => (MARKER_LIKE.test(line) ? '\\' + line : line))
      .join('\n');
    out += `${MARKER_PREFIX}${marker} -->\n${body}\n`;
  }
  return out;
}

function parseMarker(line: string): Omit<TicketThreadEntry, 'body'> | undefined {
  const match = MARKER.exec(line);
  if (match === null) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(match[1] as string);
  } catch {
    return undefined;
  }
  const { kind, event, at } = value as Record<string, unknown>;
  if (typeof at !== 'string') return undefined;
  if (kind === 'comment' && isTicketCommentEvent(event)) return { kind, event, at };
  if (kind === 'review' && isTicketReview(event)) return { kind, event, at };
  return undefined;
}

/** Parses `thread.md`; `undefined` when a marker is malformed or text precedes the first one. */
export function parseThread(text: string): TicketThreadEntry[] | undefined {
  if (text === '') return [];
  if (!text.endsWith('\n')) return undefined;
  // Every entry ends with the newline formatThread adds, so the last piece is empty.
  const lines = text.slice(0, -1).split('\n');
  const entries: { head: Omit<TicketThreadEntry, 'body'>; lines: string[] }[] = [];
  for (const line of lines) {
    if (line.startsWith(MARKER_PREFIX)) {
      const head = parseMarker(line);
      if (head === undefined) return undefined;
      entries.push({ head, lines: [] });
      continue;
    }
    const current = entries.at(-1);
    if (current === undefined) return undefined;
    current.lines.push(ESCAPED_MARKER_LIKE.test(line) ? line.slice(1) : line);
  }
  return entries.map(({ head, lines: body }) => Object.freeze({ ...head, body: body.join('\n') }));
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // ENOTDIR: a file where a ticket folder should be holds no ticket either.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * Names of the folders in `dir` that look like ticket ids, sorted; `[]` when
 * `dir` does not exist. Symbolic links are not followed: a ticket lives in `dir`.
 */
export async function listTicketFolders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && isTicketId(entry.name))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Reads one ticket folder. `undefined` when it is not a whole ticket: no
 * `item.md` yet (a creation that crashed), or a file this module cannot parse.
 * Such a folder is left alone, never overwritten.
 */
export async function readTicketFolder(dir: string, id: string): Promise<Ticket | undefined> {
  if (!isTicketId(id)) return undefined;
  const folder = join(dir, id);
  const itemText = await readOptional(join(folder, TICKET_FILES.item));
  if (itemText === undefined) return undefined;
  const item = parseItem(itemText);
  if (item === undefined || item.id !== id) return undefined;
  const threadText = await readOptional(join(folder, TICKET_FILES.thread));
  const thread = threadText === undefined ? [] : parseThread(threadText);
  if (thread === undefined) return undefined;
  // A resolution written by a close that crashed before item.md said `closed` never happened.
  const resolution =
    item.state === 'closed' ? await readOptional(join(folder, TICKET_FILES.resolution)) : undefined;
  const ticket: Ticket = { ...item, thread: Object.freeze(thread), ...(resolution === undefined ? {} : { resolution }) };
  return Object.freeze(ticket);
}

/**
 * Creates the folder of a new ticket; `false` when it already exists (another
 * board took the id). It and any folder made on the way to it are 0700 (less
 * by the umask): ticket bodies are their owner's only, as their files are
 * (0600, from writeFileAtomic). An existing folder keeps its mode.
 */
export async function createTicketFolder(dir: string, id: string): Promise<boolean> {
  if (!isTicketId(id)) throw new Error('not a ticket id');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    await mkdir(join(dir, id), { mode: 0o700 });
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

/** Atomically writes one file of a ticket's folder. */
export async function writeTicketFile(
  dir: string,
  id: string,
  file: keyof typeof TICKET_FILES,
  data: string,
): Promise<void> {
  if (!isTicketId(id)) throw new Error('not a ticket id');
  await writeFileAtomic(join(dir, id, TICKET_FILES[file]), data);
}

/**
 * Ticket ids: 16 characters of Crockford base32 — 10 for the creation time in
 * ms, 2 for a counter within that millisecond, 4 random. The alphabet is in
 * ASCII order, so sorting ids as strings sorts them by creation time, and it
 * has no separator or dot, so an id is always a safe folder name.
 */
import { customAlphabet } from 'nanoid';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const COUNTER_CHARS = 2;
const RANDOM_CHARS = 4;
const COUNTER_LIMIT = 32 ** COUNTER_CHARS;
// 10 base32 characters hold 50 bits of ms: until the year 37,648.
const MAX_TIME = 32 ** TIME_CHARS - 1;

/** Exactly what {@link createTicketIdGenerator} produces; anything else is an unknown ticket. */
export const TICKET_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{16}$/;

/** True when `value` has the shape of a ticket id (so it is safe to use as a folder name). */
export function isTicketId(value: unknown): value is string {
  return typeof value === 'string' && TICKET_ID_PATTERN.test(value);
}

function encode(value: number, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i += 1) {
    out = ALPHABET.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function decode(text: string): number {
  let value = 0;
  for (const ch of text) value = value * 32 + ALPHABET.indexOf(ch);
  return value;
}

/** The (time, counter) position of an id, used to continue after ids already on disk. */
export interface TicketIdPosition {
  readonly time: number;
  readonly counter: number;
}

/** The position of a well-formed id, or `undefined` for anything else. */
export function ticketIdPosition(id: string): TicketIdPosition | undefined {
  if (!isTicketId(id)) return undefined;
  return { time: decode(id.slice(0, TIME_CHARS)), counter: decode(id.slice(TIME_CHARS, TIME_CHARS + COUNTER_CHARS)) };
}

/** Clock and randomness of an id generator; injectable for deterministic simulations. */
export interface TicketIdOptions {
  /** Milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** A number in [0, 1); default a secure random source (nanoid), so boards in other processes do not collide. */
  readonly random?: () => number;
}

/** Produces strictly increasing ticket ids. */
export interface TicketIdGenerator {
  /** The next id: greater than every id produced or passed to `after` before. */
  next(): string;
  /** Makes later ids sort after `id` (ids loaded from disk, or taken by another board). */
  after(id: string): void;
}

/** A usable ms time from any clock value: never negative, NaN or out of range. */
export function clampTime(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(Math.max(Math.floor(value), 0), MAX_TIME);
}

/**
 * Creates an id generator. Within one millisecond the counter orders ids;
 * when it runs out (1,024 ids in one ms) or the clock goes back, the time
 * part moves on past the clock, as ULID's monotonic mode does, so order holds.
 */
export function createTicketIdGenerator(options: TicketIdOptions = {}): TicketIdGenerator {
  const now = options.now ?? Date.now;
  const { random } = options;
  let last: TicketIdPosition | undefined;
  const secureTail = customAlphabet(ALPHABET, RANDOM_CHARS);

  const randomTail = (): string => {
    if (random === undefined) return secureTail();
    let tail = '';
    for (let i = 0; i < RANDOM_CHARS; i += 1) tail += randomChar(random);
    return tail;
  };

  const randomChar = (source: () => number): string => {
    const r = source();
    // A misbehaving source (1, NaN, negative) must still give a valid character.
    const index = Number.isFinite(r) ? Math.min(Math.max(Math.floor(r * 32), 0), 31) : 0;
    return ALPHABET.charAt(index);
  };

  return {
    next(): string {
      const time = clampTime(now());
      let position: TicketIdPosition;
      if (last === undefined || time > last.time) position = { time, counter: 0 };
      else if (last.counter + 1 < COUNTER_LIMIT) position = { time: last.time, counter: last.counter + 1 };
      else position = { time: Math.min(last.time + 1, MAX_TIME), counter: 0 };
      last = position;
      return encode(position.time, TIME_CHARS) + encode(position.counter, COUNTER_CHARS) + randomTail();
    },
    after(id: string): void {
      const position = ticketIdPosition(id);
      if (position === undefined) return;
      if (last === undefined || position.time > last.time || (position.time === last.time && position.counter > last.counter)) {
        last = position;
      }
    },
  };
}

/**
 * The malformed connections of section 5: what each sends, how it ends, and
 * what answer the protocol promises for it (docs/protocol.md: every complete
 * line gets exactly one answer; no request ends the connection or the pod).
 */
import type { Random } from './stats.js';
import { between, pick } from './stats.js';

export const KINDS = [
  'random-bytes',
  'invalid-json',
  'huge-line',
  'deep-nesting',
  'partial-then-close',
  'request-then-close',
  'no-newline-hang-up',
] as const;

export type Kind = (typeof KINDS)[number];

/** How the client ends a connection: it reads the answers, destroys at once, or half-closes and waits for the pod to hang up. */
export type Ending = 'read' | 'destroy' | 'end';

export interface Payload {
  readonly kind: Kind;
  readonly bytes: Buffer;
  readonly ending: Ending;
  /** Answers (response lines) the pod owes; 0 unless the ending is `read`. */
  readonly answers: number;
  /** The code the answer must carry, and its id, when the protocol says which. */
  readonly code?: string;
  readonly id?: number;
}

const MIB = 1024 * 1024;
// One block of filler, sliced for every huge line: the client should not cost more than the pod.
const FILLER = Buffer.alloc(3 * MIB, 'x');

// Lines that are not JSON, or JSON that is not a request: each owes one error answer.
const INVALID = [
  (id: number) => `{"id":${id},"method":"ping"`,
  (id: number) => `{"id":${id},method:ping}`,
  (id: number) => `{"id":${id},"method":"ping",}`,
  () => '[1,2,',
  () => 'nul',
  () => '"\\ud800 unterminated',
  (id: number) => `{"id":${id}}`,
  (id: number) => `{"id":${id},"method":"no-such-method"}`,
  (id: number) => `{"id":${id},"method":"notify","params":[]}`,
  (id: number) => `{"id":${id},"method":"notify","params":{"message":5}}`,
  (id: number) => `{"id":"${'i'.repeat(300)}","method":"ping"}`,
  () => '{"id":null,"method":"ping"}',
  () => '12345',
];

function randomBytes(random: Random): Buffer {
  const bytes = Buffer.alloc(between(random, 1, 4096));
  for (let i = 0; i < bytes.length; i += 1) {
    let byte = between(random, 0, 255);
    // A newline would split it into several lines; it gets exactly one, at the end.
    if (byte === 0x0a) byte = 0x0b;
    bytes[i] = byte;
  }
  return bytes;
}

function nested(random: Random, depth: number): string {
  return random() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const line = (text: string | Buffer): Buffer => Buffer.concat([typeof text === 'string' ? Buffer.from(text) : text, Buffer.from('\n')]);

/** The payload of connection `id` of `kind`. */
export function payloadOf(kind: Kind, id: number, random: Random): Payload {
  switch (kind) {
    case 'random-bytes': {
      const bytes = randomBytes(random);
      // The pod skips a line that is only whitespace once decoded, as its reader does.
      const answers = bytes.toString('utf8').trim() === '' ? 0 : 1;
      return { kind, bytes: line(bytes), ending: answers === 0 ? 'end' : 'read', answers };
    }
    case 'invalid-json':
      return { kind, bytes: line(pick(random, INVALID)(id)), ending: 'read', answers: 1 };
    case 'huge-line': {
      const head = Buffer.from(`{"id":${id},"method":"notify","params":{"message":"`);
      const body = FILLER.subarray(0, between(random, MIB + 1, 3 * MIB - 64));
      return { kind, bytes: line(Buffer.concat([head, body, Buffer.from('"}}')])), ending: 'read', answers: 1, code: 'line-too-long', id };
    }
    case 'deep-nesting': {
      const depth = between(random, 1000, 200_000);
      const text = `{"id":${id},"method":"run","params":{"input":${nested(random, depth)}}}`;
      // Past 1 MiB it is a line-too-long instead; both are answers that name the request.
      const code = Buffer.byteLength(text) > MIB ? 'line-too-long' : 'invalid-params';
      return { kind, bytes: line(text), ending: 'read', answers: 1, code, id };
    }
    case 'partial-then-close': {
      const text = `{"id":${id},"method":"state"}`;
      return { kind, bytes: Buffer.from(text.slice(0, between(random, 1, text.length - 1))), ending: 'destroy', answers: 0 };
    }
    case 'request-then-close':
      return { kind, bytes: line(`{"id":${id},"method":"${random() < 0.5 ? 'state' : 'ping'}"}`), ending: 'destroy', answers: 0 };
    case 'no-newline-hang-up':
      return { kind, bytes: Buffer.from(`{"id":${id},"method":"ping"}`), ending: 'end', answers: 0 };
  }
}

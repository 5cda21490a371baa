/**
 * Pod names as NATS subject tokens (JetStream KV keys are subjects), and back.
 *
 * Pod names are permissive (docs/behaviour.md §1): spaces, dots, `*`, `>`,
 * any Unicode. A KV key may hold only `[-/_=.a-zA-Z0-9]`, and `.` splits it
 * into tokens while `*` and `>` are wildcards. So a name becomes exactly one
 * token: `-`, `_` and ASCII letters and digits stand for themselves, every
 * other UTF-8 byte becomes `=` and two upper-case hex digits (`a.b` → `a=2Eb`,
 * `=` itself → `=3D`). The mapping is injective (a decoder reads it back
 * unambiguously, and only the canonical spelling decodes), never yields a dot
 * or a wildcard, and never an empty token (a pod name is never empty).
 */

const PLAIN = /^[-_a-zA-Z0-9]$/;
const TOKEN = /^(?:[-_a-zA-Z0-9]|=[0-9A-F]{2})+$/;

const encoder = new TextEncoder();
// Fatal: a byte sequence that is not UTF-8 is not the token of any name.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `name` (any non-empty string) as one KV-legal subject token with no dot and no wildcard. */
export function toKeyToken(name: string): string {
  let out = '';
  for (const char of name) {
    if (PLAIN.test(char)) {
      out += char;
      continue;
    }
    for (const byte of encoder.encode(char)) out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The name `token` stands for, or `undefined` when `token` is not the
 * canonical token of any string (a key this store did not write).
 */
export function fromKeyToken(token: string): string | undefined {
  if (!TOKEN.test(token)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; ) {
    if (token[i] === '=') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(token.charCodeAt(i));
      i += 1;
    }
  }
  let name: string;
  try {
    name = decoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
  // `=41` for `A` decodes too, but is not how `A` is written: only one spelling per name.
  return toKeyToken(name) === token ? name : undefined;
}

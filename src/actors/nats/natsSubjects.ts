/**
 * The NATS subjects of pods (docs/nats.md): `podmesh.<namespace>.pod.<name>.<method>`
 * for requests and `podmesh.<namespace>.live.<name>` for heartbeats. Pod names
 * are permissive (`a.b`, `*`, `>`, `a b` are valid names), and `.`, `*`, `>`
 * and whitespace are what NATS reads as structure: so every name and
 * namespace is escaped into one token of `[A-Za-z0-9_-]` only. The escape is
 * reversible and injective (each byte of UTF-8 outside `[A-Za-z0-9-]`,
 * `_` included, becomes `_XX` in upper-case hex), so no name can reach
 * another pod's subject, and none is a wildcard.
 */
import { PodmeshError } from '../../core/errors.js';
import type { PodMethod } from '../../core/podMessages.js';
import { podNameProblem, validatePodName } from '../../core/validatePodName.js';

/** The namespace a transport and a server use unless told otherwise. */
export const DEFAULT_NATS_NAMESPACE = 'default';

const KEPT = /^[A-Za-z0-9-]$/;
const HEX = '0123456789ABCDEF';
const encoder = new TextEncoder();

/** `text` as one subject token of `[A-Za-z0-9_-]` (reversed by {@link natsTokenText}). */
export function natsToken(text: string): string {
  // The usual name (letters, digits, dashes) is its own token: no allocation beyond the test.
  if (/^[A-Za-z0-9-]+$/.test(text)) return text;
  let token = '';
  for (const char of text) {
    if (KEPT.test(char)) {
      token += char;
      continue;
    }
    for (const byte of encoder.encode(char)) token += `_${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return token;
}

/** The text a token of {@link natsToken} stands for; throws on a token it cannot have made. */
export function natsTokenText(token: string): string {
  if (!/^(?:[A-Za-z0-9-]|_[0-9A-F]{2})*$/.test(token)) throw new PodmeshError('invalid-argument', `not a podmesh subject token: ${JSON.stringify(token.slice(0, 80))}`);
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i += 1) {
    if (token[i] === '_') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(token.charCodeAt(i));
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
}

/** Throws `invalid-argument` unless `namespace` is valid: the rules of a pod name. */
export function validateNatsNamespace(namespace: string): string {
  const problem = podNameProblem(namespace);
  if (problem !== undefined) throw new PodmeshError('invalid-argument', `invalid NATS namespace: ${problem}`);
  return namespace;
}

/** The subjects of one namespace; every method validates the names it is given. */
export interface NatsSubjects {
  readonly namespace: string;
  /** `podmesh.<ns>.pod.<name>.<method>`. */
  request(name: string, method: PodMethod): string;
  /** `podmesh.<ns>.pod.<name>.*`: what a pod server subscribes. */
  podWildcard(name: string): string;
  /** `podmesh.<ns>.live.<name>`: where a pod server sends its heartbeats. */
  live(name: string): string;
  /** `podmesh.<ns>.live.*`: every heartbeat of the namespace. */
  readonly liveWildcard: string;
  /** The pod name of a heartbeat subject of this namespace, or `undefined`. */
  nameOfLive(subject: string): string | undefined;
}

/** The subjects of `namespace` (default {@link DEFAULT_NATS_NAMESPACE}). */
export function natsSubjects(namespace: string = DEFAULT_NATS_NAMESPACE): NatsSubjects {
  const root = `podmesh.${natsToken(validateNatsNamespace(namespace))}`;
  const livePrefix = `${root}.live.`;
  // The names a transport talks to, escaped once (bounded: a runtime that talks to more starts over).
  const tokens = new Map<string, string>();
  const tokenOf = (name: string): string => {
    let token = tokens.get(name);
    if (token === undefined) {
      token = natsToken(validatePodName(name));
      if (tokens.size >= 4096) tokens.clear();
      tokens.set(name, token);
    }
    return token;
  };
  return {
    namespace,
    request: (name, method) => `${root}.pod.${tokenOf(name)}.${method}`,
    podWildcard: (name) => `${root}.pod.${natsToken(validatePodName(name))}.*`,
    live: (name) => `${livePrefix}${natsToken(validatePodName(name))}`,
    liveWildcard: `${livePrefix}*`,
    nameOfLive(subject) {
      if (!subject.startsWith(livePrefix)) return undefined;
      try {
        return natsTokenText(subject.slice(livePrefix.length));
      } catch {
        return undefined;
      }
    },
  };
}

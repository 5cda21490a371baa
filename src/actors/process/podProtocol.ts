/**
 * The pod wire protocol: JSON lines over a Unix socket. On connect the pod
 * sends a `snapshot`; it sends another whenever its status or activity
 * changes. A client sends requests `{ id, method, params }` and gets one
 * response `{ id, ok, result | error }` each. Malformed lines get an error
 * response (id null when unknown) and never end the connection or the pod.
 */

import { jsonNestingExceeds } from '../../core/jsonNestingExceeds.js';
import { paramsProblem, SCAN_BEFORE_PARSE_CHARS } from '../../core/paramsProblem.js';
import { MAX_PARAMS_DEPTH, POD_METHODS, type PodMethod, type PodRequest, type PodResponse } from '../../core/podMessages.js';

export {
  MAX_PARAMS_DEPTH,
  POD_METHODS,
  type PodMethod,
  type PodPingResult,
  type PodRequest,
  type PodResponse,
  type PodSnapshotMessage,
  type ProtocolErrorCode,
} from '../../core/podMessages.js';

/** Longest request line a pod accepts. */
export const MAX_REQUEST_LINE_BYTES = 1024 * 1024;
/** Longest response line a client accepts, and a pod sends (a `state` can be large). */
export const MAX_RESPONSE_LINE_BYTES = 64 * 1024 * 1024;

/** Longest string id. */
export const MAX_ID_LENGTH = 200;

/** One message as a line. */
export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/** Bytes of an over-long line's start handed to `onTooLong`: enough for any id our encoder writes first. */
export const LINE_HEAD_BYTES = 2048;

/**
 * Splits a byte stream into lines. A line longer than `maxBytes` is reported
 * once through `onTooLong`, with its first {@link LINE_HEAD_BYTES} bytes, and
 * skipped up to its newline; the stream goes on.
 */
export function createLineReader(maxBytes: number, onLine: (line: string) => void, onTooLong: (head: Buffer) => void) {
  let chunks: Buffer[] = [];
  let size = 0;
  let skipping = false;
  return (data: Buffer): void => {
    let start = 0;
    while (start < data.length) {
      const newline = data.indexOf(0x0a, start);
      const end = newline === -1 ? data.length : newline;
      if (!skipping) {
        size += end - start;
        if (size > maxBytes) {
          skipping = true;
          const head = lineHead(chunks, data.subarray(start, end));
          chunks = [];
          size = 0;
          onTooLong(head);
        } else if (newline === -1 || chunks.length > 0) {
          chunks.push(data.subarray(start, end));
        }
      }
      if (newline === -1) break;
      if (!skipping) {
        // A line inside one chunk (the usual case) is decoded without a copy.
        const line = chunks.length === 0 ? data.toString('utf8', start, end) : Buffer.concat(chunks).toString('utf8');
        chunks = [];
        size = 0;
        if (line.trim() !== '') onLine(line);
      }
      skipping = false;
      start = newline + 1;
    }
  };
}

function lineHead(chunks: readonly Buffer[], last: Buffer): Buffer {
  const parts: Buffer[] = [];
  let bytes = 0;
  for (const part of [...chunks, last]) {
    if (bytes >= LINE_HEAD_BYTES) break;
    const piece = part.subarray(0, LINE_HEAD_BYTES - bytes);
    parts.push(piece);
    bytes += piece.length;
  }
  return Buffer.concat(parts);
}

// `{"id":<number or string>` at a line's start, as our encoder writes it.
const ID_AT_START = /^\s*\{\s*"id"\s*:\s*(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")\s*[,}]/;

/**
 * The id of a request read off the start of its line, without parsing the
 * rest (the line may be too long to parse); `null` when the line does not
 * start with a valid id.
 */
export function requestIdOfLineStart(head: Buffer | string): number | string | null {
  const match = ID_AT_START.exec(typeof head === 'string' ? head.slice(0, LINE_HEAD_BYTES) : head.toString('utf8'));
  if (match === null) return null;
  try {
    return validId(JSON.parse(match[1]!));
  } catch {
    return null;
  }
}

function validId(id: unknown): number | string | null {
  return (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= MAX_ID_LENGTH) ? id : null;
}

/** Parses a request line; an error response when it is not one. */
export function parseRequest(line: string): PodRequest | PodResponse {
  // A long line nested deeper than params may be is refused before JSON.parse builds it.
  if (line.length > SCAN_BEFORE_PARSE_CHARS && jsonNestingExceeds(line, MAX_PARAMS_DEPTH + 1)) {
    return {
      id: requestIdOfLineStart(line),
      ok: false,
      error: { code: 'invalid-params', message: `the request nests deeper than params may (${MAX_PARAMS_DEPTH} levels)` },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, ok: false, error: { code: 'bad-json', message: 'the line is not valid JSON' } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { id: null, ok: false, error: { code: 'bad-request', message: 'a request is a JSON object { id, method, params? }' } };
  }
  const { id: rawId, method, params } = value as Record<string, unknown>;
  const id = validId(rawId);
  if (id === null) return { id: null, ok: false, error: { code: 'bad-request', message: `id must be a finite number or a string of at most ${MAX_ID_LENGTH} characters` } };
  if (typeof method !== 'string') return { id, ok: false, error: { code: 'bad-request', message: 'method must be a string' } };
  if (!(POD_METHODS as readonly string[]).includes(method)) {
    return { id, ok: false, error: { code: 'unknown-method', message: `unknown method (one of ${POD_METHODS.join(', ')})` } };
  }
  if (params === undefined) return { id, method: method as PodMethod };
  const problem = paramsProblem(params);
  if (problem !== undefined) return { id, ok: false, error: problem };
  return { id, method: method as PodMethod, params: params as Record<string, unknown> };
}

/** True when `value` is an error response rather than a request. */
export function isResponse(value: PodRequest | PodResponse): value is PodResponse {
  return 'ok' in value;
}

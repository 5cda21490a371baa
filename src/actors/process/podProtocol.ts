/**
 * The pod wire protocol: JSON lines over a Unix socket. On connect the pod
 * sends a `snapshot`; it sends another whenever its status or activity
 * changes. A client sends requests `{ id, method, params }` and gets one
 * response `{ id, ok, result | error }` each. Malformed lines get an error
 * response (id null when unknown) and never end the connection or the pod.
 */

import type { PodActivity, PodStatus } from '../../core/types.js';

/** Requests a pod accepts; `tool` only on an orchestrator pod. */
export const POD_METHODS = ['ping', 'notify', 'run', 'pause', 'resume', 'stop', 'state', 'tool'] as const;
/** A method a pod answers. */
export type PodMethod = (typeof POD_METHODS)[number];

/** Longest request line a pod accepts. */
export const MAX_REQUEST_LINE_BYTES = 1024 * 1024;
/** Longest response line a client accepts (a `state` can be large). */
export const MAX_RESPONSE_LINE_BYTES = 64 * 1024 * 1024;

/** What a pod sends on connect and on every change of status or activity. */
export interface PodSnapshotMessage {
  readonly type: 'snapshot';
  readonly name: string;
  readonly status: PodStatus;
  readonly activity?: PodActivity;
}

/** One request line of a client. */
export interface PodRequest {
  readonly id: number | string;
  readonly method: PodMethod;
  readonly params?: Record<string, unknown>;
}

/** The codes of an error response. */
export type ProtocolErrorCode =
  | 'bad-json'
  | 'bad-request'
  | 'unknown-method'
  | 'line-too-long'
  | 'invalid-params'
  | 'not-live'
  | 'not-an-orchestrator'
  | 'internal-error';

/** One response line of a pod: a result, or an error with its code. */
export type PodResponse =
  | { readonly id: number | string | null; readonly ok: true; readonly result: unknown }
  | { readonly id: number | string | null; readonly ok: false; readonly error: { readonly code: ProtocolErrorCode | string; readonly message: string } };

/** One message as a line. */
export function encodeLine(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Splits a byte stream into lines. A line longer than `maxBytes` is reported
 * once through `onTooLong` and skipped up to its newline; the stream goes on.
 */
export function createLineReader(maxBytes: number, onLine: (line: string) => void, onTooLong: () => void) {
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
          chunks = [];
          size = 0;
          onTooLong();
        } else {
          chunks.push(data.subarray(start, end));
        }
      }
      if (newline === -1) break;
      if (!skipping) {
        const line = Buffer.concat(chunks).toString('utf8');
        chunks = [];
        size = 0;
        if (line.trim() !== '') onLine(line);
      }
      skipping = false;
      start = newline + 1;
    }
  };
}

/** Parses a request line; an error response when it is not one. */
export function parseRequest(line: string): PodRequest | PodResponse {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, ok: false, error: { code: 'bad-json', message: 'the line is not valid JSON' } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { id: null, ok: false, error: { code: 'bad-request', message: 'a request is a JSON object { id, method, params? }' } };
  }
  const { id, method, params } = value as Record<string, unknown>;
  const validId = typeof id === 'number' || (typeof id === 'string' && id.length <= 200) ? id : null;
  if (validId === null) return { id: null, ok: false, error: { code: 'bad-request', message: 'id must be a number or a short string' } };
  if (typeof method !== 'string') return { id: validId, ok: false, error: { code: 'bad-request', message: 'method must be a string' } };
  if (!(POD_METHODS as readonly string[]).includes(method)) {
    return { id: validId, ok: false, error: { code: 'unknown-method', message: `unknown method (one of ${POD_METHODS.join(', ')})` } };
  }
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    return { id: validId, ok: false, error: { code: 'bad-request', message: 'params must be an object' } };
  }
  return { id: validId, method: method as PodMethod, ...(params === undefined ? {} : { params: params as Record<string, unknown> }) };
}

/** True when `value` is an error response rather than a request. */
export function isResponse(value: PodRequest | PodResponse): value is PodResponse {
  return 'ok' in value;
}

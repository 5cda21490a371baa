/**
 * The messages a pod answers whatever carries them (a Unix socket's JSON
 * lines, NATS request/reply): the methods, a request, its response, the
 * snapshot and the ping result. Pure data types; the framing and its limits
 * belong to each transport (docs/protocol.md, docs/nats.md).
 */
import type { PodActivity, PodStatus } from './types.js';

/** Requests a pod accepts; `tool` only on an orchestrator pod. */
export const POD_METHODS = ['ping', 'notify', 'run', 'pause', 'resume', 'stop', 'state', 'tool'] as const;
/** A method a pod answers. */
export type PodMethod = (typeof POD_METHODS)[number];

/** Deepest nesting of a request's `params` (`params` itself is level 1); deeper is `invalid-params`. */
export const MAX_PARAMS_DEPTH = 64;

/** What a pod sends on connect and on every change of status or activity. */
export interface PodSnapshotMessage {
  readonly type: 'snapshot';
  readonly name: string;
  readonly status: PodStatus;
  readonly activity?: PodActivity;
}

/** What a pod answers to `ping`: its snapshot and what an operator's `ps` shows (docs/protocol.md). */
export interface PodPingResult extends PodSnapshotMessage {
  /** Notices in the buffer, waiting for a turn. */
  readonly queued: number;
  /** Notices dropped because the buffer was full, since the pod was spawned. */
  readonly dropped: number;
  /** Turns run. */
  readonly turns: number;
  /** The pid of the process serving the pod. */
  readonly pid: number;
  /** When the pod server started, ISO 8601. */
  readonly startedAt: string;
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
  | 'busy'
  | 'internal-error';

/** One response line of a pod: a result, or an error with its code. */
export type PodResponse =
  | { readonly id: number | string | null; readonly ok: true; readonly result: unknown }
  | { readonly id: number | string | null; readonly ok: false; readonly error: { readonly code: ProtocolErrorCode | string; readonly message: string } };


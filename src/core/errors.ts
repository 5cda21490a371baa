/**
 * Typed errors. Every error podmesh throws on purpose is a {@link PodmeshError}
 * with a stable `code` from one vocabulary, so callers branch on the code
 * instead of matching messages. Messages name the pod, ticket or file but
 * never quote record contents, bodies or secrets.
 */

/** Stable error codes of podmesh, one vocabulary for every room. */
export type PodmeshErrorCode =
  // names and records (docs/behaviour.md §1, §2)
  | 'invalid-pod-name'
  | 'corrupt-metadata'
  // discovery (§4)
  | 'self-peer'
  | 'state-missing'
  | 'missing-pod'
  | 'not-visible'
  // runtime, stores and transports
  | 'runtime-stopped'
  | 'actor-failed'
  | 'timeout'
  | 'lock-timeout'
  | 'lock-lost'
  | 'pod-already-running'
  | 'pod-not-live'
  | 'request-rejected'
  | 'invalid-argument'
  | 'pod-running'
  | 'notices-pending'
  | 'not-owned'
  // tickets (§6)
  | 'unknown-ticket'
  | 'invalid-transition'
  | 'invalid-input'
  | 'workspace-not-found'
  | 'workspace-clash'
  // simulation and command line
  | 'invalid-scenario'
  | 'invalid-trace'
  | 'invalid-usage';

/** Base class of every error podmesh throws on purpose. */
export class PodmeshError extends Error {
  readonly code: PodmeshErrorCode;
  constructor(code: PodmeshErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A pod name that fails `validatePodName`. */
export class InvalidPodNameError extends PodmeshError {
  readonly reason: string;
  constructor(reason: string) {
    super('invalid-pod-name', `invalid pod name: ${reason}`);
    this.reason = reason;
  }
}

/** A pod asked to peer with itself. */
export class SelfPeerError extends PodmeshError {
  constructor(readonly pod: string) {
    super('self-peer', `pod ${JSON.stringify(pod)} cannot be its own peer`);
  }
}

/** The metadata of the pod acting (`self`, or the record being updated) does not exist. */
export class StateMissingError extends PodmeshError {
  constructor(readonly pod: string) {
    super('state-missing', `no metadata for pod ${JSON.stringify(pod)}`);
  }
}

/** A pod that must exist (a peer to register, a parent) has no metadata. */
export class MissingPodError extends PodmeshError {
  constructor(readonly pod: string) {
    super('missing-pod', `pod ${JSON.stringify(pod)} does not exist`);
  }
}

/** A pod that exists but is not visible from the asking pod. */
export class NotVisibleError extends PodmeshError {
  constructor(
    readonly pod: string,
    readonly from: string,
  ) {
    super('not-visible', `pod ${JSON.stringify(pod)} is not visible from ${JSON.stringify(from)}`);
  }
}

/** A stored record that cannot be parsed or fails validation. Never read as missing. */
export class CorruptMetadataError extends PodmeshError {
  constructor(
    readonly pod: string,
    readonly reason: string,
  ) {
    super('corrupt-metadata', `corrupt metadata for pod ${JSON.stringify(pod)}: ${reason}`);
  }
}

/** A call on a runtime that was stopped. */
export class RuntimeStoppedError extends PodmeshError {
  constructor() {
    super('runtime-stopped', 'the podmesh runtime is stopped');
  }
}

/** A transport or pod that did not answer in time. */
export class TimeoutError extends PodmeshError {
  constructor(readonly ms: number) {
    super('timeout', `no acknowledgement within ${ms} ms`);
  }
}

/** The stable code of a podmesh error, else `undefined`. */
export function podmeshErrorCode(error: unknown): PodmeshErrorCode | undefined {
  return error instanceof PodmeshError ? error.code : undefined;
}

/**
 * The `code` of any thrown value that carries a string one (a podmesh error's,
 * or a system error's such as `ENOENT`), else `undefined`.
 */
export function errorCode(error: unknown): string | undefined {
  try {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined; // a hostile value with a throwing getter has no code
  }
}

/**
 * A request the pod answered with an error, whatever carried it (a socket, NATS);
 * `reason` is the protocol's error code (docs/protocol.md).
 */
export class PodRequestError extends PodmeshError {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super('request-rejected', message);
  }
}

/**
 * Typed errors. Each has a stable `code` so callers can branch on it without
 * matching messages. Messages name the pod but never quote record contents.
 */

/** Stable error codes of podmesh. */
export type PodmeshErrorCode =
  | 'invalid-pod-name'
  | 'self-peer'
  | 'state-missing'
  | 'missing-pod'
  | 'not-visible'
  | 'corrupt-metadata';

/** Base class of every error podmesh throws on purpose. */
export class PodmeshError extends Error {
  readonly code: PodmeshErrorCode;
  constructor(code: PodmeshErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A pod name that fails {@link validatePodName}. */
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
  constructor(readonly pod: string, readonly from: string) {
    super('not-visible', `pod ${JSON.stringify(pod)} is not visible from ${JSON.stringify(from)}`);
  }
}

/** A stored record that cannot be parsed or fails validation. Never read as missing. */
export class CorruptMetadataError extends PodmeshError {
  constructor(readonly pod: string, readonly reason: string) {
    super('corrupt-metadata', `corrupt metadata for pod ${JSON.stringify(pod)}: ${reason}`);
  }
}

/** The stable code of a podmesh error, else `undefined`. */
export function podmeshErrorCode(error: unknown): PodmeshErrorCode | undefined {
  return error instanceof PodmeshError ? error.code : undefined;
}

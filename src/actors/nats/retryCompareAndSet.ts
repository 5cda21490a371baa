/**
 * The retry loop of every compare-and-set write on a JetStream KV key: which
 * failures are worth another attempt, and how long to wait before it.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { PodmeshError } from '../../core/errors.js';

/** How a failed attempt is retried. */
export type AttemptFailure =
  /** Another writer changed the key since it was read (API error 10071): read again, apply again. */
  | 'conflict'
  /**
   * The server did not answer in time, or JetStream had no leader for a
   * moment (a server of the cluster died): the write may or may not have
   * landed, so the next attempt reads first and looks for it.
   */
  | 'unknown'
  /** Anything else: thrown as it is. */
  | 'fatal';

/** What kind of failure `error`, thrown by a KV write or read, is. */
export function classifyFailure(error: unknown): AttemptFailure {
  if (error instanceof JetStreamApiError) {
    if (error.code === JetStreamApiCodes.StreamWrongLastSequence || error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown) {
      return 'conflict';
    }
    // "JetStream system temporarily unavailable" while a stream leader is elected.
    return error.status === 503 ? 'unknown' : 'fatal';
  }
  // A timeout or no responders anywhere in the cause chain: the client wraps
  // them (no responders to a JetStream request becomes JetStreamNotEnabled).
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth += 1) {
    if (cause instanceof TimeoutError || cause instanceof NoRespondersError) return 'unknown';
    if (cause instanceof RequestError && cause.isNoResponders()) return 'unknown';
  }
  return 'fatal';
}

/** Bounds of the retry loop. */
export interface RetryPolicy {
  /** Attempts lost to conflicts before giving up, the first included (default 100). */
  readonly maxAttempts: number;
  /** Upper bound of one wait between attempts after a conflict, in ms (default 50). */
  readonly maxDelayMs: number;
  /**
   * How long an unavailable server is waited for, in ms from the first such
   * failure (default 20 s): a stream leader of a 2.9 cluster is elected
   * again some seconds after its server died, and until then every write
   * fails at once with no responders.
   */
  readonly unavailableMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 100, maxDelayMs: 50, unavailableMs: 20_000 };

/** The longest wait between attempts while the server is unavailable, in ms. */
export const UNAVAILABLE_DELAY_MS = 250;

/**
 * The wait before attempt `attempt + 1`: "full jitter" (uniform in
 * `[0, min(cap, 2^attempt ms)]`), so writers that collided once spread out
 * instead of colliding again in step.
 */
export function backoffMs(attempt: number, cap: number): number {
  return Math.random() * Math.min(cap, 2 ** Math.min(attempt, 16));
}

/** The error of a write that lost every attempt. */
export function retriesExhausted(key: string, attempts: number, last: unknown): PodmeshError {
  const why = last instanceof Error ? last.message : String(last);
  return new PodmeshError('lock-timeout', `gave up on KV key ${JSON.stringify(key)} after ${attempts} attempts (compare-and-set conflicts, or the server unavailable; last: ${why})`, {
    cause: last,
  });
}

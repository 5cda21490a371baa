/**
 * What pods and clients say to each other over NATS (docs/nats.md): a
 * request's body is its `params` as JSON (empty for none; the method is the
 * subject's last token), a reply is a {@link NatsPodReply}, a heartbeat a
 * {@link NatsHeartbeat}. Both name the incarnation that sent them, so a
 * client never takes an old process for the new one.
 */
import type { PodActivity, PodStatus } from '../../core/types.js';

/** Who answered: one start of one pod server. */
export interface NatsIncarnation {
  /** A new random id at every start of a server. */
  readonly incarnation: string;
  /** When that server started (ms since the epoch): with the id, orders incarnations (see {@link isNewerIncarnation}). */
  readonly startedAt: number;
}

/** A reply of a pod server: the answerer's response without its id, with the incarnation and the pod's snapshot. */
export type NatsPodReply = NatsIncarnation & {
  readonly status: PodStatus;
  readonly activity?: PodActivity;
  /** Why the pod is not live, when it knows (`unreachable` after a disconnect: its reason). */
  readonly reason?: string;
} & (
    | { readonly ok: true; readonly result: unknown }
    | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } }
  );

/** A pod server's heartbeat on `podmesh.<ns>.live.<name>`; `status: 'stopped'` is its goodbye. */
export interface NatsHeartbeat extends NatsIncarnation {
  readonly status: PodStatus;
  readonly activity?: PodActivity;
  readonly pid: number;
  /** When it was sent, ISO 8601 (for people: liveness is judged by when a client heard it). */
  readonly at: string;
}

/**
 * Whether `a` is a later start than `b`: a later `startedAt`, or the same
 * and a greater id. Once a server has started, the newest incarnation of a
 * name is the one that counts (a newer start checked that no older one
 * answered), so clients drop the older one and an older server that hears
 * a newer one's heartbeat steps down.
 */
export function isNewerIncarnation(a: NatsIncarnation, b: NatsIncarnation): boolean {
  return a.startedAt > b.startedAt || (a.startedAt === b.startedAt && a.incarnation > b.incarnation);
}

const encoder = new TextEncoder();

/** `value` as a NATS payload. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function isIncarnation(value: Record<string, unknown>): boolean {
  return typeof value.incarnation === 'string' && typeof value.startedAt === 'number';
}

/** A reply read off a payload, or `undefined` when it is not one. */
export function decodeReply(text: string): NatsPodReply | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || typeof value.ok !== 'boolean' || !isIncarnation(value)) return undefined;
    return value as unknown as NatsPodReply;
  } catch {
    return undefined;
  }
}

/** A heartbeat read off a payload, or `undefined` when it is not one. */
export function decodeHeartbeat(text: string): NatsHeartbeat | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || typeof value.status !== 'string' || !isIncarnation(value)) return undefined;
    return value as unknown as NatsHeartbeat;
  } catch {
    return undefined;
  }
}

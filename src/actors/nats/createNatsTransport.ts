import { errors, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { PodmeshError, PodRequestError } from '../../core/errors.js';
import type { PodMethod } from '../../core/podMessages.js';
import { errorLine } from '../../core/text.js';
import type { PodActivity, PodLiveness, PodStatus, PodTransport } from '../../core/types.js';
import { isValidPodName } from '../../core/validatePodName.js';
import { connectNats } from './connectNats.js';
import { decodeHeartbeat, decodeReply, encodeJson, isNewerIncarnation, type NatsIncarnation, type NatsPodReply } from './natsPodWire.js';
import { DEFAULT_NATS_NAMESPACE, natsSubjects } from './natsSubjects.js';
import { NATS_HEARTBEAT_MS } from './startNatsPodServer.js';

/** Options of {@link createNatsTransport}: `connection` (kept open on close) or `servers` (a connection of its own). */
export interface NatsTransportOptions {
  readonly connection?: NatsConnection;
  readonly servers?: string | readonly string[];
  readonly namespace?: string;
  /** How long a ping or a request waits for its reply (default 500 ms). */
  readonly requestTimeoutMs?: number;
  /** A pod heard from this recently (a reply, a heartbeat) is live without a new ping (default 100 ms). */
  readonly freshMs?: number;
  /** A pod heard from within this, that said no goodbye, is `unreachable` rather than `stopped` when nobody answers (default 3 heartbeats). */
  readonly leaseMs?: number;
}

/** A transport to pods served over NATS, with requests beyond notify for the CLI. */
export interface NatsTransport extends PodTransport {
  /** Sends any pod request and resolves to its result; rejects with the pod's error (a `PodRequestError`). */
  request(name: string, method: PodMethod, params?: Record<string, unknown>, options?: { readonly timeoutMs?: number }): Promise<unknown>;
  /** The incarnation the latest reply or heartbeat established for `name`, if any. */
  incarnation(name: string): NatsIncarnation | undefined;
  /** Stops hearing heartbeats; drains a connection of its own. */
  close(): Promise<void>;
}

/** A request that could not be sent: its payload is over the NATS server's `max_payload`. */
export class NatsPayloadTooLargeError extends PodRequestError {
  constructor(
    readonly method: PodMethod,
    readonly bytes: number,
    readonly maxPayload: number,
  ) {
    super('payload-too-large', `the ${method} request is ${bytes} bytes, over the NATS server's max_payload of ${maxPayload} bytes; nothing was sent`);
  }
}

/** What this transport last heard of one pod. */
interface Known extends NatsIncarnation {
  status: PodStatus;
  activity?: PodActivity;
  /** When it was heard (ms, performance clock). */
  heard: number;
  /** It said goodbye (a `stopped` heartbeat). */
  goodbye: boolean;
}

/** No responders, a timeout or another failure of a NATS request, as one line. */
function requestFailure(error: unknown, method: string, timeoutMs: number): { kind: 'no-responders' | 'timeout' | 'other'; line: string } {
  if (error instanceof errors.NoRespondersError || (error instanceof errors.RequestError && error.isNoResponders())) return { kind: 'no-responders', line: 'no responders (nothing serves the pod)' };
  if (error instanceof errors.TimeoutError || (error instanceof errors.RequestError && error.cause instanceof errors.TimeoutError)) {
    return { kind: 'timeout', line: `no answer to ${method} within ${timeoutMs} ms (the pod is hung or cut off)` };
  }
  return { kind: 'other', line: errorLine(error, 120) };
}

/**
 * Reaches pods served by {@link startNatsPodServer} (docs/nats.md). A probe is
 * a ping: a reply is live, no responders is `stopped` (or `unreachable`
 * while the lease of an incarnation that said no goodbye runs), a timeout is
 * `unreachable` with the reason. Heartbeats of the namespace are heard as
 * they come, and every reply names its incarnation: a newer one supersedes
 * the one known, and a reply or heartbeat of a superseded one is passed over
 * (a request whose only answers are superseded fails), so a late answer of a
 * killed process is never taken for its successor.
 */
export function createNatsTransport(options: NatsTransportOptions): NatsTransport {
  if (options.connection === undefined && options.servers === undefined) throw new PodmeshError('invalid-argument', 'createNatsTransport needs a connection or servers');
  const subjects = natsSubjects(options.namespace ?? DEFAULT_NATS_NAMESPACE);
  const requestTimeoutMs = options.requestTimeoutMs ?? 500;
  const freshMs = options.freshMs ?? 100;
  const leaseMs = options.leaseMs ?? 3 * NATS_HEARTBEAT_MS;
  const known = new Map<string, Known>();
  let heartbeats: Subscription | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;

  /**
   * Takes what `name`'s incarnation `from` said; `false` when that incarnation is superseded. The known
   * incarnation only ever gives way to a newer one, so "older than the known one" is all it takes to be
   * superseded: no list of retired ones is needed.
   */
  const hear = (name: string, from: NatsIncarnation, status: PodStatus, activity: PodActivity | undefined): boolean => {
    const now = performance.now();
    const current = known.get(name);
    if (current === undefined || current.incarnation !== from.incarnation) {
      if (current !== undefined && !isNewerIncarnation(from, current)) return false;
      known.set(name, { incarnation: from.incarnation, startedAt: from.startedAt, status, ...(activity === undefined ? {} : { activity }), heard: now, goodbye: status === 'stopped' });
      return true;
    }
    current.status = status;
    if (activity === undefined) delete current.activity;
    else current.activity = activity;
    current.heard = now;
    current.goodbye = status === 'stopped';
    return true;
  };

  const ready: Promise<NatsConnection> = (async () => {
    const nc = options.connection ?? (await connectNats({ servers: options.servers as string | string[], name: 'podmesh-transport' }));
    if (closed) {
      if (options.connection === undefined) await nc.close();
      return nc;
    }
    heartbeats = nc.subscribe(subjects.liveWildcard, {
      callback: (error, msg) => {
        if (error !== null) return;
        const name = subjects.nameOfLive(msg.subject);
        const beat = decodeHeartbeat(msg.string());
        if (name !== undefined && beat !== undefined) hear(name, beat, beat.status, beat.activity);
      },
    });
    await nc.flush();
    return nc;
  })();
  ready.catch(() => undefined); // observed by every request

  /**
   * One request, answered by the current incarnation: every reply within the timeout is looked at,
   * and one of a superseded incarnation (a late answer of a replaced process) is passed over.
   */
  const send = async (name: string, method: PodMethod, params: Record<string, unknown> | undefined, timeoutMs: number): Promise<NatsPodReply> => {
    const nc = await ready;
    const subject = subjects.request(name, method);
    const payload = params === undefined ? undefined : encodeJson(params);
    const maxPayload = nc.info?.max_payload ?? 1024 * 1024;
    if (payload !== undefined && payload.length > maxPayload) throw new NatsPayloadTooLargeError(method, payload.length, maxPayload);
    let passedOver: string | undefined;
    let malformed = false;
    for await (const msg of await nc.requestMany(subject, payload, { strategy: 'timer', maxWait: timeoutMs })) {
      const reply = decodeReply(msg.string());
      if (reply === undefined) malformed = true;
      else if (hear(name, reply, reply.status, reply.activity)) return reply;
      else passedOver = reply.incarnation;
    }
    if (passedOver !== undefined) {
      throw new PodRequestError('superseded', `only superseded incarnation ${passedOver} of ${JSON.stringify(name)} answered ${method} within ${timeoutMs} ms (a process that was replaced)`);
    }
    if (malformed) throw new PodRequestError('bad-reply', `the ${method} reply is not a podmesh reply`);
    throw new errors.TimeoutError();
  };

  const request = async (name: string, method: PodMethod, params?: Record<string, unknown>, { timeoutMs = requestTimeoutMs }: { readonly timeoutMs?: number } = {}): Promise<unknown> => {
    let reply: NatsPodReply;
    try {
      reply = await send(name, method, params, timeoutMs);
    } catch (error) {
      if (error instanceof PodRequestError) throw error;
      throw new Error(requestFailure(error, method, timeoutMs).line, { cause: error });
    }
    if (reply.ok) return reply.result;
    throw new PodRequestError(reply.error.code, reply.error.message);
  };

  const liveness = (current: Known): PodLiveness => ({ status: current.status, ...(current.activity === undefined ? {} : { activity: current.activity }) });

  return {
    async probe(name) {
      if (!isValidPodName(name)) return undefined;
      const current = known.get(name);
      if (current !== undefined && !current.goodbye && current.status === 'live' && performance.now() - current.heard <= freshMs) return liveness(current);
      try {
        const reply = await send(name, 'ping', undefined, requestTimeoutMs);
        // The pod's own reason, bounded: it came over the wire.
        const reason = reply.status !== 'live' && typeof reply.reason === 'string' ? errorLine(reply.reason, 200) : undefined;
        return { status: reply.status, ...(reply.activity === undefined ? {} : { activity: reply.activity }), ...(reason === undefined ? {} : { reason }) };
      } catch (error) {
        if (error instanceof PodRequestError) return { status: 'unreachable', reason: error.message };
        const failure = requestFailure(error, 'ping', requestTimeoutMs);
        if (failure.kind !== 'no-responders') return { status: 'unreachable', reason: failure.line };
        const last = known.get(name);
        const since = last === undefined ? Infinity : performance.now() - last.heard;
        if (last !== undefined && !last.goodbye && since < leaseMs) {
          return { status: 'unreachable', reason: `no responders, but incarnation ${last.incarnation} was heard ${Math.round(since)} ms ago and said no goodbye (it crashed, or is cut off)` };
        }
        return { status: 'stopped' };
      }
    },
    async notify(name, message, { autoRun, from }) {
      await request(name, 'notify', from === undefined ? { message, autoRun } : { message, autoRun, from });
    },
    request,
    incarnation(name) {
      const current = known.get(name);
      return current === undefined ? undefined : { incarnation: current.incarnation, startedAt: current.startedAt };
    },
    close() {
      closing ??= (async () => {
        closed = true;
        let nc: NatsConnection;
        try {
          nc = await ready;
        } catch {
          return;
        }
        heartbeats?.unsubscribe();
        if (options.connection === undefined) await nc.drain().catch(() => nc.close());
      })();
      return closing;
    },
  };
}

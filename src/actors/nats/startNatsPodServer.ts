import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { nanoid } from 'nanoid';
import { PodmeshError } from '../../core/errors.js';
import { jsonNestingExceeds } from '../../core/jsonNestingExceeds.js';
import { paramsProblem, SCAN_BEFORE_PARSE_CHARS } from '../../core/paramsProblem.js';
import { MAX_PARAMS_DEPTH, POD_METHODS, type PodMethod, type PodResponse } from '../../core/podMessages.js';
import { errorLine } from '../../core/text.js';
import { createPodRequestAnswerer, failureCode, type PodToolHandler } from '../runtime/createPodRequestAnswerer.js';
import type { PodRuntime } from '../runtime/createPodRuntime.js';
import { stateBudgetWithin } from '../runtime/podStateAnswer.js';
import { decodeHeartbeat, decodeReply, encodeJson, isNewerIncarnation, type NatsHeartbeat, type NatsIncarnation, type NatsPodReply } from './natsPodWire.js';
import { connectNats } from './connectNats.js';
import { DEFAULT_NATS_NAMESPACE, natsSubjects } from './natsSubjects.js';

/** How often a server says it is alive (a client's lease is three of these). */
export const NATS_HEARTBEAT_MS = 1000;
/** Requests answered with a promise (durable notices, tools) one server runs at once; more are answered `busy`. */
export const MAX_NATS_REQUESTS_IN_PROGRESS = 256;

/** Options of {@link startNatsPodServer}: `connection` (kept open) or `servers` (a connection of its own). */
export interface NatsPodServerOptions {
  readonly runtime: PodRuntime;
  /** A pod this runtime runs. */
  readonly name: string;
  readonly connection?: NatsConnection;
  readonly servers?: string | readonly string[];
  readonly namespace?: string;
  /** Serves the `tool` method; without it `tool` answers `not-an-orchestrator`. */
  readonly tools?: PodToolHandler;
  onNotice?(message: string, autoRun: boolean, from: string | undefined): void;
  /** Called when a client asks the pod to stop; the owner then closes the server. */
  onStopRequested?(): void;
  /** Called when a newer incarnation of this name started elsewhere and this server stopped answering. */
  onSuperseded?(newer: NatsIncarnation): void;
  /** Between heartbeats (default {@link NATS_HEARTBEAT_MS}). */
  readonly heartbeatMs?: number;
  /** How long the start waits for a running server of the name to answer (default 500 ms). */
  readonly startCheckMs?: number;
}

/** One pod served over NATS. */
export interface NatsPodServer {
  readonly name: string;
  readonly namespace: string;
  /** This start's incarnation, in every reply and heartbeat. */
  readonly incarnation: string;
  readonly startedAt: number;
  readonly pid: number;
  /** `true` once a newer incarnation took the name over (the server then answers nothing). */
  superseded(): boolean;
  /** Says goodbye (a `stopped` heartbeat), stops answering, and closes a connection of its own. Idempotent. */
  close(): Promise<void>;
}

/** A server of the same name already answers (its incarnation in the message). */
export class NatsPodAlreadyRunningError extends PodmeshError {
  constructor(
    readonly pod: string,
    readonly running: NatsIncarnation,
  ) {
    super('pod-already-running', `a pod is already running with this name on NATS (incarnation ${running.incarnation})`);
  }
}

const decoder = new TextDecoder();

const isMethod = (token: string): token is PodMethod => (POD_METHODS as readonly string[]).includes(token);

/** The params of a request body, or the error response for it. */
function readParams(body: Uint8Array): { readonly params: Record<string, unknown> } | { readonly refused: PodResponse } {
  if (body.length === 0) return { params: {} };
  const text = decoder.decode(body);
  if (text.length > SCAN_BEFORE_PARSE_CHARS && jsonNestingExceeds(text, MAX_PARAMS_DEPTH)) {
    return { refused: { id: null, ok: false, error: { code: 'invalid-params', message: `the params nest deeper than ${MAX_PARAMS_DEPTH} levels` } } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { refused: { id: null, ok: false, error: { code: 'bad-json', message: 'the body is not valid JSON' } } };
  }
  // The body is the params object itself (or empty): checked as a socket line's params are.
  const problem = paramsProblem(value);
  if (problem !== undefined) return { refused: { id: null, ok: false, error: problem } };
  return { params: value as Record<string, unknown> };
}

/**
 * Serves one pod of `runtime` on `podmesh.<ns>.pod.<name>.*` (docs/nats.md),
 * answering with the same answerer as the socket server, and sends a
 * heartbeat every second on `podmesh.<ns>.live.<name>`. A start refuses with
 * {@link NatsPodAlreadyRunningError} when a server of the name answers a
 * ping (one that started at the same moment is seen by a second ping after
 * subscribing: the older one stays). A hung server does not answer: the new
 * one starts, and the old one steps down when it hears the new heartbeat.
 */
export async function startNatsPodServer(options: NatsPodServerOptions): Promise<NatsPodServer> {
  const { runtime, name } = options;
  const pod = runtime.pod(name);
  if (pod === undefined) throw new PodmeshError('invalid-argument', `pod ${JSON.stringify(name)} is not running in this runtime`);
  const namespace = options.namespace ?? DEFAULT_NATS_NAMESPACE;
  const subjects = natsSubjects(namespace);
  const heartbeatMs = options.heartbeatMs ?? NATS_HEARTBEAT_MS;
  const startCheckMs = options.startCheckMs ?? 500;
  if (options.connection === undefined && options.servers === undefined) throw new PodmeshError('invalid-argument', 'startNatsPodServer needs a connection or servers');
  const ownConnection = options.connection === undefined;
  const nc = options.connection ?? (await connectNats({ servers: options.servers as string | string[], name: `podmesh-pod-${name}` }));
  const fail = async (error: unknown): Promise<never> => {
    if (ownConnection) await nc.close().catch(() => undefined);
    throw error;
  };

  const self: NatsIncarnation = { incarnation: nanoid(), startedAt: Date.now() };
  const pingSubject = subjects.request(name, 'ping');
  // A server that answers now holds the name.
  try {
    const running = decodeReply((await nc.request(pingSubject, undefined, { timeout: startCheckMs })).string());
    if (running !== undefined) return await fail(new NatsPodAlreadyRunningError(name, running));
  } catch (error) {
    if (error instanceof NatsPodAlreadyRunningError) throw error;
    // No responders: nobody serves the name. A timeout: the holder hangs, and steps down once it hears us.
  }

  const maxPayload = (): number => nc.info?.max_payload ?? 1024 * 1024;
  const answer = createPodRequestAnswerer({
    runtime,
    pod,
    process: { pid: process.pid, startedAt: new Date(self.startedAt).toISOString() },
    // A busy pod's history alone outgrows the server's 1 MiB default: the answer is cut to fit, not refused.
    stateBudget: () => stateBudgetWithin(maxPayload()),
    ...(options.tools === undefined ? {} : { tools: options.tools }),
    ...(options.onNotice === undefined ? {} : { onNotice: (message: string, autoRun: boolean, from: string | undefined) => options.onNotice?.(message, autoRun, from) }),
    onStopRequested: () => options.onStopRequested?.(),
  });
  let inProgress = 0;

  const reply = (msg: Msg, response: PodResponse): void => {
    if (msg.reply === undefined || msg.reply === '') return;
    const live = pod.liveness();
    const envelope = {
      ...self,
      status: live.status,
      ...(live.activity === undefined ? {} : { activity: live.activity }),
      ...(live.reason === undefined ? {} : { reason: live.reason }),
    };
    const body: NatsPodReply = response.ok ? { ...envelope, ok: true, result: response.result } : { ...envelope, ok: false, error: response.error };
    let payload: Uint8Array;
    try {
      payload = encodeJson(body);
      if (payload.length > maxPayload()) {
        payload = encodeJson({ ...envelope, ok: false, error: { code: 'internal-error', message: `the answer is ${payload.length} bytes, over the server's max_payload of ${maxPayload()}` } });
      }
    } catch (error) {
      payload = encodeJson({ ...envelope, ok: false, error: { code: 'internal-error', message: errorLine(error) } });
    }
    try {
      msg.respond(payload);
    } catch {
      // The connection closed under us: the client times out, as it would for a crash.
    }
  };

  const serve = (msg: Msg): void => {
    const method = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
    if (!isMethod(method)) return reply(msg, { id: null, ok: false, error: { code: 'unknown-method', message: `unknown method (one of ${POD_METHODS.join(', ')})` } });
    const read = readParams(msg.data);
    if ('refused' in read) return reply(msg, read.refused);
    // The methods that may answer with a promise; refused before they queue anything.
    if ((method === 'notify' || method === 'tool') && inProgress >= MAX_NATS_REQUESTS_IN_PROGRESS) {
      return reply(msg, { id: 0, ok: false, error: { code: 'busy', message: `${MAX_NATS_REQUESTS_IN_PROGRESS} requests are in progress` } });
    }
    let response: PodResponse | Promise<PodResponse>;
    try {
      response = answer({ id: 0, method, params: read.params });
    } catch (error) {
      return reply(msg, { id: 0, ok: false, error: { code: failureCode(error), message: errorLine(error) } });
    }
    if (!(response instanceof Promise)) return reply(msg, response);
    inProgress += 1;
    response.then(
      (settled) => reply(msg, settled),
      (error: unknown) => reply(msg, { id: 0, ok: false, error: { code: failureCode(error), message: errorLine(error) } }),
    ).finally(() => (inProgress -= 1));
  };

  const requests: Subscription = nc.subscribe(subjects.podWildcard(name), { callback: (error, msg) => (error === null ? serve(msg) : undefined) });
  try {
    await nc.flush();
    // Two servers that started at the same moment both passed the first check: each sees the other now.
    for await (const msg of await nc.requestMany(pingSubject, undefined, { strategy: 'stall', stall: 30, maxWait: startCheckMs })) {
      const other = decodeReply(msg.string());
      if (other !== undefined && other.incarnation !== self.incarnation && isNewerIncarnation(self, other)) {
        requests.unsubscribe();
        return await fail(new NatsPodAlreadyRunningError(name, other));
      }
    }
  } catch (error) {
    requests.unsubscribe();
    if (error instanceof NatsPodAlreadyRunningError) throw error;
    return await fail(error);
  }

  const liveSubject = subjects.live(name);
  const heartbeat = (status = pod.liveness().status): void => {
    const activity = status === 'stopped' ? undefined : pod.liveness().activity;
    const beat: NatsHeartbeat = { ...self, status, ...(activity === undefined ? {} : { activity }), pid: process.pid, at: new Date().toISOString() };
    try {
      nc.publish(liveSubject, encodeJson(beat));
    } catch {
      // Closed or draining: the lease runs out on its own.
    }
  };

  let superseded = false;
  let timer: NodeJS.Timeout | undefined;
  let last = pod.liveness();
  const changes = pod.actor.subscribe(() => {
    const now = pod.liveness();
    if (now.status === last.status && now.activity === last.activity) return;
    last = now;
    if (!superseded) heartbeat();
  });
  const stepDown = (newer: NatsIncarnation): void => {
    if (superseded) return;
    superseded = true;
    clearInterval(timer);
    requests.unsubscribe();
    options.onSuperseded?.(newer);
  };
  // "I have been told I am dead": a newer start of this name took over while this one hung.
  const rivals = nc.subscribe(liveSubject, {
    callback: (error, msg) => {
      if (error !== null) return;
      const beat = decodeHeartbeat(msg.string());
      if (beat !== undefined && beat.status !== 'stopped' && isNewerIncarnation(beat, self)) stepDown(beat);
    },
  });
  heartbeat();
  timer = setInterval(() => heartbeat(), heartbeatMs);

  let closing: Promise<void> | undefined;
  return {
    name,
    namespace,
    incarnation: self.incarnation,
    startedAt: self.startedAt,
    pid: process.pid,
    superseded: () => superseded,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        changes.unsubscribe();
        rivals.unsubscribe();
        if (!superseded) {
          requests.unsubscribe();
          heartbeat('stopped');
        }
        superseded = true;
        try {
          if (ownConnection) await nc.drain();
          else await nc.flush();
        } catch {
          // Closed already, or the server is gone (a drain cannot finish then). A connection of its
          // own is closed all the same: it reconnects without end, and would keep the process alive.
          if (ownConnection) await nc.close().catch(() => undefined);
        }
      })();
      return closing;
    },
  };
}

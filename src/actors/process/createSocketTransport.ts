import { stat } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { errorCode, PodRequestError } from '../../core/errors.js';
import { errorLine } from '../../core/text.js';
import type { PodLiveness, PodTransport } from '../../core/types.js';
import { isValidPodName } from '../../core/validatePodName.js';
import { podSocketPath } from './podPaths.js';
import { exceedsBytes } from '../../core/exceedsBytes.js';
import { createLineReader, encodeLine, MAX_REQUEST_LINE_BYTES, MAX_RESPONSE_LINE_BYTES, type PodMethod, type PodSnapshotMessage } from './podProtocol.js';

/** Options of {@link createSocketTransport}. */
export interface SocketTransportOptions {
  readonly runtimeDir: string;
  /** How long a probe waits for a pod's snapshot or ping answer (default 500 ms). */
  readonly probeTimeoutMs?: number;
  /** How long a request waits for its response (default 5,000 ms). */
  readonly requestTimeoutMs?: number;
  /** A pod heard from this recently is live without a new ping (default 100 ms). */
  readonly freshMs?: number;
}

/** A transport to pod processes on Unix sockets, with requests beyond notify for the CLI. */
export interface SocketTransport extends PodTransport {
  /** Sends any protocol request and resolves to its result; rejects with the pod's error. */
  request(name: string, method: PodMethod, params?: Record<string, unknown>, options?: { readonly timeoutMs?: number }): Promise<unknown>;
  /**
   * Calls `listener` with every snapshot a kept connection hears (the pod pushes one on connect
   * and on each change of status or activity), and with `null` when a connection ends; returns
   * the unsubscribe. What `podmesh inspect` follows pods with, without polling.
   */
  onSnapshot(listener: SnapshotListener): () => void;
  /** Closes every connection. */
  close(): void;
}

/** Hears a pod's pushed snapshot, or `null` when the connection to pod `name` ended. */
export type SnapshotListener = (name: string, snapshot: PodSnapshotMessage | null) => void;

export { PodRequestError };

/**
 * A request refused before it was sent: its encoded line is longer than a pod
 * accepts ({@link MAX_REQUEST_LINE_BYTES}). A message under a sender's limit
 * can grow past it once JSON-escaped (quotes, newlines, control characters).
 * `reason` is `line-too-long`, as the pod would have answered.
 */
export class RequestTooLongError extends PodRequestError {
  constructor(
    readonly method: PodMethod,
    readonly bytes: number,
  ) {
    super('line-too-long', `the ${method} request is ${bytes} bytes as a protocol line, over the pod's limit of ${MAX_REQUEST_LINE_BYTES} bytes (MAX_REQUEST_LINE_BYTES); nothing was sent`);
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Connection {
  readonly socket: Socket;
  snapshot?: PodSnapshotMessage;
  /** When the pod last said anything (ms, performance clock). */
  heard: number;
  nextId: number;
  readonly pending: Map<number, Pending>;
  readonly ready: Promise<void>;
  closed: boolean;
}

/**
 * The reason of an OS error as one line: its code, then its message, the code
 * only when the message does not hold it already (Node's say `connect
 * ECONNREFUSED /path` and `ENOTDIR: not a directory, stat …`).
 */
export function osReason(error: unknown): string {
  const code = errorCode(error);
  const line = errorLine(error, 120);
  return code === undefined || line.includes(code) ? line : `${code}: ${line}`;
}

/**
 * Reaches pod processes at `<runtimeDir>/<name>/sock` (docs/protocol.md: liveness from the
 * OS). No socket file is `stopped`; a socket that refuses (a crashed pod) or
 * gives no snapshot within the probe timeout (a hung pod) is `unreachable`
 * with the reason. Connections are kept and reused, so a notify costs one
 * round trip; a pod heard from within `freshMs` needs no extra ping.
 */
export function createSocketTransport(options: SocketTransportOptions): SocketTransport {
  const probeTimeoutMs = options.probeTimeoutMs ?? 500;
  const requestTimeoutMs = options.requestTimeoutMs ?? 5000;
  const freshMs = options.freshMs ?? 100;
  const connections = new Map<string, Connection>();
  const listeners = new Set<SnapshotListener>();
  const tell = (name: string, snapshot: PodSnapshotMessage | null): void => {
    for (const listener of listeners) listener(name, snapshot);
  };

  const drop = (name: string, connection: Connection, reason: Error): void => {
    const wasOpen = !connection.closed;
    connection.closed = true;
    if (wasOpen && connection.snapshot !== undefined && listeners.size > 0) tell(name, null);
    if (connections.get(name) === connection) connections.delete(name);
    connection.socket.destroy();
    for (const pending of connection.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(reason);
    }
    connection.pending.clear();
  };

  /** A connection that delivered its first snapshot within the probe timeout. */
  const connect = async (name: string): Promise<Connection> => {
    const existing = connections.get(name);
    if (existing !== undefined && !existing.closed) {
      await existing.ready;
      return existing;
    }
    const path = podSocketPath(options.runtimeDir, name);
    const socket = createConnection(path);
    let settle!: { resolve(): void; reject(error: Error): void };
    const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const connection: Connection = { socket, heard: 0, nextId: 1, pending: new Map(), ready, closed: false };
    connections.set(name, connection);
    const timer = setTimeout(() => {
      const error = new Error(`no snapshot within ${probeTimeoutMs} ms (the pod is hung or busy)`);
      settle.reject(error);
      drop(name, connection, error);
    }, probeTimeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      const reason = new Error(osReason(error));
      settle.reject(reason);
      drop(name, connection, reason);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const reason = new Error('connection closed by the pod');
      settle.reject(reason);
      drop(name, connection, reason);
    });
    socket.on(
      'data',
      createLineReader(
        MAX_RESPONSE_LINE_BYTES,
        (line) => {
          connection.heard = performance.now();
          let message: { type?: string; id?: unknown; ok?: boolean; result?: unknown; error?: { code?: string; message?: string } };
          try {
            message = JSON.parse(line) as typeof message;
          } catch {
            return; // a pod never sends this; ignore rather than fail every request
          }
          if (message.type === 'snapshot') {
            connection.snapshot = message as unknown as PodSnapshotMessage;
            if (listeners.size > 0) tell(name, connection.snapshot);
            clearTimeout(timer);
            settle.resolve();
            return;
          }
          if (typeof message.id !== 'number') return;
          const pending = connection.pending.get(message.id);
          if (pending === undefined) return;
          connection.pending.delete(message.id);
          clearTimeout(pending.timer);
          if (message.ok === true) pending.resolve(message.result);
          else pending.reject(new PodRequestError(message.error?.code ?? 'error', message.error?.message ?? 'request failed'));
        },
        () => drop(name, connection, new Error('response line too long')),
      ),
    );
    ready.catch(() => undefined); // observed by callers; never an unhandled rejection
    await ready;
    return connection;
  };

  const send = (connection: Connection, method: PodMethod, params: Record<string, unknown> | undefined, timeoutMs: number): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = connection.nextId++;
      // Throws (a rejection) on params JSON cannot encode, before anything waits.
      const line = encodeLine(params === undefined ? { id, method } : { id, method, params });
      // The newline is not part of the pod's limit.
      if (exceedsBytes(line, MAX_REQUEST_LINE_BYTES + 1)) {
        reject(new RequestTooLongError(method, Buffer.byteLength(line) - 1));
        return;
      }
      const timer = setTimeout(() => {
        connection.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      connection.pending.set(id, { resolve, reject, timer });
      connection.socket.write(line);
    });

  const request = async (
    name: string,
    method: PodMethod,
    params?: Record<string, unknown>,
    { timeoutMs = requestTimeoutMs }: { readonly timeoutMs?: number } = {},
  ): Promise<unknown> => {
    const connection = await connect(name);
    return send(connection, method, params, timeoutMs);
  };

  const liveness = (snapshot: PodSnapshotMessage | undefined): PodLiveness =>
    snapshot === undefined ? { status: 'unreachable', reason: 'no snapshot' } : { status: snapshot.status, ...(snapshot.activity === undefined ? {} : { activity: snapshot.activity }) };

  return {
    async probe(name) {
      if (!isValidPodName(name)) return undefined;
      let path: string;
      try {
        path = podSocketPath(options.runtimeDir, name);
      } catch {
        return { status: 'stopped' }; // no pod can listen on a path this long
      }
      const existing = connections.get(name);
      if (existing !== undefined && !existing.closed && existing.snapshot !== undefined) {
        if (performance.now() - existing.heard <= freshMs) return liveness(existing.snapshot);
        try {
          existing.snapshot = (await send(existing, 'ping', undefined, probeTimeoutMs)) as PodSnapshotMessage;
          return liveness(existing.snapshot);
        } catch (error) {
          drop(name, existing, error as Error);
          return { status: 'unreachable', reason: errorLine(error, 120) };
        }
      }
      try {
        await stat(path);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return { status: 'stopped' };
        return { status: 'unreachable', reason: osReason(error) };
      }
      try {
        return liveness((await connect(name)).snapshot);
      } catch (error) {
        return { status: 'unreachable', reason: errorLine(error, 120) };
      }
    },
    async notify(name, message, { autoRun, from }) {
      await request(name, 'notify', from === undefined ? { message, autoRun } : { message, autoRun, from });
    },
    request,
    onSnapshot(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      for (const [name, connection] of connections) drop(name, connection, new Error('transport closed'));
    },
  };
}

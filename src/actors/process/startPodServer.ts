import { rename, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { errorCode, PodmeshError } from '../../core/errors.js';
import { errorLine } from '../../core/text.js';
import type { PodHandle } from '../runtime/createPodHandle.js';
import type { PodRuntime } from '../runtime/createPodRuntime.js';
import { acquirePodLock, type PodLock } from './acquirePodLock.js';
import { ensurePrivateDir, podRuntimeDir, podSocketPath } from './podPaths.js';
import {
  createLineReader,
  encodeLine,
  isResponse,
  MAX_REQUEST_LINE_BYTES,
  parseRequest,
  type PodRequest,
  type PodResponse,
  type PodSnapshotMessage,
} from './podProtocol.js';

/**
 * Serves the `tool` method: called with the request's `params.tool` and
 * `params.args`, resolves to the JSON-safe result to answer with. A
 * rejection is answered as an error line (its message made one line).
 */
export type PodToolHandler = (tool: unknown, args: unknown) => Promise<unknown>;

/** Options of {@link startPodServer}. */
export interface PodServerOptions {
  readonly runtime: PodRuntime;
  /** A pod this runtime runs. */
  readonly name: string;
  readonly runtimeDir: string;
  /** Serves the `tool` method (an orchestrator's ticket tools, say); without it `tool` answers `not-an-orchestrator`. */
  readonly tools?: PodToolHandler;
  /** Called for each accepted notice (the CLI prints them). */
  onNotice?(message: string, autoRun: boolean): void;
  /** Called when a client asks the pod to stop; the owner then closes the server. */
  onStopRequested?(): void;
  /** Called if the per-name lock is lost (the process was hung past the stale time). */
  onLockLost?(error: Error): void;
}

/** A pod served on `<runtimeDir>/<name>/sock`. */
export interface PodServer {
  readonly socketPath: string;
  /** Stops listening, closes connections, removes the socket and releases the name. */
  close(): Promise<void>;
}

const HISTORY_IN_STATE = 100;

// A handler refusing its input is the caller's mistake; anything else is the pod's.
const failureCode = (error: unknown): string => (errorCode(error) === 'invalid-input' ? 'invalid-params' : 'internal-error');

function snapshotOf(pod: PodHandle): PodSnapshotMessage {
  const live = pod.liveness();
  return { type: 'snapshot', name: pod.name, status: live.status, ...(live.activity === undefined ? {} : { activity: live.activity }) };
}

/**
 * Serves one pod of `runtime` over a Unix socket (protocol in podProtocol.ts).
 * The name is held by a per-name lock, so two processes never serve one pod;
 * a socket left by a crashed pod is replaced once the lock is ours.
 */
export async function startPodServer(options: PodServerOptions): Promise<PodServer> {
  const { runtime, name } = options;
  const pod = runtime.pod(name);
  if (pod === undefined) throw new PodmeshError('invalid-argument', `pod ${JSON.stringify(name)} is not running in this runtime`);
  const socketPath = podSocketPath(options.runtimeDir, name);
  await ensurePrivateDir(options.runtimeDir);
  await ensurePrivateDir(podRuntimeDir(options.runtimeDir, name));
  const lock: PodLock = await acquirePodLock(podRuntimeDir(options.runtimeDir, name), (error) => options.onLockLost?.(error));
  const sockets = new Set<Socket>();

  const handle = async (request: PodRequest): Promise<PodResponse> => {
    const { id, params = {} } = request;
    const fail = (code: string, message: string): PodResponse => ({ id, ok: false, error: { code, message } });
    switch (request.method) {
      case 'ping':
        return { id, ok: true, result: snapshotOf(pod) };
      case 'notify': {
        if (typeof params.message !== 'string') return fail('invalid-params', 'params.message must be a string');
        if (params.autoRun !== undefined && typeof params.autoRun !== 'boolean') return fail('invalid-params', 'params.autoRun must be a boolean');
        const autoRun = params.autoRun === true;
        try {
          await pod.receive(params.message, { autoRun });
        } catch (error) {
          return fail('not-live', errorLine(error));
        }
        const message = params.message;
        // After the acknowledgement is written: showing the notice is not part of accepting it.
        if (options.onNotice !== undefined) setImmediate(() => options.onNotice?.(message, autoRun));
        return { id, ok: true, result: { accepted: true, pending: pod.pendingNotices().length } };
      }
      case 'run':
        pod.run(params.input);
        return { id, ok: true, result: snapshotOf(pod) };
      case 'pause':
        pod.pause();
        return { id, ok: true, result: snapshotOf(pod) };
      case 'resume':
        pod.resume();
        return { id, ok: true, result: snapshotOf(pod) };
      case 'stop':
        setImmediate(() => options.onStopRequested?.());
        return { id, ok: true, result: { stopping: true } };
      case 'state': {
        const context = pod.actor.getSnapshot().context;
        const live = pod.liveness();
        return {
          id,
          ok: true,
          result: {
            ...snapshotOf(pod),
            ...(live.reason === undefined ? {} : { reason: live.reason }),
            pendingNotices: context.buffer,
            accepted: context.accepted,
            dropped: context.dropped,
            turns: context.turns,
            history: context.history.slice(-HISTORY_IN_STATE),
            diagnostics: runtime.diagnostics.levels(),
          },
        };
      }
      case 'tool':
        if (options.tools === undefined) return fail('not-an-orchestrator', 'this pod runs no ticket tools');
        return { id, ok: true, result: await options.tools(params.tool, params.args ?? {}) };
    }
  };

  const write = (socket: Socket, message: unknown): void => {
    if (!socket.destroyed) socket.write(encodeLine(message));
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    write(socket, snapshotOf(pod));
    const read = createLineReader(
      MAX_REQUEST_LINE_BYTES,
      (line) => {
        const request = parseRequest(line);
        if (isResponse(request)) return write(socket, request);
        handle(request).then(
          (response) => write(socket, response),
          (error: unknown) => write(socket, { id: request.id, ok: false, error: { code: failureCode(error), message: errorLine(error) } }),
        );
      },
      () => write(socket, { id: null, ok: false, error: { code: 'line-too-long', message: `a request line is limited to ${MAX_REQUEST_LINE_BYTES} bytes` } }),
    );
    socket.on('data', read);
  });

  // Clients learn of status changes without polling; a change is rare next to requests.
  let last = snapshotOf(pod);
  const subscription = pod.actor.subscribe(() => {
    const now = snapshotOf(pod);
    if (now.status === last.status && now.activity === last.activity) return;
    last = now;
    const line = encodeLine(now);
    for (const socket of sockets) socket.write(line);
  });

  // Bind under a name of our own, then rename it into place: Node removes a Unix
  // socket's bound path when the server closes, and that must never be the
  // `sock` a successor bound after taking over a lock we lost while hung.
  const boundPath = `${socketPath}.${process.pid}`;
  try {
    await rm(boundPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(boundPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The name is ours now: whatever socket is at `sock` was left by a pod that is gone.
    await rename(boundPath, socketPath);
  } catch (error) {
    subscription.unsubscribe();
    server.close();
    await lock.release();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    close() {
      closing ??= (async () => {
        subscription.unsubscribe();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        // Only a holder of the name may remove its socket (see the bind above).
        if (lock.held()) await rm(socketPath, { force: true });
        await lock.release();
      })();
      return closing;
    },
  };
}

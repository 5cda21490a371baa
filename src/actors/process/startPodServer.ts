import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { PodmeshError } from '../../core/errors.js';
import type { PodRuntime } from '../runtime/createPodRuntime.js';
import { acquirePodLock, type PodLock } from './acquirePodLock.js';
import { createPodRequestAnswerer, type PodToolHandler } from '../runtime/createPodRequestAnswerer.js';
import { ensurePodRuntimeDir, podSocketPath } from './podPaths.js';
import { encodeLine } from './podProtocol.js';
import { snapshotOf } from '../runtime/podStateAnswer.js';
import { PROCESS_RECORD_FILE, type PodProcessRecord } from './readPodProcess.js';
import { currentPodProcess, writePodProcess } from './writePodProcess.js';
import { DEFAULT_CONNECTION_LIMITS, servePodConnection, type ConnectionLimits, type PodConnection } from './servePodConnection.js';

export type { PodToolHandler } from '../runtime/createPodRequestAnswerer.js';

/** Options of {@link startPodServer}. */
export interface PodServerOptions {
  readonly runtime: PodRuntime;
  /** A pod this runtime runs. */
  readonly name: string;
  readonly runtimeDir: string;
  /** Serves the `tool` method (an orchestrator's ticket tools, say); without it `tool` answers `not-an-orchestrator`. */
  readonly tools?: PodToolHandler;
  /** Called as each notice reaches the pod, before it takes it (synchronously: record it, show it later). */
  onNotice?(message: string, autoRun: boolean, from: string | undefined): void;
  /** Called when a client asks the pod to stop; the owner then closes the server. */
  onStopRequested?(): void;
  /** Called if the per-name lock is lost (the process was hung past the stale time). */
  onLockLost?(error: Error): void;
  /** What one client may cost the pod (docs/protocol.md, Backpressure); defaults for a real pod, smaller in tests. */
  readonly connectionLimits?: Partial<ConnectionLimits>;
}

/** A pod served on `<runtimeDir>/<name>/sock`. */
export interface PodServer {
  readonly socketPath: string;
  /** What this server wrote to `<runtimeDir>/<name>/process.json` (see readPodProcess.ts). */
  readonly process: PodProcessRecord;
  /** Stops listening, closes connections, removes the socket and the process record, and releases the name. */
  close(): Promise<void>;
}

/**
 * Serves one pod of `runtime` over a Unix socket (protocol in podProtocol.ts).
 * The name is held by a per-name lock, so two processes never serve one pod;
 * a socket left by a crashed pod is replaced once the lock is ours. Once its
 * socket is in place it records its process in `process.json` (0600), which
 * `close()` removes, as it removes the socket, only while holding the name.
 */
export async function startPodServer(options: PodServerOptions): Promise<PodServer> {
  const { runtime, name } = options;
  const pod = runtime.pod(name);
  if (pod === undefined) throw new PodmeshError('invalid-argument', `pod ${JSON.stringify(name)} is not running in this runtime`);
  const socketPath = podSocketPath(options.runtimeDir, name);
  const podDir = await ensurePodRuntimeDir(options.runtimeDir, name);
  const lock: PodLock = await acquirePodLock(podDir, (error) => options.onLockLost?.(error));
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits };
  let record: PodProcessRecord;
  try {
    record = await currentPodProcess(name, new Date());
  } catch (error) {
    await lock.release();
    throw error;
  }
  const answer = createPodRequestAnswerer({
    runtime,
    pod,
    process: { pid: record.pid, startedAt: record.startedAt },
    ...(options.tools === undefined ? {} : { tools: options.tools }),
    ...(options.onNotice === undefined
      ? {}
      : { onNotice: (message: string, autoRun: boolean, from: string | undefined) => options.onNotice?.(message, autoRun, from) }),
    onStopRequested: () => options.onStopRequested?.(),
  });
  const connections = new Map<Socket, PodConnection>();

  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    const connection = servePodConnection(socket, answer, limits);
    connections.set(socket, connection);
    socket.on('close', () => connections.delete(socket));
    connection.send(encodeLine(snapshotOf(pod)));
  });

  // Clients learn of status changes without polling; a change is rare next to requests.
  let last = snapshotOf(pod);
  const subscription = pod.actor.subscribe(() => {
    const now = snapshotOf(pod);
    if (now.status === last.status && now.activity === last.activity) return;
    last = now;
    const line = encodeLine(now);
    for (const connection of connections.values()) connection.send(line);
  });

  // Bind under a name of our own, then rename it into place: Node removes a Unix
  // socket's bound path when the server closes, and that must never be the
  // `sock` a successor bound after taking over a lock we lost while hung.
  const boundPath = `${socketPath}.${process.pid}`;
  let placed = false;
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
    placed = true;
    await writePodProcess(podDir, record);
  } catch (error) {
    subscription.unsubscribe();
    server.close();
    // A socket of ours in place without its record: a pod nobody may stop by pid. Gone with the start.
    if (placed && lock.held()) await rm(socketPath, { force: true }).catch(() => undefined);
    await lock.release();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    process: record,
    close() {
      closing ??= (async () => {
        subscription.unsubscribe();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of connections.keys()) socket.destroy();
        });
        // Only a holder of the name may remove its socket and process record (see the bind above):
        // a successor that took a lock we lost while hung wrote its own.
        if (lock.held()) {
          await rm(join(podDir, PROCESS_RECORD_FILE), { force: true });
          await rm(socketPath, { force: true });
        }
        await lock.release();
      })();
      return closing;
    },
  };
}

import { createConnection } from 'node:net';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

/** The per-name lock of a pod process. */
export interface PodLock {
  /** False once released or taken away (compromised). */
  held(): boolean;
  release(): Promise<void>;
}

/** A pod name already served by a live process. */
export class PodAlreadyRunningError extends Error {
  readonly code = 'pod-already-running';
  constructor(readonly podDir: string) {
    super(`a pod is already running with this name (lock ${join(podDir, 'pod.lock')})`);
    this.name = 'PodAlreadyRunningError';
  }
}

// The holder refreshes the lock every second; a lock untouched for 3 s belongs
// to a process that crashed (or hung that long) and may be taken over.
const STALE_MS = 3000;
const UPDATE_MS = 1000;

/**
 * Takes the name of the pod whose runtime folder is `podDir` (proper-lockfile:
 * an atomic mkdir of `pod.lock`, refreshed while held, recovered when stale).
 * Waits out a crashed holder's stale lock; a live holder is a
 * {@link PodAlreadyRunningError}. `onLost` is called if the lock is taken away.
 */
/** Whether a pod answers on `socketPath` with its first line within `ms`. */
function answers(socketPath: string, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const done = (value: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.once('data', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function acquirePodLock(podDir: string, onLost: (error: Error) => void): Promise<PodLock> {
  const target = join(podDir, 'pod');
  let lost = false;
  const attempt = (retries: number) =>
    lockfile.lock(target, {
      realpath: false,
      stale: STALE_MS,
      update: UPDATE_MS,
      retries: { retries, minTimeout: 250, maxTimeout: 250, factor: 1 },
      onCompromised: (error) => {
        lost = true;
        onLost(error);
      },
    });
  let release: () => Promise<void>;
  try {
    release = await attempt(0);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ELOCKED') throw error;
    // A live holder answers on its socket: fail at once. Otherwise it crashed
    // or hangs; wait until its lock goes stale and take the name over.
    if (await answers(join(podDir, 'sock'), 500)) throw new PodAlreadyRunningError(podDir);
    try {
      release = await attempt(Math.ceil((STALE_MS + 2 * UPDATE_MS) / 250));
    } catch (retryError) {
      if ((retryError as { code?: string }).code === 'ELOCKED') throw new PodAlreadyRunningError(podDir);
      throw retryError;
    }
  }
  let released = false;
  return {
    held: () => !released && !lost,
    async release() {
      if (released) return;
      released = true;
      await release().catch(() => undefined);
    },
  };
}

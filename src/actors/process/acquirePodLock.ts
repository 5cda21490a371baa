import { createConnection } from 'node:net';
import { join } from 'node:path';
import { PodmeshError } from '../../core/errors.js';
import { FileLockError, lockFile, type FileLock } from '../stores/lockFile.js';

/** The per-name lock of a pod process. */
export interface PodLock {
  /** False once released or taken away (compromised). */
  held(): boolean;
  release(): Promise<void>;
}

/** A pod name already served by a live process. */
export class PodAlreadyRunningError extends PodmeshError {
  constructor(readonly podDir: string) {
    super('pod-already-running', `a pod is already running with this name (lock ${join(podDir, 'pod.lock')})`);
  }
}

// The holder refreshes the lock every second; a lock untouched for 3 s belongs
// to a process that crashed (or hung that long) and may be taken over.
const STALE_MS = 3000;
const UPDATE_MS = 1000;

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

/**
 * Takes the name of the pod whose runtime folder is `podDir` (a `pod.lock`
 * folder, see lockFile.ts). A live holder answers on its socket: that is a
 * {@link PodAlreadyRunningError} at once. A crashed or hung holder's lock is
 * waited out until it goes stale and taken over. Whatever else sits at
 * `pod.lock` (a link, a file, a folder with contents) is removed by lockFile. `onLost`
 * is called if the lock is taken away while held (this process hung past the
 * stale time).
 */
export async function acquirePodLock(podDir: string, onLost: (error: Error) => void): Promise<PodLock> {
  const target = join(podDir, 'pod');
  let lost = false;
  const take = (maxWait: number): Promise<FileLock> =>
    lockFile(target, {
      stale: STALE_MS,
      update: UPDATE_MS,
      maxWait,
      onCompromised: (error) => {
        lost = true;
        onLost(error);
      },
    });
  let lock: FileLock;
  try {
    lock = await take(0);
  } catch (error) {
    if (!(error instanceof FileLockError && error.code === 'lock-timeout')) throw error;
    if (await answers(join(podDir, 'sock'), 500)) throw new PodAlreadyRunningError(podDir);
    try {
      lock = await take(STALE_MS + 2 * UPDATE_MS);
    } catch (retryError) {
      if (retryError instanceof FileLockError && retryError.code === 'lock-timeout') throw new PodAlreadyRunningError(podDir);
      throw retryError;
    }
  }
  let released = false;
  return {
    held: () => !released && !lost,
    async release() {
      if (released) return;
      released = true;
      await lock.release();
    },
  };
}

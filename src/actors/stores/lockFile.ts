/**
 * A lock on one file shared by every process on the machine, on top of
 * `proper-lockfile`: the lock is a `<file>.lock` folder (mkdir is atomic),
 * its holder refreshes the folder's mtime while it holds it, and a lock whose
 * mtime is older than `stale` belongs to a holder that died: the next taker
 * removes it and takes the lock.
 *
 * The waiting loop is ours rather than proper-lockfile's `retries` option,
 * because that option retries every error: a lock in a folder that does not
 * exist (a pod that was just deleted) would spin for the whole budget instead
 * of failing at once with ENOENT.
 *
 * Something at `<file>.lock` that is not an empty folder (a file, a link, a full folder) is no lock
 * of this module's: nobody refreshes it, proper-lockfile can neither take it
 * over nor go past it, so it is removed, where it would block every taker.
 *
 * Known limit (moxystudio/node-proper-lockfile#121): taking over a stale lock
 * is an rmdir followed by a mkdir, so two waiters that find the same stale
 * lock within a few system calls of each other can both get it. That needs a
 * holder that died holding the lock and a race on that exact instant.
 */
import { lstat, readdir, rm, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';
import { errorCode, PodmeshError } from '../../core/errors.js';

/** `lock-timeout`: another holder kept the lock past the wait; `lock-lost`: the lock was lost while held. */
export type FileLockErrorCode = 'lock-timeout' | 'lock-lost';

/** A lock that could not be taken in time, or was lost while held. */
export class FileLockError extends PodmeshError {
  declare readonly code: FileLockErrorCode;
  /** The locked file (the lock itself is `<file>.lock`). */
  readonly file: string;
  constructor(code: FileLockErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.file = file;
  }
}

/** How long a lock is held and waited for. */
export interface FileLockOptions {
  /** A lock not refreshed for this long (ms) is taken over; default 10,000 (proper-lockfile's floor is 2,000). */
  readonly stale?: number;
  /** How often (ms) the holder refreshes the lock; default `stale / 2` (floor 1,000). */
  readonly update?: number;
  /**
   * How long (ms) to wait for another holder before failing with `lock-timeout`;
   * default 15,000, longer than `stale`, so the lock of a holder that died is
   * always taken over before a waiter gives up.
   */
  readonly maxWait?: number;
  /** First and largest pause (ms) between two attempts; defaults 2 and 50. */
  readonly minDelay?: number;
  readonly maxDelay?: number;
  /** Told once when the lock is found lost while held (it never throws out of a timer). */
  readonly onCompromised?: (error: FileLockError) => void;
}

/** A held lock. */
export interface FileLock {
  readonly file: string;
  /** Throws the `lock-lost` {@link FileLockError} when the lock was lost since it was taken. */
  assertHeld(): void;
  /**
   * Removes the lock folder. Never rejects: a lock folder that cannot be
   * removed stops being refreshed, goes stale and is taken over.
   */
  release(): Promise<void>;
}

const DEFAULT_STALE = 10_000;
const DEFAULT_MAX_WAIT = 15_000;
const DEFAULT_MIN_DELAY = 2;
const DEFAULT_MAX_DELAY = 50;
// Removals of a non-folder lock retried at once; past that, the waits and maxWait apply.
const MAX_REMOVALS = 3;

/**
 * Removes what sits at `lock` when it is no lock of this module's — a file, a
 * link, or a folder with something in it (a lock is an empty folder) — as no
 * holder refreshes it and proper-lockfile can neither take it over nor go
 * past it. True when it was removed (or is gone). unlink never removes a
 * folder, so a real lock made in between is kept.
 */
async function removeForeignLock(lock: string): Promise<boolean> {
  try {
    if ((await lstat(lock)).isDirectory()) {
      if ((await readdir(lock)).length === 0) return false;
      await rm(lock, { recursive: true, force: true });
      return true;
    }
    await unlink(lock);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return true;
    if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EPERM') return false;
    throw error;
  }
}

/**
 * Takes the lock on `file`, waiting while another holder has it. Something
 * other than an empty folder at `<file>.lock` is no lock: it is removed. The folder
 * holding `file` must exist (else it rejects at once with the ENOENT or
 * ENOTDIR of the mkdir); `file` itself need not. The path is used as given
 * (no realpath), so give every process the same absolute path.
 */
export async function lockFile(file: string, options: FileLockOptions = {}): Promise<FileLock> {
  const stale = options.stale ?? DEFAULT_STALE;
  const maxWait = options.maxWait ?? DEFAULT_MAX_WAIT;
  const minDelay = options.minDelay ?? DEFAULT_MIN_DELAY;
  const maxDelay = options.maxDelay ?? DEFAULT_MAX_DELAY;
  let released = false;
  let lost: FileLockError | undefined;
  // proper-lockfile calls this from its refresh timer, and its default throws
  // there, which would be an uncaught exception. Here it only marks the lock
  // lost: the work holding it fails when it next asserts. A call after release
  // (upstream can report a lock it no longer holds) is dropped.
  const onCompromised = (cause: Error): void => {
    if (released || lost !== undefined) return;
    lost = new FileLockError('lock-lost', file, `lost the lock on ${file} while holding it`, { cause });
    try {
      options.onCompromised?.(lost);
    } catch {
      // An observer's failure must not escape a timer either.
    }
  };
  const started = performance.now();
  let removals = 0;
  for (let attempt = 0; ; attempt += 1) {
    let release: () => Promise<void>;
    try {
      release = await lock(file, {
        stale,
        ...(options.update === undefined ? {} : { update: options.update }),
        realpath: false,
        retries: 0,
        onCompromised,
      });
    } catch (error) {
      // ELOCKED: proper-lockfile's own code for a lock someone else holds;
      // ENOTDIR or ENOTEMPTY may be its rmdir of a stale lock that is a file or a full folder.
      const code = errorCode(error);
      const removed = (code === 'ELOCKED' || code === 'ENOTDIR' || code === 'ENOTEMPTY') && (await removeForeignLock(`${file}.lock`));
      if (removed) {
        removals += 1;
        // No lock was there: try again at once, unless something keeps putting one back.
        if (removals <= MAX_REMOVALS) continue;
      } else if (code !== 'ELOCKED' && code !== 'ENOTEMPTY') {
        throw error;
      }
      const waited = performance.now() - started;
      if (waited >= maxWait) {
        throw new FileLockError('lock-timeout', file, `gave up waiting for the lock on ${file} after ${Math.round(waited)} ms`, {
          cause: error,
        });
      }
      // Exponential, with jitter so waiting processes do not retry in step.
      const ceiling = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt, 16));
      await sleep(ceiling / 2 + (Math.random() * ceiling) / 2);
      continue;
    }
    return {
      file,
      assertHeld() {
        if (lost !== undefined) throw lost;
      },
      async release() {
        if (released) return;
        released = true;
        // ERELEASED (already lost) and I/O failures alike: see the interface.
        await release().catch(() => undefined);
      },
    };
  }
}

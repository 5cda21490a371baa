/**
 * A per-key mutex: tasks under one key run one at a time in call order, tasks
 * under different keys run freely. Each key holds only the tail of a promise
 * chain, and a key is forgotten as soon as its last task settles.
 */

/** Runs async tasks one at a time per key. */
export interface KeyedLock {
  /**
   * Runs `fn` after every task queued earlier under `key` has settled, and
   * resolves or rejects with its result. A failing task does not stop the next.
   */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Number of keys with a task queued or running (0 when idle). */
  readonly size: number;
}

const ignore = (): void => undefined;

/** Creates an empty {@link KeyedLock}. */
export function createKeyedLock(): KeyedLock {
  // The tail of each key's chain; it never rejects, so one failure cannot break the chain.
  const tails = new Map<string, Promise<void>>();
  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key);
      // `then` also turns a synchronous throw of `fn` into a rejection.
      const result = previous === undefined ? Promise.resolve().then(fn) : previous.then(fn);
      const tail = result.then(ignore, ignore);
      tails.set(key, tail);
      void tail.then(() => {
        // Only the last task of a key removes it; a later task replaced the tail otherwise.
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    get size(): number {
      return tails.size;
    },
  };
}

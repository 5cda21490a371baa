/** A flag for loops that run until Ctrl-C. */
export interface Interruption {
  /** True once SIGINT or SIGTERM arrived. */
  interrupted(): boolean;
  /** Removes the handlers (call it in a `finally`). */
  dispose(): void;
}

/** Catches SIGINT and SIGTERM until disposed, so that `--watch` and `logs -f` end with exit 0. */
export function interruption(): Interruption {
  let interrupted = false;
  const stop = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    interrupted: () => interrupted,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

import type { PodTransport } from '../core/types.js';

/** A transport whose next notifies fail or hang on demand. */
export interface FaultyTransport extends PodTransport {
  /** The next notify rejects. */
  failNext(): void;
  /** The next notify never answers; `onHang` is called (say, to advance a simulated clock past the timeout). */
  hangNext(): void;
  /** Notifies that reached the inner transport. */
  readonly delivered: number;
}

/** Wraps `inner` with injectable faults, for simulations and tests. */
export function createFaultyTransport(inner: PodTransport, options: { onHang?: () => void } = {}): FaultyTransport {
  let pending: 'fail' | 'hang' | undefined;
  let delivered = 0;
  return {
    probe: (name) => inner.probe(name),
    notify(name, message, notifyOptions) {
      const fault = pending;
      pending = undefined;
      if (fault === 'fail') return Promise.reject(new Error('injected transport failure'));
      if (fault === 'hang') {
        // The caller arms its timeout right after this returns; run the hook after that.
        if (options.onHang !== undefined) queueMicrotask(options.onHang);
        return new Promise<void>(() => undefined);
      }
      delivered += 1;
      return inner.notify(name, message, notifyOptions);
    },
    failNext: () => void (pending = 'fail'),
    hangNext: () => void (pending = 'hang'),
    get delivered() {
      return delivered;
    },
  };
}

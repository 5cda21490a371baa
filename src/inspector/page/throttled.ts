/** A call made at most once per `ms`, whose last request is never lost. */
export interface Throttled {
  /** Calls now when the last call is `ms` old, else once when it will be (a trailing call). */
  request(): void;
  /** Calls now (a full render), and forgets a pending trailing call. */
  now(): void;
}

/** Throttles `fn`: a burst of requests gives a call at once and one at its end, so the last change is drawn. */
export function throttled(fn: () => void, ms: number): Throttled {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const now = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    last = performance.now();
    fn();
  };
  return {
    request() {
      if (timer !== null) return;
      const wait = last + ms - performance.now();
      if (wait <= 0) now();
      else timer = setTimeout(now, wait);
    },
    now,
  };
}

import { TimeoutError } from '../../core/errors.js';

/** Timers as xstate's clock option takes them (`SimulatedClock` fits). */
export interface TimerClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

/** `promise`, or a `TimeoutError` after `ms` on `clock` (the real timers by default). */
export function withTimeout<T>(promise: Promise<T>, ms: number, clock?: TimerClock): Promise<T> {
  const timers: TimerClock = clock ?? { setTimeout: (fn, delay) => setTimeout(fn, delay), clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout) };
  return new Promise<T>((resolve, reject) => {
    const timer = timers.setTimeout(() => reject(new TimeoutError(ms)), ms);
    promise.then(
      (value) => {
        timers.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        timers.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

import { PodmeshError } from '../core/errors.js';

/** Bad usage: printed as one line, exit status 2. */
export class UsageError extends PodmeshError {
  constructor(message: string) {
    super('invalid-usage', message);
  }
}

/** An integer option of at least `min` (default 1), or undefined when absent. */
export function intOption(value: unknown, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be an integer of at least ${min}`);
  }
  return Number(value);
}

/** A duration option in seconds (decimals allowed, at most a day), as milliseconds; undefined when absent. */
export function secondsOption(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds >= 0 && seconds <= 86_400)) throw new UsageError(`${flag} must be a number of seconds between 0 and 86400`);
  return Math.round(seconds * 1000);
}

/**
 * Small helpers the sections share: a seeded random source (so a run's
 * choices can be replayed with `--seed`), order statistics and formatting.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';

/** A random source in [0, 1). */
export type Random = () => number;

/** mulberry32: tiny, fast, and good enough to pick kill moments and pairs. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export const between = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/** One item of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A seed for a child, derived from the section's random source. */
export const childSeed = (random: Random): number => Math.floor(random() * 2 ** 31);

/** Sleeps `ms`; resolves early (without throwing) when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return;
  await sleepFor(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
}

/** The q-quantile (0..1) of `values` by the nearest rank; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
export const maxOf = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : Math.max(...values));

/** A duration for people: `850 ms`, `4.12 s`, `-` for none. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

/** Median and max of durations, as one figure. */
export const medianMax = (values: readonly number[]): string =>
  values.length === 0 ? '-' : `median ${ms(median(values))}, max ${ms(maxOf(values))} (n=${values.length})`;

/** A count per key, as `a 3, b 1` (largest first), or `none`. */
export function tally(counts: ReadonlyMap<string, number>): string {
  const entries = [...counts].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${key} ${n}`).join(', ');
}

/** Adds `by` to `key` in a tally. */
export function bump(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

/** The error's code (a PodmeshError's, an OS error's) or its class name, for tallies. */
export function errorKey(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.name : typeof error;
}

/** One line of an error, bounded, for failure details. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${errorKey(error)}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 240);
}

import * as assert from 'uvu/assert';
import type { PodMetadata } from '../../src/core/types.js';

/** Names every API must refuse with `InvalidPodNameError` (docs/behaviour.md §1). */
export const INVALID_NAMES = ['', '.', '..', 'a/b', '../x', 'a\\b', 'a\u0000b', 'a\nb', ' a', 'x'.repeat(129)];

/** A minimal valid record. */
export function pod(name: string, extra: Partial<PodMetadata> = {}): PodMetadata {
  return { name, peers: [], spawnedChildren: [], ...extra };
}

/** What `promise` rejected with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.unreachable('expected a rejection');
  return undefined;
}

/** Asserts that `promise` rejects with an instance of `type` (and `code`, when given); returns the error. */
export async function rejects<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E, code?: string): Promise<E> {
  const error = await rejection(promise);
  assert.instance(error, type);
  if (code !== undefined) assert.is((error as { code?: unknown }).code, code);
  return error as E;
}

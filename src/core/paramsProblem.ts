import { nestsDeeperThan } from './jsonLimits.js';
import { MAX_PARAMS_DEPTH } from './podMessages.js';

/**
 * Request text longer than this is scanned for its nesting before
 * `JSON.parse` builds it (jsonNestingExceeds.ts): 200,000 levels in under
 * 1 MiB would cost a pod ~90 MB of heap to parse, then be refused anyway. A
 * short text costs little to parse; {@link paramsProblem} refuses it after.
 */
export const SCAN_BEFORE_PARSE_CHARS = 4096;

/**
 * Why a request's parsed `params` cannot be taken, whatever carried them (a
 * socket line's `params`, a NATS request's body): not an object, or nested
 * deeper than {@link MAX_PARAMS_DEPTH} (what a pod keeps must stay
 * encodable: JSON.stringify recurses). `undefined` when they are fine.
 */
export function paramsProblem(params: unknown): { readonly code: 'bad-request' | 'invalid-params'; readonly message: string } | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return { code: 'bad-request', message: 'params must be an object' };
  if (nestsDeeperThan(params, MAX_PARAMS_DEPTH)) return { code: 'invalid-params', message: `params are nested deeper than ${MAX_PARAMS_DEPTH} levels` };
  return undefined;
}

import { InvalidPodNameError } from './errors.js';

/** Names must fit one path segment of every file system we target. */
export const MAX_POD_NAME_BYTES = 128;

// Cc: C0 controls, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const encoder = new TextEncoder();

/**
 * Why `name` is not a valid pod name, or `undefined` when it is valid.
 * Cheap enough for hot paths: most names are short ASCII.
 */
export function podNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'not a string';
  if (name.length === 0) return 'empty';
  if (name === '.' || name === '..') return 'a relative path segment';
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator';
  if (CONTROL.test(name)) return 'contains a control character';
  if (name.trim() !== name) return 'has leading or trailing whitespace';
  // A UTF-16 unit takes at most 3 UTF-8 bytes, so short names skip the encoding.
  if (name.length * 3 > MAX_POD_NAME_BYTES && encoder.encode(name).length > MAX_POD_NAME_BYTES) {
    return `longer than ${MAX_POD_NAME_BYTES} bytes in UTF-8`;
  }
  return undefined;
}

/** True when `name` is a valid pod name. */
export function isValidPodName(name: unknown): name is string {
  return podNameProblem(name) === undefined;
}

/**
 * Returns `name` when it is a valid pod name, else throws {@link InvalidPodNameError}.
 * A valid name is non-empty, not `.` or `..`, has no `/`, `\` or control
 * character, no leading or trailing whitespace, and fits 128 UTF-8 bytes.
 */
export function validatePodName(name: unknown): string {
  const problem = podNameProblem(name);
  if (problem !== undefined) throw new InvalidPodNameError(problem);
  return name as string;
}

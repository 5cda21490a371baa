import { InvalidPodNameError } from './errors.js';
import { exceedsBytes } from './exceedsBytes.js';

/** Names must fit one path segment of every file system we target. */
export const MAX_POD_NAME_BYTES = 128;

// Cc: C0 controls, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

// ES2024's `String.prototype.isWellFormed` (Node >= 20); the project's lib is ES2023.
interface WellFormedString {
  isWellFormed(): boolean;
}

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
  // A lone surrogate has no UTF-8 form: the file system would store it as U+FFFD,
  // so '\ud800' and '\udfff' would share one folder. Native and O(1) for the
  // one-byte (Latin-1) strings most names are.
  if (!(name as unknown as WellFormedString).isWellFormed()) return 'is not well-formed UTF-16 (a lone surrogate)';
  if (name.trim() !== name) return 'has leading or trailing whitespace';
  if (exceedsBytes(name, MAX_POD_NAME_BYTES)) {
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
 * character, is well-formed UTF-16 (no lone surrogate), has no leading or
 * trailing whitespace, and fits 128 UTF-8 bytes.
 */
export function validatePodName(name: unknown): string {
  const problem = podNameProblem(name);
  if (problem !== undefined) throw new InvalidPodNameError(problem);
  return name as string;
}

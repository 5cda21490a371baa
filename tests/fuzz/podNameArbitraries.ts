/**
 * Generators of pod-name candidates for the property tests: any UTF-16 text,
 * weighted towards what the rules of docs/behaviour.md §1 are about
 * (separators, controls, edge whitespace, lone surrogates, the 128-byte limit),
 * and valid names that look alike (case, Unicode normal forms, U+FFFD).
 */
import fc from 'fast-check';
import { isValidPodName } from '../../src/core/validatePodName.js';

/** Every character JavaScript's `\s` and `String.prototype.trim` treat as whitespace. */
export const WHITESPACE = [
  '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005',
  '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff',
] as const;

/** Characters some rule is about, or that a file system may treat specially. */
const EDGY = [
  '/', '\\', '.', ':', '*', '?', '"', '<', '>', '|', '%', '~', '\u0000', '\u0001', '\u001f', '\u007f', '\u0080',
  '\u0085', '\u009f', '\u200b', '\u200d', '\ufffd', '\ud800', '\udbff', '\udc00', '\udfff', 'é', 'e\u0301', '日', '😀',
  ...WHITESPACE,
] as const;

/** One UTF-16 code unit, any of the 65,536 (lone surrogates included). */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
/** One well-formed code point, astral ones included. */
const codePoint = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const asciiLetter = fc.constantFrom(...'abcxyzABCXYZ019-_'.split(''));

/** One unit of a name candidate: ASCII, an edge case, any code unit or any code point. */
export const anyUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: asciiLetter },
  { weight: 3, arbitrary: fc.constantFrom(...EDGY) },
  { weight: 2, arbitrary: codeUnit },
  { weight: 2, arbitrary: codePoint },
);

/**
 * Characters that collide under case folding, Unicode normalisation or
 * U+FFFD replacement — distinct names a careless store would merge.
 */
const LOOK_ALIKES = [
  'a', 'A', 'e', 'E', 'é', 'É', 'e\u0301', 'E\u0301', 'k', 'K', '\u212a', 'Å', '\u212b', 'A\u030a', 'ß', 'ss', 'SS',
  '\ufb01', 'fi', '\ufffd', '?', '.', '-', '_', ' ', '\u00a0', '\u200b', '日', '😀', 'ǅ', 'ǆ', 'Ǆ',
] as const;

/** Units of a name that is valid except, perhaps, at its edges or in length. */
const validUnit = fc.oneof(
  { weight: 3, arbitrary: asciiLetter },
  { weight: 3, arbitrary: fc.constantFrom(...LOOK_ALIKES) },
  { weight: 2, arbitrary: codePoint.filter((ch) => isValidPodName(`a${ch}a`)) },
  // Refused by the filter below today; were they ever accepted, they would collide as U+FFFD.
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff') },
);

/**
 * Any string, weighted towards pod-name edge cases: short ones, ones around
 * the 128-byte limit, a few long ones, and the names with special meaning.
 */
export const podNameCandidate: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: anyUnit, maxLength: 24 }) },
  { weight: 3, arbitrary: fc.string({ unit: anyUnit, minLength: 30, maxLength: 140, size: 'max' }) },
  // Mostly valid units, so the 128-byte limit (not an earlier rule) decides.
  { weight: 2, arbitrary: fc.string({ unit: validUnit, minLength: 20, maxLength: 140, size: 'max' }) },
  { weight: 1, arbitrary: fc.string({ unit: anyUnit, minLength: 500, maxLength: 3000, size: 'max' }) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', '...', ' ', '\ud800', '\udfff', '\ufffd', 'x'.repeat(128), 'x'.repeat(129)) },
  // Full Unicode of fast-check's own unit kinds.
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

/** Valid pod names: short look-alikes, ordinary lengths and names near 128 bytes. */
export const validPodName: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: validUnit, minLength: 1, maxLength: 3 }) },
    { weight: 4, arbitrary: fc.string({ unit: validUnit, minLength: 1, maxLength: 24 }) },
    { weight: 1, arbitrary: fc.string({ unit: validUnit, minLength: 30, maxLength: 128, size: 'max' }) },
  )
  .filter(isValidPodName);

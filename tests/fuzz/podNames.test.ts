import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidPodNameError } from '../../src/core/errors.js';
import { MAX_POD_NAME_BYTES, isValidPodName, podNameProblem, validatePodName } from '../../src/core/validatePodName.js';
import { checkProperty } from './checkProperty.js';
import { podNameCandidate, validPodName, WHITESPACE } from './podNameArbitraries.js';

const names = suite('pod names (property)');

/** What validatePodName threw for `name`, or `undefined` when it returned. */
function thrownBy(name: unknown): unknown {
  try {
    assert.is(validatePodName(name), name, 'a valid name comes back as the same string');
    return undefined;
  } catch (error) {
    return error;
  }
}

/** True when `text` holds a lone surrogate, by a walk over its code units (not isWellFormed). */
function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
      else return true;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return true;
  }
  return false;
}

const EDGE_WHITESPACE = new Set<string>(WHITESPACE);

/** docs/behaviour.md §1, written out again rule by rule: the oracle the function is checked against. */
function followsEveryRule(name: string): boolean {
  if (name.length === 0 || name === '.' || name === '..') return false;
  if (name.includes('/') || name.includes('\\')) return false;
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return false;
  }
  if (hasLoneSurrogate(name)) return false;
  if (EDGE_WHITESPACE.has(name[0]!) || EDGE_WHITESPACE.has(name[name.length - 1]!)) return false;
  return Buffer.byteLength(name, 'utf8') <= MAX_POD_NAME_BYTES;
}

names('should return any string unchanged or throw InvalidPodNameError, exactly as the §1 rules say', async () => {
  await checkProperty(
    'names: validatePodName over any string',
    fc.property(podNameCandidate, (name) => {
      const error = thrownBy(name);
      const valid = error === undefined;
      if (!valid) {
        assert.instance(error, InvalidPodNameError, `not an InvalidPodNameError: ${String(error)}`);
        const { reason } = error as InvalidPodNameError;
        assert.type(reason, 'string');
        assert.ok(reason.length > 0 && reason.length < 80, 'a short reason');
        assert.is(podNameProblem(name), reason);
      } else {
        assert.is(podNameProblem(name), undefined);
      }
      assert.is(isValidPodName(name), valid, 'isValidPodName agrees');
      assert.is(valid, followsEveryRule(name), `validity of ${JSON.stringify(name)}`);
    }),
    { runs: 3000 },
  );
});

names('should make every valid name well-formed, at most 128 UTF-8 bytes, one plain path segment', async () => {
  await checkProperty(
    'names: what every valid name is',
    fc.property(fc.oneof(podNameCandidate, validPodName), (name) => {
      fc.pre(isValidPodName(name));
      assert.ok(!hasLoneSurrogate(name), 'well-formed UTF-16');
      // Well-formed text survives UTF-8 unchanged, so its bytes stand for it alone.
      assert.is(Buffer.from(name, 'utf8').toString('utf8'), name);
      assert.ok(Buffer.byteLength(name, 'utf8') <= MAX_POD_NAME_BYTES, 'at most 128 bytes');
      assert.not.match(name, /[/\\]/);
      assert.not.match(name, /[\u0000-\u001f\u007f-\u009f]/);
      assert.ok(name !== '.' && name !== '..' && name !== '');
      assert.is(name.trim(), name, 'no edge whitespace');
    }),
    { runs: 2000 },
  );
});

/** Values that throw as soon as anything looks at them: a name check must not. */
function hostileValues(): unknown[] {
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const trap = (): never => {
    throw new Error('trap');
  };
  const throwingProxy = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap });
  return [
    revocable.proxy,
    throwingProxy,
    { toString: trap, valueOf: trap, [Symbol.toPrimitive]: trap },
    Object.defineProperty({}, 'length', { get: trap }),
    Symbol('name'),
    () => 'name',
  ];
}

names('should refuse every value that is not a string with InvalidPodNameError', async () => {
  await checkProperty(
    'names: non-string values',
    fc.property(
      fc.oneof(
        fc
          .anything({ withBoxedValues: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withNullPrototype: true })
          .map((value) => ({ value })),
        // Built inside the case: fast-check itself would trip over them while generating and printing.
        fc.nat({ max: hostileValues().length - 1 }).map((hostile) => ({ hostile })),
      ),
      (generated) => {
        const value = 'hostile' in generated ? hostileValues()[generated.hostile] : generated.value;
        fc.pre(typeof value !== 'string');
        const error = thrownBy(value);
        assert.instance(error, InvalidPodNameError);
        assert.is((error as InvalidPodNameError).reason, 'not a string');
        assert.is(isValidPodName(value), false);
      },
    ),
    { runs: 500 },
  );
});

names('should give two distinct valid names distinct UTF-8 bytes', async () => {
  // Pairs that differ in one unit (possibly into a surrogate or U+FFFD) reach the old collision quickly.
  const nearPair = fc
    .tuple(validPodName, fc.nat(), fc.constantFrom('\ud800', '\udfff', '\ufffd', 'e\u0301', 'é', 'A', 'a'))
    .map(([name, at, unit]): [string, string] => {
      const i = at % (name.length + 1);
      return [name, name.slice(0, i) + unit + name.slice(i + 1)];
    });
  await checkProperty(
    'names: UTF-8 bytes are injective on valid names',
    fc.property(fc.oneof(nearPair, fc.tuple(validPodName, validPodName), fc.tuple(podNameCandidate, podNameCandidate)), ([a, b]) => {
      fc.pre(a !== b && isValidPodName(a) && isValidPodName(b));
      assert.not.ok(Buffer.from(a, 'utf8').equals(Buffer.from(b, 'utf8')), `${JSON.stringify(a)} and ${JSON.stringify(b)} share bytes`);
    }),
    { runs: 2000 },
  );
});

names.run();

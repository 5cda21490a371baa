import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidPodNameError, PodmeshError } from '../../src/core/errors.js';
import { MAX_POD_NAME_BYTES, isValidPodName, podNameProblem, validatePodName } from '../../src/core/validatePodName.js';

const names = suite('validatePodName');

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

/** Calls validatePodName and returns what it threw; fails when it did not throw. */
function rejection(name: unknown): InvalidPodNameError {
  try {
    validatePodName(name);
  } catch (error) {
    assert.instance(error, InvalidPodNameError, `wrong error class for ${JSON.stringify(String(name))}`);
    return error as InvalidPodNameError;
  }
  assert.unreachable(`accepted invalid name ${JSON.stringify(String(name))}`);
  throw new Error('unreachable');
}

const INVALID: readonly [label: string, name: unknown][] = [
  ['empty', ''],
  ['dot', '.'],
  ['dot dot', '..'],
  ['slash', 'a/b'],
  ['leading slash', '/a'],
  ['backslash', 'a\\b'],
  ['relative path', '../x'],
  ['NUL', 'a\u0000b'],
  ['newline', 'a\nb'],
  ['carriage return', 'a\rb'],
  ['tab', 'a\tb'],
  ['escape', 'a\u001bb'],
  ['DEL', 'a\u007fb'],
  ['C1 control U+0085', 'a\u0085b'],
  ['C1 control U+009F', 'a\u009fb'],
  ['leading space', ' a'],
  ['trailing space', 'a '],
  ['only spaces', '   '],
  ['trailing ideographic space', 'a\u3000'],
  ['129 ASCII bytes', 'x'.repeat(129)],
  ['43 日 (129 bytes)', '日'.repeat(43)],
  ['65 é (130 bytes)', 'é'.repeat(65)],
  ['33 emoji (132 bytes)', '😀'.repeat(33)],
  ['undefined', undefined],
  ['null', null],
  ['number', 42],
  ['boolean', true],
  ['object', { name: 'a' }],
  ['array', ['a']],
  ['String object', new String('a')],
];

names('should fix the byte limit at 128', () => {
  assert.is(MAX_POD_NAME_BYTES, 128);
});

for (const [label, name] of INVALID) {
  names(`should reject a name that is ${label}`, () => {
    const error = rejection(name);
    assert.is(error.code, 'invalid-pod-name');
    assert.instance(error, PodmeshError);
    assert.is(error.name, 'InvalidPodNameError');
    assert.type(error.reason, 'string');
    assert.ok(error.reason.length > 0);
    assert.is(isValidPodName(name), false);
    assert.is(podNameProblem(name), error.reason);
  });
}

names('should measure the length limit in UTF-8 bytes, not characters', () => {
  assert.is(utf8Bytes('日'.repeat(43)), 129);
  assert.is(utf8Bytes('日'.repeat(42)), 126);
  assert.is(validatePodName('日'.repeat(42)), '日'.repeat(42));
  assert.match(rejection('日'.repeat(43)).reason, /128 bytes/);
  // 43 characters is far below 128, so a character count would have accepted it.
  assert.ok('日'.repeat(43).length < 128);
});

names('should accept a name of exactly 128 bytes', () => {
  for (const name of ['x'.repeat(128), 'é'.repeat(64), '😀'.repeat(32), 'a' + '日'.repeat(42) + 'b']) {
    assert.is(utf8Bytes(name), 128);
    assert.is(validatePodName(name), name);
    assert.ok(isValidPodName(name));
  }
});

const VALID: readonly string[] = [
  'a',
  'yoi',
  'yoi-orchestrator',
  'Yoi',
  'YOI',
  'my pod',
  'a  b',
  'pod.v2',
  '.hidden',
  '...',
  'a..b',
  '-dash_',
  '日本語',
  'café',
  'émoji 😀 pod',
  'name:with:colons',
];

names('should return valid names unchanged', () => {
  for (const name of VALID) {
    assert.is(validatePodName(name), name, name);
    assert.ok(isValidPodName(name), name);
    assert.is(podNameProblem(name), undefined, name);
  }
});

names('should treat names as case-sensitive (no folding)', () => {
  const variants = ['yoi', 'Yoi', 'YOI'].map(validatePodName);
  assert.equal(variants, ['yoi', 'Yoi', 'YOI']);
  assert.is(new Set(variants).size, 3);
});

names('should accept inner spaces but not edge spaces', () => {
  assert.is(validatePodName('a b c'), 'a b c');
  rejection(' a b c');
  rejection('a b c ');
});

names.run();

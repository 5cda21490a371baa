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
  ['a lone high surrogate', '\ud800'],
  ['a lone low surrogate', '\udfff'],
  ['a lone low surrogate inside', 'a\udfffb'],
  ['a high surrogate at the end', 'pod\ud83d'],
  ['a low surrogate at the start', '\ude00pod'],
  ['a surrogate pair in the wrong order', 'a\ude00\ud83db'],
  ['two high surrogates', 'a\ud83d\ud83db'],
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

const LONE_SURROGATE_REASON = 'is not well-formed UTF-16 (a lone surrogate)';

names('should reject a lone surrogate with a reason that says so', () => {
  for (const name of ['\ud800', '\udbff', '\udc00', '\udfff', 'a\udfffb', 'pod\ud83d', '\ude00pod', 'a\ude00\ud83db', '😀\ud83d']) {
    const error = rejection(name);
    assert.is(error.reason, LONE_SURROGATE_REASON, JSON.stringify(name));
    assert.is(error.message, `invalid pod name: ${LONE_SURROGATE_REASON}`);
  }
});

names('should refuse both names that once shared the folder U+FFFD', () => {
  // Both encode to the same UTF-8 bytes (EF BF BD), so a file store would map them to one folder.
  assert.equal(Buffer.from('\ud800', 'utf8'), Buffer.from('\udfff', 'utf8'));
  assert.equal(Buffer.from('\ud800', 'utf8'), Buffer.from('\ufffd', 'utf8'));
  assert.is(isValidPodName('\ud800'), false);
  assert.is(isValidPodName('\udfff'), false);
  // U+FFFD itself is a real character and stays a valid name of its own.
  assert.is(validatePodName('\ufffd'), '\ufffd');
});

names('should refuse both names of the pair the fuzzer shrank to (tests/fuzz/podNames.test.ts)', () => {
  // Found by "names: UTF-8 bytes are injective on valid names" before the fix: two names, one folder.
  const pair = ['\u{10000}aa\udbff\u{10000}a\u{10000}', '\u{10000}aa\ud800\u{10000}a\u{10000}'];
  assert.equal(Buffer.from(pair[0]!, 'utf8'), Buffer.from(pair[1]!, 'utf8'));
  for (const name of pair) assert.is(rejection(name).reason, LONE_SURROGATE_REASON);
});

names('should accept surrogate pairs (astral characters) anywhere in a name', () => {
  for (const name of ['😀', 'a😀', '😀b', '𝒜𝒷𝒸', 'x\ud83d\ude00y']) {
    assert.is(validatePodName(name), name, JSON.stringify(name));
    assert.is(podNameProblem(name), undefined);
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

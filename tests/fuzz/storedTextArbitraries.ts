/**
 * Generators of what a store may find where a record should be (docs/behaviour.md §2):
 * valid records, records with wrong types, any JSON value, any text, deeply
 * nested values, truncated records, and bytes that are not UTF-8.
 */
import fc from 'fast-check';
import { anyUnit, podNameCandidate, validPodName } from './podNameArbitraries.js';

/** Text stored under a name. */
export interface StoredText {
  readonly name: string;
  readonly text: string;
}

/** Bytes stored under a name. */
export interface StoredBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/**
 * The deepest nesting the generators put inside a record field: far past
 * MAX_RECORD_DEPTH and the call stack (before issue 8, 5,883 levels made a
 * read throw a RangeError from deepFreeze's recursion).
 */
export const MAX_FIELD_DEPTH = 100_000;
/** Nesting of a whole stored value: the stores reject it before walking it, so this may go far deeper. */
export const MAX_WHOLE_DEPTH = 50_000;

const KNOWN_FIELDS = ['name', 'role', 'workspaceRoot', 'peers', 'spawnedChildren'] as const;

/** Any JSON value, with full-Unicode strings (lone surrogates included, as JSON can escape them). */
export const anyJson = fc.jsonValue({ maxDepth: 4, stringUnit: anyUnit });

/** Fields a record may carry that podmesh does not know (`__proto__` and `constructor` included). */
const unknownFields = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty')),
  anyJson,
  { maxKeys: 4 },
).map((fields) => Object.fromEntries(Object.entries(fields).filter(([key]) => !(KNOWN_FIELDS as readonly string[]).includes(key))));

const names = fc.array(validPodName, { maxLength: 6 });
/** Peers as a caller or a file may hold them: unsorted, with repeats. */
const unnormalisedNames = fc.oneof(names, names.map((list) => [...list, ...list].reverse()));

/**
 * A valid record for `name` as a caller may hand it over: unknown fields,
 * peers unsorted with repeats, `role`/`workspaceRoot` absent, `undefined` or strings.
 */
export const recordInput = (name: string): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record({
      unknown: unknownFields,
      role: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: undefined }),
      workspaceRoot: fc.option(fc.string({ unit: 'binary', maxLength: 40 }), { nil: undefined }),
      hasRole: fc.boolean(),
      peers: unnormalisedNames,
      spawnedChildren: unnormalisedNames,
    })
    // Spread, not Object.assign: a `__proto__` field must stay a field.
    .map(({ unknown, role, workspaceRoot, hasRole, peers, spawnedChildren }) => ({
      ...unknown,
      name,
      ...(hasRole ? { role, workspaceRoot } : {}),
      peers,
      spawnedChildren,
    }));

const storedName = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('p', 'yoi', 'yoi-orchestrator') }, { weight: 1, arbitrary: validPodName });

/** A valid record with one field given a value of any JSON type, or a name list given an invalid name. */
const wrongTyped = (name: string): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.tuple(recordInput(name), fc.constantFrom(...KNOWN_FIELDS), anyJson).map(([record, field, value]) => ({ ...record, [field]: value })),
    fc.tuple(recordInput(name), fc.constantFrom('peers', 'spawnedChildren'), podNameCandidate).map(([record, field, bad]) => ({
      ...record,
      [field]: [...(record[field] as string[]), bad],
    })),
    fc.tuple(recordInput(name), fc.constantFrom(...KNOWN_FIELDS)).map(([record, field]) => {
      const { [field]: _dropped, ...rest } = record;
      return rest;
    }),
  );

/** `[`×depth `]`×depth, or `{"a":`×depth `0` `}`×depth. */
export function nested(shape: 'array' | 'object', depth: number): string {
  return shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
}

/** Deep nesting as the whole value, inside an unknown field, inside `peers`, or as `role`. */
const deeplyNested = (name: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.constantFrom<'array' | 'object'>('array', 'object'), fc.integer({ min: 1, max: MAX_WHOLE_DEPTH })).map(([shape, depth]) => nested(shape, depth)),
    fc
      .tuple(
        fc.constantFrom<'array' | 'object'>('array', 'object'),
        // Often near a store's nesting limit, now and then thousands of levels deep.
        fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: MAX_FIELD_DEPTH })),
        fc.constantFrom('deep', 'peers', 'role'),
      )
      .map(([shape, depth, field]) => {
        const base = { name, peers: [] as unknown, spawnedChildren: [] };
        const text = JSON.stringify({ ...base, [field]: '\u0000HOLE' });
        return text.replace('"\\u0000HOLE"', nested(shape, depth));
      }),
  );

/** Any text a store may find under a name. */
export const storedText: fc.Arbitrary<StoredText> = storedName.chain((name) =>
  fc
    .oneof(
      { weight: 4, arbitrary: recordInput(name).map((record) => JSON.stringify(record, null, 2)) },
      { weight: 3, arbitrary: wrongTyped(name).map((value) => JSON.stringify(value)) },
      { weight: 1, arbitrary: recordInput(`${name}x`).map((record) => JSON.stringify(record)) },
      { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
      { weight: 2, arbitrary: fc.oneof(podNameCandidate, fc.string({ unit: 'binary', maxLength: 200 })) },
      { weight: 2, arbitrary: deeplyNested(name) },
      {
        weight: 1,
        arbitrary: fc.tuple(recordInput(name), fc.nat()).map(([record, cut]) => {
          const text = JSON.stringify(record);
          return text.slice(0, cut % (text.length + 1));
        }),
      },
    )
    .map((text) => ({ name, text })),
);

/** Byte sequences that are not UTF-8 (a stray byte, an overlong form, an encoded surrogate, a cut sequence). */
const NOT_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe6, 0x97], [0xf4, 0x90, 0x80, 0x80], [0x80]] as const;

/** Any bytes a file store may find in a `metadata.json`. */
export const storedBytes: fc.Arbitrary<StoredBytes> = fc.oneof(
  { weight: 5, arbitrary: storedText.map(({ name, text }) => ({ name, bytes: Buffer.from(text, 'utf8') })) },
  {
    weight: 2,
    arbitrary: fc.tuple(storedText, fc.nat(), fc.constantFrom(...NOT_UTF8)).map(([{ name, text }, at, bad]) => {
      const bytes = Buffer.from(text, 'utf8');
      const i = at % (bytes.length + 1);
      return { name, bytes: Buffer.concat([bytes.subarray(0, i), Buffer.from(bad), bytes.subarray(i)]) };
    }),
  },
  // A byte-order mark in front of a record.
  { weight: 1, arbitrary: storedText.map(({ name, text }) => ({ name, bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]) })) },
  { weight: 1, arbitrary: fc.tuple(storedName, fc.uint8Array({ maxLength: 300 })).map(([name, bytes]) => ({ name, bytes })) },
);

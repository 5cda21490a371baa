import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createFsPodStore, METADATA_FILE } from '../../src/actors/stores/createFsPodStore.js';
import { createMemoryPodStore } from '../../src/actors/stores/createMemoryPodStore.js';
import { CorruptMetadataError } from '../../src/core/errors.js';
import type { PodMetadata } from '../../src/core/types.js';
import { MAX_RECORD_DEPTH } from '../../src/core/podRecord.js';
import { isValidPodName } from '../../src/core/validatePodName.js';
import { checkProperty } from './checkProperty.js';
import { validPodName } from './podNameArbitraries.js';
import { recordInput, storedBytes, storedText } from './storedTextArbitraries.js';

interface Context {
  dir: string;
}

const records = suite<Context>('stored records (property)', { dir: '' });

records.before.each(async (context) => {
  context.dir = await mkdtemp(join(tmpdir(), 'podmesh-fuzz-records-'));
});

records.after.each(async ({ dir }) => {
  await rm(dir, { recursive: true, force: true });
});

/** A read must settle within this, or the case fails as a hang. */
const CASE_TIMEOUT_MS = 5_000;

type Outcome = PodMetadata | 'corrupt';


/** How deep `value` nests arrays and objects (the value itself is level 1); a walk with no recursion. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNameList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => isValidPodName(item));

/** docs/behaviour.md §2 written out again: what reading `text` stored under `name` must give. */
/** What §2 says a read of `text` comes to (a leading byte-order mark is ignored, as JSON allows). */
function expectedOutcome(name: string, text: string): Outcome {
  let value: unknown;
  try {
    value = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch {
    return 'corrupt';
  }
  if (nestingDepth(value) > MAX_RECORD_DEPTH) return 'corrupt';
  if (!isObject(value) || value.name !== name) return 'corrupt';
  if (!['role', 'workspaceRoot'].every((field) => value[field] === undefined || typeof value[field] === 'string')) return 'corrupt';
  const { peers, spawnedChildren } = value;
  if (!isNameList(peers) || !isNameList(spawnedChildren)) return 'corrupt';
  return { ...value, peers: [...new Set(peers)].sort(), spawnedChildren: [...new Set(spawnedChildren)] } as unknown as PodMetadata;
}

/** The text `bytes` hold, or `undefined` when they are not UTF-8. */
function utf8Text(bytes: Uint8Array): string | undefined {
  const buffer = Buffer.from(bytes);
  const text = buffer.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buffer) ? text : undefined;
}

/** What a read came to; any error other than CorruptMetadataError fails the case. */
async function outcomeOf(read: () => Promise<PodMetadata | null>, stored: string): Promise<Outcome> {
  let record: PodMetadata | null;
  try {
    record = await read();
  } catch (error) {
    if (!(error instanceof CorruptMetadataError)) {
      throw new Error(`read threw ${(error as Error)?.constructor?.name}: ${(error as Error)?.message} (not CorruptMetadataError)`);
    }
    assert.ok(error.reason.length > 0 && error.reason.length <= 120, 'a short reason');
    if (stored.length >= 16) assert.not.ok(error.message.includes(stored), 'the error quotes the stored text');
    return 'corrupt';
  }
  assert.ok(record !== null, 'a stored record reads as missing');
  return record;
}

/** A record as §2 promises it: its own name, peers sorted and unique, children unique, all valid names, frozen. */
function assertValidRecord(name: string, record: PodMetadata): void {
  assert.is(record.name, name);
  assert.ok(isNameList(record.peers) && isNameList(record.spawnedChildren), 'valid names');
  for (let i = 1; i < record.peers.length; i += 1) assert.ok(record.peers[i - 1]! < record.peers[i]!, 'peers sorted and unique');
  assert.is(new Set(record.spawnedChildren).size, record.spawnedChildren.length, 'children unique');
  for (const field of ['role', 'workspaceRoot'] as const) assert.ok(record[field] === undefined || typeof record[field] === 'string');
  assert.ok(Object.isFrozen(record) && Object.isFrozen(record.peers) && Object.isFrozen(record.spawnedChildren), 'frozen');
}

/**
 * Deep equality of JSON data by own keys, in any key order, with no recursion
 * (records nest thousands of levels deep). uvu's `equal` (dequal) recurses,
 * and compares `.constructor` first, which a record's own `constructor` field fools.
 */
function sameJson(left: unknown, right: unknown): boolean {
  const pending: [unknown, unknown][] = [[left, right]];
  while (pending.length > 0) {
    const [a, b] = pending.pop()!;
    if (a === b) continue;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(b, key)) return false;
      pending.push([(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]]);
    }
  }
  return true;
}

function shortJson(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, 400);
  } catch {
    return '(too deep to print)';
  }
}

function assertSameJson(actual: unknown, expected: unknown): void {
  assert.ok(sameJson(actual, expected), `read ${shortJson(actual)}, expected ${shortJson(expected)}`);
}

/** Checks `actual` against `expected`; `mayBeCorrupt`: a record where §2 leaves room to refuse it. */
function assertOutcome(name: string, expected: Outcome, actual: Outcome): void {
  if (expected === 'corrupt' || actual === 'corrupt') {
    assert.is(actual === 'corrupt' ? 'corrupt' : 'a record', expected === 'corrupt' ? 'corrupt' : 'a record');
    return;
  }
  assertValidRecord(name, actual);
  assertSameJson(actual, expected);
}

records('should read any stored text in the memory store as a valid record or CorruptMetadataError', async () => {
  await checkProperty(
    'records: memory store writeRaw → read',
    fc.asyncProperty(storedText, async ({ name, text }) => {
      const store = createMemoryPodStore();
      await store.writeRaw(name, text);
      const expected = expectedOutcome(name, text);
      assertOutcome(name, expected, await outcomeOf(() => store.read(name), text));
      // Again, from what the first read left behind (the parsed record, or the known corruption).
      assertOutcome(name, expected, await outcomeOf(() => store.read(name), text));
      assertOutcome(name, expected, await outcomeOf(async () => store.readNow(name), text));
    }),
    { runs: 400, timeout: CASE_TIMEOUT_MS },
  );
});

records('should read any bytes in a metadata.json as a valid record or CorruptMetadataError', async ({ dir }) => {
  const root = join(dir, 'pods');
  const store = createFsPodStore(root);
  await checkProperty(
    'records: file store bytes → read',
    fc.asyncProperty(storedBytes, async ({ name, bytes }) => {
      await mkdir(join(root, name), { recursive: true });
      try {
        await writeFile(join(root, name, METADATA_FILE), bytes);
        const text = utf8Text(bytes);
        const expected = text === undefined ? 'corrupt' : expectedOutcome(name, text);
        assertOutcome(name, expected, await outcomeOf(() => store.read(name), text ?? ''));
        // Reads take no lock and write nothing: the bytes stay as they were.
        assert.equal(await readdir(join(root, name)), [METADATA_FILE]);
      } finally {
        await rm(join(root, name), { recursive: true, force: true });
      }
    }),
    { runs: 150, timeout: CASE_TIMEOUT_MS },
  );
  assert.equal(await readdir(dir), ['pods'], 'nothing outside the store folder');
});

const writtenRecord = fc.oneof(fc.constant('p'), validPodName).chain((name) => recordInput(name));

/** What `write(input)` promises to read back: the record through JSON, peers unique and sorted, children unique. */
function normalised(input: Record<string, unknown>): PodMetadata {
  const record = JSON.parse(JSON.stringify(input)) as PodMetadata;
  return { ...record, peers: [...new Set(record.peers)].sort(), spawnedChildren: [...new Set(record.spawnedChildren)] };
}

records('should read back from the memory store what write was given, normalised', async () => {
  await checkProperty(
    'records: memory store write → read',
    fc.asyncProperty(writtenRecord, async (input) => {
      const store = createMemoryPodStore();
      await store.write(input as unknown as PodMetadata);
      const name = input.name as string;
      const record = await store.read(name);
      assert.ok(record !== null);
      assertValidRecord(name, record);
      assertSameJson(record, normalised(input));
      assert.is(store.readNow(name), record);
    }),
    { runs: 300, timeout: CASE_TIMEOUT_MS },
  );
});

records('should read back from the file store what write was given, normalised, in a new store', async ({ dir }) => {
  const root = join(dir, 'pods');
  await checkProperty(
    'records: file store write → read',
    fc.asyncProperty(writtenRecord, async (input) => {
      const name = input.name as string;
      try {
        await createFsPodStore(root).write(input as unknown as PodMetadata);
        const record = await createFsPodStore(root).read(name);
        assert.ok(record !== null);
        assertValidRecord(name, record);
        assertSameJson(record, normalised(input));
      } finally {
        await rm(join(root, name), { recursive: true, force: true });
      }
    }),
    { runs: 60, timeout: CASE_TIMEOUT_MS },
  );
  assert.equal(await readdir(dir), ['pods'], 'nothing outside the store folder');
});

records.run();

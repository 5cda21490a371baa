/**
 * Pod metadata records as data: validation, normalisation and the stored text
 * form shared by every store. No I/O here.
 */
import { CorruptMetadataError, PodmeshError } from './errors.js';
import { jsonNestingExceeds } from './jsonNestingExceeds.js';
import type { PodMetadata } from './types.js';
import { podNameProblem, validatePodName } from './validatePodName.js';

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function uniqueInOrder(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/**
 * Returns `record` with `peers` unique and sorted in code-unit order and
 * `spawnedChildren` unique in first-seen order. Every other field is kept.
 */
export function normalizeRecord(record: PodMetadata): PodMetadata {
  // Most records already are (and spawning 100,000 pods writes 100,000 of them): no copies then.
  if (isSortedUnique(record.peers) && isUnique(record.spawnedChildren)) return record;
  // The default sort compares UTF-16 code units, which is the order the spec asks for.
  const peers = uniqueInOrder(record.peers).sort();
  const spawnedChildren = uniqueInOrder(record.spawnedChildren);
  return { ...record, peers, spawnedChildren };
}

function isSortedUnique(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i += 1) if (!(names[i - 1]! < names[i]!)) return false;
  return true;
}

function isUnique(names: readonly string[]): boolean {
  return names.length < 2 || new Set(names).size === names.length;
}

/** True when two name lists hold the same names in the same order. */
function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** `record` with `peer` added to its peers, or `record` itself when it already holds it. */
export function withPeer(record: PodMetadata, peer: string): PodMetadata {
  if (record.peers.includes(peer)) return record;
  return { ...record, peers: [...record.peers, peer].sort() };
}

/** `record` without `peer` in its peers, or `record` itself when it does not hold it. */
export function withoutPeer(record: PodMetadata, peer: string): PodMetadata {
  if (!record.peers.includes(peer)) return record;
  return { ...record, peers: record.peers.filter((p) => p !== peer) };
}

/**
 * `record` with its peers replaced by `peers` (validated, made unique and
 * sorted), or `record` itself when that is what it already holds.
 */
export function withPeers(record: PodMetadata, peers: readonly string[]): PodMetadata {
  const wanted = [...new Set(Array.from(peers, validatePodName))].sort();
  return sameNames(record.peers, wanted) ? record : { ...record, peers: wanted };
}

/**
 * `record` marking a relation with `peer` as being made: an ensure writes the
 * mark first and clears it last, so a crash between its writes leaves a mark
 * that the next ensure or start of either pod finds and finishes.
 */
export function withPendingPeer(record: PodMetadata, peer: string): PodMetadata {
  const pending = record.pendingPeers ?? [];
  if (pending.includes(peer)) return record;
  return { ...record, pendingPeers: [...pending, peer].sort() };
}

/** `record` holds `other` as a peer, and not only half-way through making the relation (no pending mark). */
export function holdsPeer(record: PodMetadata, other: string): boolean {
  return record.peers.includes(other) && record.pendingPeers?.includes(other) !== true;
}

/** `record` without the mark of a relation with `peer` (no `pendingPeers` field once none is left). */
export function withoutPendingPeer(record: PodMetadata, peer: string): PodMetadata {
  if (record.pendingPeers?.includes(peer) !== true) return record;
  const rest = record.pendingPeers.filter((p) => p !== peer);
  if (rest.length > 0) return { ...record, pendingPeers: rest };
  const { pendingPeers: _done, ...clean } = record;
  return clean as PodMetadata;
}

function listProblem(field: string, value: unknown): string | undefined {
  if (!Array.isArray(value)) return `${field} is not an array`;
  for (const item of value) {
    if (podNameProblem(item) !== undefined) return `${field} holds an invalid pod name`;
  }
  return undefined;
}

/**
 * Why `value` is not a valid record stored under `name`, as a short reason
 * that never quotes the content, or `undefined` when it is valid.
 */
export function recordProblem(name: string, value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (value.name !== name) return 'name does not match the record it is stored under';
  for (const field of ['role', 'workspaceRoot'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') return `${field} is not a string`;
  }
  return (
    listProblem('peers', value.peers) ??
    listProblem('spawnedChildren', value.spawnedChildren) ??
    (value.pendingPeers === undefined ? undefined : listProblem('pendingPeers', value.pendingPeers))
  );
}

/**
 * Returns `value` as a record when it is a valid record stored under `name`:
 * a JSON object whose `name` equals `name`, whose `peers` and `spawnedChildren`
 * are arrays of valid pod names, and whose `role` and `workspaceRoot` are
 * strings when present. Otherwise throws {@link CorruptMetadataError}.
 */
export function validateRecord(name: string, value: unknown): PodMetadata {
  const problem = recordProblem(name, value);
  if (problem !== undefined) throw new CorruptMetadataError(name, problem);
  return value as PodMetadata;
}

/** The deepest nesting of objects and arrays a stored record may have (the record itself is level 1). */
export const MAX_RECORD_DEPTH = 64;

/**
 * Parses the stored text of `name`'s record, validates it and returns it
 * normalised. Throws {@link CorruptMetadataError} with a short reason (text
 * nested deeper than {@link MAX_RECORD_DEPTH} included); the reason never
 * quotes the text (JSON.parse messages do, so they are dropped). A leading
 * byte-order mark is ignored.
 */
export function parseRecord(name: string, stored: string): PodMetadata {
  // A leading byte-order mark (an editor's) is ignored, as JSON allows: both stores read it alike.
  const text = stored.charCodeAt(0) === 0xfeff ? stored.slice(1) : stored;
  // Before JSON.parse: what reads a record after it (deepFreeze, JSON.stringify) recurses.
  if (jsonNestingExceeds(text, MAX_RECORD_DEPTH)) {
    throw new CorruptMetadataError(name, `nested deeper than ${MAX_RECORD_DEPTH} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CorruptMetadataError(name, 'not valid JSON');
  }
  return normalizeRecord(validateRecord(name, value));
}

// The fields a record's shape check knows; every other field is the caller's own.
const KNOWN_FIELDS = new Set(['name', 'role', 'workspaceRoot', 'peers', 'spawnedChildren', 'pendingPeers']);

/**
 * Checks a record handed in by a caller (to `write`, or returned by an
 * `update` function) before it is stored as `name`. Bad names anywhere throw
 * `InvalidPodNameError`; a wrong shape or a changed name is misuse and throws
 * `TypeError`; a record that nests deeper than {@link MAX_RECORD_DEPTH} (so
 * would not read back) or holds a cycle throws `PodmeshError` `invalid-argument`.
 * Returns the record normalised.
 */
export function checkRecordInput(name: string, value: unknown): PodMetadata {
  if (!isObject(value)) throw new TypeError('a pod record must be an object');
  validatePodName(value.name);
  if (value.name !== name) {
    throw new TypeError(`a pod record stored as ${JSON.stringify(name)} must keep that name`);
  }
  for (const field of ['peers', 'spawnedChildren', 'pendingPeers'] as const) {
    const list = value[field];
    if (field === 'pendingPeers' && list === undefined) continue;
    if (!Array.isArray(list)) throw new TypeError(`pod record field ${field} must be an array`);
    for (const item of list) validatePodName(item);
  }
  for (const field of ['role', 'workspaceRoot'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') {
      throw new TypeError(`pod record field ${field} must be a string`);
    }
  }
  for (const key of Object.keys(value)) {
    // Known fields were checked above; anything else is the caller's and may nest.
    if (!KNOWN_FIELDS.has(key) && nestsDeeperThan(value[key], MAX_RECORD_DEPTH - 1)) {
      throw new PodmeshError(
        'invalid-argument',
        `the record of pod ${JSON.stringify(name)} nests deeper than ${MAX_RECORD_DEPTH} levels (or holds a cycle)`,
      );
    }
  }
  return normalizeRecord(value as PodMetadata);
}

/**
 * True when `value` nests objects and arrays deeper than `limit` (a cycle
 * always does). A walk with its own stack, so no value can overflow the call
 * stack here, as JSON.stringify and deepFreeze would on it later.
 */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (typeof entry.value !== 'object' || entry.value === null) continue;
    if (entry.depth > limit) return true;
    for (const child of Object.values(entry.value)) stack.push({ value: child, depth: entry.depth + 1 });
  }
  return false;
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Fields)[key]);
  }
  return value;
}

/** A record ready to store: its file text and the frozen record that text reads back as. */
export interface StoredRecord {
  readonly record: PodMetadata;
  /** Pretty JSON with a trailing newline. */
  readonly text: string;
}

// Shared by every record with no peers or children: 100,000 idle pods, 200,000 fewer arrays.
const NO_NAMES: readonly string[] = Object.freeze([]);
const frozenNames = (names: readonly string[]): readonly string[] =>
  names.length === 0 ? NO_NAMES : Object.freeze([...names]);

/**
 * Like {@link toStoredRecord} without the file text: the memory store's write
 * path. A record of known fields only is copied field by field; one with
 * unknown fields goes through JSON so it reads back as the file store's would.
 */
export function toFrozenRecord(name: string, value: unknown): PodMetadata {
  const record = checkRecordInput(name, value);
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) return deepFreeze(JSON.parse(JSON.stringify(record)) as PodMetadata);
  }
  return Object.freeze({
    name: record.name,
    ...(typeof record.role === 'string' ? { role: record.role } : {}),
    ...(typeof record.workspaceRoot === 'string' ? { workspaceRoot: record.workspaceRoot } : {}),
    peers: frozenNames(record.peers),
    spawnedChildren: frozenNames(record.spawnedChildren),
    ...(record.pendingPeers === undefined ? {} : { pendingPeers: frozenNames(record.pendingPeers) }),
  });
}

/**
 * Checks and normalises a caller's record for `name` ({@link checkRecordInput})
 * and turns it into its stored form. The record is a deeply frozen copy that
 * went through JSON, so every store returns exactly what the file store would
 * read back (fields holding `undefined` disappear, unknown fields stay).
 */
export function toStoredRecord(name: string, value: unknown): StoredRecord {
  const text = `${JSON.stringify(checkRecordInput(name, value), null, 2)}\n`;
  return { record: deepFreeze(JSON.parse(text) as PodMetadata), text };
}

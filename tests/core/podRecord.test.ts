import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CorruptMetadataError, InvalidPodNameError, PodmeshError } from '../../src/core/errors.js';
import {
  checkRecordInput,
  MAX_RECORD_DEPTH,
  normalizeRecord,
  parseRecord,
  recordProblem,
  toStoredRecord,
  validateRecord,
  withPeer,
  withPeers,
  withoutPeer,
} from '../../src/core/podRecord.js';

const podRecord = suite('podRecord');

const invalidName = (error: unknown): boolean => error instanceof InvalidPodNameError;
const typeError = (error: unknown): boolean => error instanceof TypeError;
const invalidArgument = (error: unknown): boolean => error instanceof PodmeshError && error.code === 'invalid-argument';

function corruptReason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.instance(error, CorruptMetadataError);
    return (error as CorruptMetadataError).reason;
  }
  assert.unreachable('expected CorruptMetadataError');
  return '';
}

podRecord('should sort peers in code-unit order and drop duplicates', () => {
  const record = normalizeRecord({ name: 'a', peers: ['b', 'Z', 'b', 'é', 'a1', 'Z'], spawnedChildren: [] });
  assert.equal(record.peers, ['Z', 'a1', 'b', 'é']);
});

podRecord('should keep spawned children in first-seen order without duplicates', () => {
  const record = normalizeRecord({ name: 'a', peers: [], spawnedChildren: ['z', 'b', 'z', 'a', 'b'] });
  assert.equal(record.spawnedChildren, ['z', 'b', 'a']);
});

podRecord('should keep unknown fields when normalising and parsing', () => {
  const text = JSON.stringify({ name: 'a', peers: ['c', 'b'], spawnedChildren: [], extra: { deep: [1, 2] }, note: 'x' });
  const record = parseRecord('a', text);
  assert.equal(record, { name: 'a', peers: ['b', 'c'], spawnedChildren: [], extra: { deep: [1, 2] }, note: 'x' });
});

podRecord('should parse a valid record with role and workspace root', () => {
  const text = JSON.stringify({ name: 'a', role: 'coder', workspaceRoot: '/w', peers: [], spawnedChildren: ['k'] });
  assert.equal(parseRecord('a', text), { name: 'a', role: 'coder', workspaceRoot: '/w', peers: [], spawnedChildren: ['k'] });
});

podRecord('should report unparsable text without quoting it', () => {
  const reason = corruptReason(() => parseRecord('a', '{"name":"a","token":"hunter2"'));
  assert.is(reason, 'not valid JSON');
  try {
    parseRecord('a', '{"token":"hunter2" oops}');
  } catch (error) {
    assert.not.match((error as Error).message, 'hunter2');
  }
});

podRecord('should ignore a leading byte-order mark, as the file store decoder does', () => {
  const text = '{"name":"p","peers":["b","a"],"spawnedChildren":[]}';
  assert.equal(parseRecord('p', `\ufeff${text}`), parseRecord('p', text));
  assert.throws(() => parseRecord('p', `\ufeff\ufeff${text}`), (error: unknown) => error instanceof CorruptMetadataError);
});

podRecord('should reject values that are not valid records', () => {
  const base = { name: 'a', peers: [], spawnedChildren: [] };
  const bad: unknown[] = [
    null,
    [],
    'a',
    42,
    { ...base, name: 'b' },
    { peers: [], spawnedChildren: [] },
    { ...base, peers: 'b' },
    { ...base, peers: undefined },
    { ...base, spawnedChildren: {} },
    { ...base, peers: ['../x'] },
    { ...base, peers: [1] },
    { ...base, spawnedChildren: ['a/b'] },
    { ...base, role: 5 },
    { ...base, role: null },
    { ...base, workspaceRoot: [] },
  ];
  for (const value of bad) {
    assert.type(recordProblem('a', value), 'string', JSON.stringify(value));
    corruptReason(() => validateRecord('a', value));
    corruptReason(() => parseRecord('a', JSON.stringify(value) ?? 'undefined'));
  }
  assert.is(recordProblem('a', base), undefined);
  assert.is(validateRecord('a', base), base);
});

podRecord('should name the pod but not the content in the error', () => {
  try {
    parseRecord('pod-1', JSON.stringify({ name: 'pod-1', peers: 'secret-value', spawnedChildren: [] }));
    assert.unreachable();
  } catch (error) {
    assert.instance(error, CorruptMetadataError);
    assert.is((error as CorruptMetadataError).pod, 'pod-1');
    assert.is((error as CorruptMetadataError).code, 'corrupt-metadata');
    assert.not.match((error as Error).message, 'secret-value');
  }
});

podRecord('should reject caller records with bad names as InvalidPodNameError', () => {
  assert.throws(() => checkRecordInput('a', { name: 'a', peers: ['..'], spawnedChildren: [] }), invalidName);
  assert.throws(() => checkRecordInput('a', { name: 'a', peers: [], spawnedChildren: ['a\nb'] }), invalidName);
  assert.throws(() => checkRecordInput('', { name: '', peers: [], spawnedChildren: [] }), invalidName);
});

podRecord('should reject caller records of the wrong shape or name as TypeError', () => {
  assert.throws(() => checkRecordInput('a', { name: 'b', peers: [], spawnedChildren: [] }), typeError);
  assert.throws(() => checkRecordInput('a', { name: 'a', peers: 'b', spawnedChildren: [] }), typeError);
  assert.throws(() => checkRecordInput('a', { name: 'a', peers: [] }), typeError);
  assert.throws(() => checkRecordInput('a', { name: 'a', role: 1, peers: [], spawnedChildren: [] }), typeError);
  assert.throws(() => checkRecordInput('a', null), typeError);
});

podRecord('should refuse caller records nested deeper than the store reads back, or holding a cycle', () => {
  const nested = (levels: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < levels; i += 1) value = i % 2 === 0 ? [value] : { inner: value };
    return value;
  };
  // The record is level 1, so its own field may hold 63 more levels: exactly what parseRecord accepts.
  const deepest = { name: 'a', peers: [], spawnedChildren: [], extra: nested(MAX_RECORD_DEPTH - 1) };
  const stored = toStoredRecord('a', deepest);
  assert.equal(parseRecord('a', stored.text), stored.record);
  const tooDeep = { name: 'a', peers: [], spawnedChildren: [], extra: nested(MAX_RECORD_DEPTH) };
  assert.throws(() => parseRecord('a', JSON.stringify(tooDeep)), (error: unknown) => error instanceof CorruptMetadataError);
  assert.throws(() => checkRecordInput('a', tooDeep), invalidArgument);
  // Far past the call stack: the same typed error, never a RangeError from JSON.stringify.
  assert.throws(() => toStoredRecord('a', { ...tooDeep, extra: nested(200_000) }), invalidArgument);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => checkRecordInput('a', { name: 'a', peers: [], spawnedChildren: [], cyclic }), invalidArgument);
});

podRecord('should turn a record into pretty JSON and a frozen copy that reads back the same', () => {
  const input = { name: 'a', role: undefined, peers: ['c', 'b', 'c'], spawnedChildren: [], extra: { x: [1] } };
  const stored = toStoredRecord('a', input);
  assert.ok(stored.text.endsWith('}\n'));
  assert.ok(stored.text.includes('\n  "peers": [\n'));
  assert.equal(stored.record, { name: 'a', peers: ['b', 'c'], spawnedChildren: [], extra: { x: [1] } });
  assert.equal(parseRecord('a', stored.text), stored.record);
  assert.ok(Object.isFrozen(stored.record));
  assert.ok(Object.isFrozen(stored.record.peers));
  assert.ok(Object.isFrozen((stored.record.extra as { x: number[] }).x));
  assert.not.ok(Object.isFrozen(input), 'the caller object stays mutable');
});

podRecord('should return the same record when a peer change changes nothing', () => {
  const record = { name: 'a', peers: ['b', 'd'], spawnedChildren: [] };
  assert.is(withPeer(record, 'b'), record);
  assert.is(withoutPeer(record, 'c'), record);
  assert.is(withPeers(record, ['d', 'b', 'd']), record);
  assert.equal(withPeer(record, 'c').peers, ['b', 'c', 'd']);
  assert.equal(withoutPeer(record, 'b').peers, ['d']);
  assert.equal(withPeers(record, ['z', 'a1', 'z']).peers, ['a1', 'z']);
  assert.throws(() => withPeers(record, ['ok', '..']), invalidName);
});

podRecord.run();

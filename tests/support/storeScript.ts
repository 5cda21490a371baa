/**
 * A store conformance script: one fixed sequence of calls through the
 * `PodMetadataStore` interface whose every result (or error class and code)
 * is logged, so two stores can be held to the same log — a new store against
 * the memory store, the reference of the contract (docs/behaviour.md §2).
 */
import type { PodMetadataStore } from '../../src/core/types.js';
import { INVALID_NAMES, pod } from './assertions.js';

type Step = readonly [label: string, call: (store: PodMetadataStore) => Promise<unknown>];

/** `value` with every object's keys in sorted order: stores may order a record's fields differently. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]));
}

/** What a call came to, as comparable data. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  try {
    const value = await call;
    return { ok: value === undefined ? null : sortedKeys(JSON.parse(JSON.stringify(value))) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { error: error instanceof Error ? error.constructor.name : typeof error, ...(typeof code === 'string' ? { code } : {}) };
  }
}

const STEPS: readonly Step[] = [
  ['read missing', (s) => s.read('a')],
  ['update missing', (s) => s.update('a', (r) => ({ ...r, role: 'x' }))],
  ['addPeer missing', (s) => s.addPeer('a', 'b')],
  ['removePeer missing', (s) => s.removePeer('a', 'b')],
  ['setPeers missing', (s) => s.setPeers('a', ['b'])],
  ['listNames empty', (s) => s.listNames()],
  ['delete missing', (s) => s.delete('a')],
  ['write a', (s) => s.write(pod('a', { role: 'coder', workspaceRoot: '/w', peers: ['c', 'b', 'c'], spawnedChildren: ['k', 'k'] }))],
  ['read a', (s) => s.read('a')],
  ['write b with unknown fields', (s) => s.write({ ...pod('b'), custom: { keep: [1, 'x', null] }, flag: false, gone: undefined })],
  ['read b', (s) => s.read('b')],
  ['addPeer b z', (s) => s.addPeer('b', 'z')],
  ['addPeer b y', (s) => s.addPeer('b', 'y')],
  ['addPeer b y again', (s) => s.addPeer('b', 'y')],
  ['removePeer b q', (s) => s.removePeer('b', 'q')],
  ['removePeer b z', (s) => s.removePeer('b', 'z')],
  ['update b role', (s) => s.update('b', (r) => ({ ...r, role: 'reviewer' }))],
  ['update b same', (s) => s.update('b', (r) => r)],
  ['update b renamed', (s) => s.update('b', (r) => ({ ...r, name: 'c' }))],
  ['update b bad peer', (s) => s.update('b', (r) => ({ ...r, peers: ['..'] }))],
  ['update b throws', (s) => s.update('b', () => { throw new RangeError('fn failed'); })],
  ['update b pending', (s) => s.update('b', (r) => ({ ...r, pendingPeers: ['m'] }))],
  ['setPeers b', (s) => s.setPeers('b', ['d', 'b2', 'd'])],
  ['read b after', (s) => s.read('b')],
  ['write B', (s) => s.write(pod('B'))],
  ['write a.b', (s) => s.write(pod('a.b', { peers: ['a b', '*'] }))],
  ['write a b', (s) => s.write(pod('a b'))],
  ['write *', (s) => s.write(pod('*'))],
  ['write >', (s) => s.write(pod('>'))],
  ['listNames', (s) => s.listNames()],
  ['delete a', (s) => s.delete('a')],
  ['delete a again', (s) => s.delete('a')],
  ['read a deleted', (s) => s.read('a')],
  ['update a deleted', (s) => s.update('a', (r) => r)],
  ['write a again', (s) => s.write(pod('a', { peers: ['x'] }))],
  ['read a again', (s) => s.read('a')],
  ['self-named peer list', (s) => s.write(pod('s', { peers: ['s'] }))],
  ['read s', (s) => s.read('s')],
  ['write deep', (s) => s.write({ ...pod('deep'), nest: JSON.parse('['.repeat(70) + ']'.repeat(70)) })],
  ['listNames end', (s) => s.listNames()],
  ...INVALID_NAMES.flatMap((bad): Step[] => [
    [`read ${JSON.stringify(bad)}`, (s) => s.read(bad)],
    [`write ${JSON.stringify(bad)}`, (s) => s.write(pod(bad))],
    [`write peer ${JSON.stringify(bad)}`, (s) => s.write(pod('ok', { peers: [bad] }))],
    [`update ${JSON.stringify(bad)}`, (s) => s.update(bad, (r) => r)],
    [`addPeer ${JSON.stringify(bad)}`, (s) => s.addPeer('a', bad)],
    [`setPeers ${JSON.stringify(bad)}`, (s) => s.setPeers('a', ['b', bad])],
    [`delete ${JSON.stringify(bad)}`, (s) => s.delete(bad)],
  ]),
  ['listNames after invalid', (s) => s.listNames()],
];

/** Runs the script on `store` (empty at the start) and returns one `label → outcome` line per call. */
export async function runStoreScript(store: PodMetadataStore): Promise<string[]> {
  const log: string[] = [];
  for (const [label, call] of STEPS) log.push(`${label} → ${JSON.stringify(await outcome(call(store)))}`);
  return log;
}

import { readPeerPair } from './readPeerPair.js';
import { errorLine } from '../../core/text.js';
import { podmeshErrorCode, MissingPodError } from '../../core/errors.js';
import { holdsPeer, withoutPeer, withoutPendingPeer, withPeer, withPendingPeer } from '../../core/podRecord.js';
import type { PeerEnsureResult, PeerRelation, PodMetadataStore } from '../../core/types.js';
import type { PeerEnsureMode } from '../../machines/discoveryMachine.js';

/**
 * Writes the relation of `self` and `peer` in four steps, each one atomic
 * write, ordered so that a crash after any of them leaves a state the next
 * ensure or start of either pod can finish (docs/behaviour.md §4):
 * 1. mark the relation as pending in `self`;
 * 2. add `self` to `peer`, marked pending there too;
 * 3. add `peer` to `self` and clear `self`'s mark;
 * 4. clear `peer`'s mark.
 * Only after step 2 and before step 3 is the relation one-sided, and then both
 * records carry the mark. Steps that change nothing write nothing.
 */
async function writeRelation(store: PodMetadataStore, self: string, peer: string): Promise<void> {
  await store.update(self, (record) => withPendingPeer(record, peer));
  try {
    await store.update(peer, (record) => withPendingPeer(withPeer(record, self), self));
  } catch (error) {
    // Nothing of the relation was written yet: take the mark back, keep the error.
    await store.update(self, (record) => withoutPendingPeer(record, peer)).catch(() => undefined);
    throw error;
  }
  await store.update(self, (record) => withoutPendingPeer(withPeer(record, peer), peer));
  await store.update(peer, (record) => withoutPendingPeer(record, self));
}

/**
 * Makes `self` and `peer` hold each other in their records, only when both
 * exist (docs/behaviour.md §4). Writes nothing when both already do, repairs a
 * one-directional relation, never looks at liveness. A missing peer gives
 * `null` in `ensure` mode and `MissingPodError` in `register` mode. If the
 * first write on the peer's side fails, nothing of the relation is left
 * behind and the error is thrown; a later failure leaves marks that the next
 * ensure or start finishes.
 */
export async function ensureExistingPeer(
  store: PodMetadataStore,
  self: string,
  peer: string,
  mode: PeerEnsureMode = 'ensure',
): Promise<PeerRelation | null> {
  const { source, target } = await readPeerPair(store, self, peer);
  if (target === null) {
    if (mode === 'register') throw new MissingPodError(peer);
    // A relation started with a pod that is gone now: it can only be none.
    if (source.pendingPeers?.includes(peer) === true) await dropRelation(store, self, peer);
    return null;
  }
  const sourceHolds = holdsPeer(source, peer);
  const targetHolds = holdsPeer(target, self);
  // One side holds the other already: one write completes it, and a crash before that write leaves the
  // relation as it was. Neither does: the marked four-step write, so no crash leaves it half-made unseen.
  if (sourceHolds && !targetHolds) await completeSide(store, peer, self);
  else if (targetHolds && !sourceHolds) await completeSide(store, self, peer);
  else if (!sourceHolds && !targetHolds) await writeRelation(store, self, peer);
  return { source: self, peer };
}

/** Adds `other` to `name`'s peers and clears a mark of that relation, in one write. */
async function completeSide(store: PodMetadataStore, name: string, other: string): Promise<void> {
  await store.update(name, (record) => withoutPendingPeer(withPeer(record, other), other));
}

/** Removes a relation that cannot be made (the other pod has no record): none is left. */
async function dropRelation(store: PodMetadataStore, self: string, peer: string): Promise<void> {
  await store.update(self, (record) => withoutPendingPeer(withoutPeer(record, peer), peer));
}

/**
 * Finishes every relation an interrupted ensure left pending in `name`'s
 * record: made reciprocal when the other pod exists, dropped when it does
 * not. What a pod's start runs, so a crash between an ensure's writes never
 * leaves a one-sided relation past the next start of either pod. Returns the
 * peers it looked at.
 */
export async function repairPendingRelations(store: PodMetadataStore, name: string): Promise<string[]> {
  const record = await store.read(name);
  const pending = record?.pendingPeers ?? [];
  for (const peer of pending) {
    if ((await store.read(peer)) === null) await dropRelation(store, name, peer);
    else await writeRelation(store, name, peer);
  }
  return [...pending];
}

/** {@link ensureExistingPeer} as data: what actors pass on, so failure has one shape from here to the hook's result. */
export async function ensurePeerResult(
  store: PodMetadataStore,
  self: string,
  peer: string,
  mode: PeerEnsureMode = 'ensure',
): Promise<PeerEnsureResult> {
  try {
    const relation = await ensureExistingPeer(store, self, peer, mode);
    return relation === null ? { type: 'peer-missing' } : { type: 'ensured', relation };
  } catch (error) {
    const code = podmeshErrorCode(error);
    return { type: 'failed', error: errorLine(error), ...(code === undefined ? {} : { code }) };
  }
}

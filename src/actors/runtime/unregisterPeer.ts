import { readPeerPair } from './readPeerPair.js';
import { StateMissingError } from '../../core/errors.js';
import { withoutPeer, withoutPendingPeer, withPendingPeer } from '../../core/podRecord.js';
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';

/** What `discovery(self).unregisterPeer(peer)` did: `removed` is false when neither record held the relation. */
export interface PeerUnregistration {
  readonly source: string;
  readonly peer: string;
  readonly removed: boolean;
}

/** `record` names `other` as a peer or as a relation being made (a pending mark). */
export function listsPeer(record: PodMetadata, other: string): boolean {
  return record.peers.includes(other) || record.pendingPeers?.includes(other) === true;
}

/** `record` without `other` as a peer and without a mark of that relation. */
export function withoutRelation(record: PodMetadata, other: string): PodMetadata {
  return withoutPendingPeer(withoutPeer(record, other), other);
}

/**
 * Removes the peer relation of `self` and `peer` from both records
 * (docs/behaviour.md §4), in three steps, each one atomic write:
 * 1. mark the relation as pending in `self` (only if `self` lists `peer`);
 * 2. remove `self` from `peer` (its peers and any mark);
 * 3. remove `peer` from `self`, mark included.
 *
 * Why this order: a relation that only one record lists lets that record's pod
 * notify the other (visibility reads the sender's record only), so whichever
 * side is cleared first, the other could go on delivering. Step 1 closes that
 * door first: a peer marked pending is not visible, so from step 1 on `self`
 * cannot deliver to `peer`, and from step 2 on `peer` cannot deliver to `self`.
 * A crash after step 1 leaves the relation whole with a mark; after step 2 a
 * one-sided relation marked on the only side that holds it. Either way no notice
 * is honoured on a one-sided relation, the next `unregisterPeer` of the pair
 * finishes the removal, and a start or ensure in the meantime makes the relation
 * whole again (what a mark means, §4): the removal is then undone, never half done.
 *
 * A `peer` without a record has `peer` removed from `self` alone (a relation
 * with a pod that is gone). Names are checked before any I/O; a missing `self`
 * is `StateMissingError`; a corrupt record on either side rejects before any
 * write.
 */
export async function unregisterPeer(store: PodMetadataStore, self: string, peer: string): Promise<PeerUnregistration> {
  const { source, target } = await readPeerPair(store, self, peer);
  const removed = listsPeer(source, peer) || (target !== null && listsPeer(target, self));
  if (!removed) return { source: self, peer, removed };
  if (target !== null) {
    await store.update(self, (record) => (record.peers.includes(peer) ? withPendingPeer(record, peer) : record));
    await store.update(peer, (record) => withoutRelation(record, self)).catch((error: unknown) => {
      // Gone since it was read: nothing of it is left to clear.
      if (!(error instanceof StateMissingError)) throw error;
    });
  }
  await store.update(self, (record) => withoutRelation(record, peer));
  return { source: self, peer, removed };
}

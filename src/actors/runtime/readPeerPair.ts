import { SelfPeerError, StateMissingError } from '../../core/errors.js';
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';

/**
 * The two records a relation change works on, read once: names checked
 * before any I/O, `self` peering with itself is `SelfPeerError`, a missing
 * `self` is `StateMissingError`; `target` is null when `peer` has no record.
 * Both reads are in flight together (one round trip, not two, on a networked
 * store), and the failures keep their order: `self`'s error comes first.
 */
export async function readPeerPair(store: PodMetadataStore, self: string, peer: string): Promise<{ source: PodMetadata; target: PodMetadata | null }> {
  validatePodName(self);
  validatePodName(peer);
  if (peer === self) throw new SelfPeerError(self);
  const [source, target] = await Promise.allSettled([store.read(self), store.read(peer)]);
  if (source.status === 'rejected') throw source.reason;
  if (source.value === null) throw new StateMissingError(self);
  if (target.status === 'rejected') throw target.reason;
  return { source: source.value, target: target.value };
}

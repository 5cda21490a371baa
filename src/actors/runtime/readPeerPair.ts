import { SelfPeerError, StateMissingError } from '../../core/errors.js';
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';

/**
 * The two records a relation change works on, read once: names checked
 * before any I/O, `self` peering with itself is `SelfPeerError`, a missing
 * `self` is `StateMissingError`; `target` is null when `peer` has no record.
 */
export async function readPeerPair(store: PodMetadataStore, self: string, peer: string): Promise<{ source: PodMetadata; target: PodMetadata | null }> {
  validatePodName(self);
  validatePodName(peer);
  if (peer === self) throw new SelfPeerError(self);
  const source = await store.read(self);
  if (source === null) throw new StateMissingError(self);
  return { source, target: await store.read(peer) };
}

/**
 * The peer methods every store shares, built from the store's own `update`.
 */
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';
import { withPeer, withPeers, withoutPeer } from '../../core/podRecord.js';

/**
 * `update`, `addPeer`, `removePeer` and `setPeers` of a store, from its own
 * `update`. Names are validated here, before the store touches anything.
 * `peek`, a cheap unlocked read, lets a peer change that changes nothing skip
 * `update` (and its lock): the read is a valid moment for it to take effect,
 * as records are replaced atomically — the usual case being an ensure on a
 * pair that already holds each other.
 */
export function recordMethods(
  update: (name: string, fn: (record: PodMetadata) => PodMetadata) => PodMetadata | Promise<PodMetadata>,
  peek?: (name: string) => Promise<PodMetadata | null>,
): Pick<PodMetadataStore, 'update' | 'addPeer' | 'removePeer' | 'setPeers'> {
  /** Applies `change` like `update`; true when it returned a new record (which was then stored). */
  const changes = async (name: string, change: (record: PodMetadata) => PodMetadata): Promise<boolean> => {
    if (peek !== undefined) {
      const current = await peek(name);
      if (current !== null && change(current) === current) return false;
    }
    let changed = false;
    await update(name, (record) => {
      const next = change(record);
      changed = next !== record;
      return next;
    });
    return changed;
  };
  return {
    async update(name, fn) {
      validatePodName(name);
      return update(name, fn);
    },
    async addPeer(name, peer) {
      validatePodName(name);
      validatePodName(peer);
      return changes(name, (record) => withPeer(record, peer));
    },
    async removePeer(name, peer) {
      validatePodName(name);
      validatePodName(peer);
      return changes(name, (record) => withoutPeer(record, peer));
    },
    async setPeers(name, peers) {
      validatePodName(name);
      for (const peer of peers) validatePodName(peer);
      await update(name, (record) => withPeers(record, peers));
    },
  };
}

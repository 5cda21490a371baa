import type { PodMetadata, PodMetadataStore } from '../../src/core/types.js';

/** Which calls of a {@link spyStore} fail, by method and record name. */
export interface FailurePlan {
  /** Throw from these methods when called for these names (e.g. `{ addPeer: ['yoi'] }`). */
  fail?: Partial<Record<keyof PodMetadataStore, readonly string[]>>;
  error?: () => Error;
}

/** A store wrapper that counts mutating calls that changed something and fails on demand. */
export interface SpyStore extends PodMetadataStore {
  /** Mutations that reached the inner store, as `method:name`. */
  readonly writes: string[];
  readonly plan: FailurePlan;
}

/** Wraps `inner`; the seam is ours (PodMetadataStore), so a test double is fair here. */
export function spyStore(inner: PodMetadataStore, plan: FailurePlan = {}): SpyStore {
  const writes: string[] = [];
  const check = (method: keyof PodMetadataStore, name: string): void => {
    if (plan.fail?.[method]?.includes(name)) throw plan.error?.() ?? new Error(`injected ${method} failure for ${name}`);
  };
  return {
    writes,
    plan,
    async read(name) {
      check('read', name);
      return inner.read(name);
    },
    async write(record: PodMetadata) {
      check('write', record.name);
      writes.push(`write:${record.name}`);
      return inner.write(record);
    },
    async update(name, fn) {
      check('update', name);
      let changed = false;
      const result = await inner.update(name, (current) => {
        const next = fn(current);
        changed = next !== current;
        return next;
      });
      if (changed) writes.push(`update:${name}`);
      return result;
    },
    async addPeer(name, peer) {
      check('addPeer', name);
      const changed = await inner.addPeer(name, peer);
      if (changed) writes.push(`addPeer:${name}`);
      return changed;
    },
    async removePeer(name, peer) {
      check('removePeer', name);
      const changed = await inner.removePeer(name, peer);
      if (changed) writes.push(`removePeer:${name}`);
      return changed;
    },
    async setPeers(name, peers) {
      check('setPeers', name);
      writes.push(`setPeers:${name}`);
      return inner.setPeers(name, peers);
    },
    listNames: () => inner.listNames(),
    async delete(name) {
      check('delete', name);
      writes.push(`delete:${name}`);
      return inner.delete(name);
    },
  };
}

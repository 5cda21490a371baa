import type { PodMetadataStore } from '../core/types.js';

/** A store that counts its writes and fails its next mutation on demand. */
export interface FaultyStore extends PodMetadataStore {
  /**
   * The next mutating call (write, update, addPeer, removePeer, setPeers, delete)
   * throws; with `after`, the one after `after` more have reached the inner store
   * (to stop an operation between two of its writes, as a crash would).
   */
  failNextWrite(after?: number): void;
  /** Mutating calls that reached the inner store (including ones that changed nothing). */
  readonly writes: number;
}

/** Wraps `inner` with an injectable write failure, for simulations and tests. */
export function createFaultyStore(inner: PodMetadataStore): FaultyStore {
  // Mutating calls still let through before the armed failure; -1 when none is armed.
  let failIn = -1;
  let writes = 0;
  const mutate = <T>(run: () => Promise<T>): Promise<T> => {
    if (failIn === 0) {
      failIn = -1;
      return Promise.reject(new Error('EIO: injected store write failure'));
    }
    if (failIn > 0) failIn -= 1;
    writes += 1;
    return run();
  };
  return {
    get writes() {
      return writes;
    },
    failNextWrite: (after = 0) => void (failIn = Math.max(0, Math.trunc(after))),
    read: (name) => inner.read(name),
    ...(inner.readNow === undefined ? {} : { readNow: inner.readNow.bind(inner) }),
    listNames: () => inner.listNames(),
    write: (record) => mutate(() => inner.write(record)),
    update: (name, fn) => mutate(() => inner.update(name, fn)),
    addPeer: (name, peer) => mutate(() => inner.addPeer(name, peer)),
    removePeer: (name, peer) => mutate(() => inner.removePeer(name, peer)),
    setPeers: (name, peers) => mutate(() => inner.setPeers(name, peers)),
    delete: (name) => mutate(() => inner.delete(name)),
  };
}

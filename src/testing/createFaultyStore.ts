import type { PodMetadataStore } from '../core/types.js';

/** A store that counts its writes and fails its next mutation on demand. */
export interface FaultyStore extends PodMetadataStore {
  /** The next mutating call (write, update, addPeer, removePeer, setPeers, delete) throws. */
  failNextWrite(): void;
  /** Mutating calls that reached the inner store (including ones that changed nothing). */
  readonly writes: number;
}

/** Wraps `inner` with an injectable write failure, for simulations and tests. */
export function createFaultyStore(inner: PodMetadataStore): FaultyStore {
  let failNext = false;
  let writes = 0;
  const mutate = <T>(run: () => Promise<T>): Promise<T> => {
    if (failNext) {
      failNext = false;
      return Promise.reject(new Error('EIO: injected store write failure'));
    }
    writes += 1;
    return run();
  };
  return {
    get writes() {
      return writes;
    },
    failNextWrite: () => void (failNext = true),
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

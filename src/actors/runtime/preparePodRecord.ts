import { MissingPodError, StateMissingError } from '../../core/errors.js';
import type { PodMetadataStore } from '../../core/types.js';
import { repairPendingRelations } from './ensureExistingPeer.js';

/** What `spawnPod` is asked to start. */
export interface SpawnPodOptions {
  readonly name: string;
  readonly role?: string;
  readonly workspaceRoot?: string;
  /** A pod that records this one as a spawned child; it must have a record. */
  readonly parent?: string;
}

/**
 * Creates the record of a pod being spawned, or refreshes it (docs/behaviour.md §3): an
 * existing record keeps its peers and children, `role` and `workspaceRoot`
 * change only when given; a `parent` must have a record and gets the pod as a
 * spawned child; relations an interrupted ensure left pending are finished
 * (docs/behaviour.md §4). Names are validated by the caller.
 */
export async function preparePodRecord(store: PodMetadataStore, { name, role, workspaceRoot, parent }: SpawnPodOptions): Promise<void> {
  // Spawning 100,000 pods reads 100,000 records: a store that can read without a promise does.
  const read = (pod: string) => (store.readNow === undefined ? store.read(pod) : store.readNow(pod));
  if (parent !== undefined && (await read(parent)) === null) throw new MissingPodError(parent);
  const existing = await read(name);
  if (existing === null) {
    await store.write({
      name,
      ...(role === undefined ? {} : { role }),
      ...(workspaceRoot === undefined ? {} : { workspaceRoot }),
      peers: [],
      spawnedChildren: [],
    });
  } else if ((role !== undefined && role !== existing.role) || (workspaceRoot !== undefined && workspaceRoot !== existing.workspaceRoot)) {
    await store.update(name, (record) => ({
      ...record,
      ...(role === undefined ? {} : { role }),
      ...(workspaceRoot === undefined ? {} : { workspaceRoot }),
    }));
  }
  if (parent !== undefined) {
    await store
      .update(parent, (record) => (record.spawnedChildren.includes(name) ? record : { ...record, spawnedChildren: [...record.spawnedChildren, name] }))
      .catch((error: unknown) => {
        // Removed since it was read: still the caller's missing parent, not a missing state of its own.
        throw error instanceof StateMissingError ? new MissingPodError(parent) : error;
      });
  }
  // A relation an ensure left half-made (it crashed between its writes) is finished now: a start never
  // runs with a one-sided relation of its own making.
  if (existing !== null && existing.pendingPeers !== undefined && existing.pendingPeers.length > 0) {
    await repairPendingRelations(store, name);
  }
}

import { CorruptMetadataError, PodmeshError, StateMissingError } from '../../core/errors.js';
import { withPendingPeer } from '../../core/podRecord.js';
import type { NoticeJournal, PodLiveness, PodMetadata, PodMetadataStore, PodTransport } from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';
import { pendingQueue } from '../../machines/podMachine.js';
import type { Diagnostics } from './createDiagnostics.js';
import type { PodSet } from './createPodSet.js';
import { listsPeer, withoutRelation } from './unregisterPeer.js';

/** Options of `runtime.removePod`. */
export interface RemovePodOptions {
  /** Remove the pod even though its journal (or this runtime) still holds notices it accepted; they are lost. */
  readonly discardNotices?: boolean;
}

/** What `runtime.removePod` did. */
export interface RemovedPod {
  readonly name: string;
  /** Records that no longer list the pod as a peer (or a relation being made), sorted. */
  readonly peersUpdated: string[];
  /** Records that no longer list the pod among their spawned children, sorted. */
  readonly parentsUpdated: string[];
  /** Accepted notices that were thrown away (only with `discardNotices`). */
  readonly noticesDiscarded: number;
}

/** What a removal needs from its runtime. */
export interface RemovePodDeps {
  readonly store: PodMetadataStore;
  readonly journal?: NoticeJournal;
  readonly diagnostics: Pick<Diagnostics, 'record'>;
  /** The runtime's own pods: a stopped one of them is forgotten, its queue counted. */
  readonly pods: Pick<PodSet, 'ref' | 'liveness' | 'forget'>;
  /** Reaches pods of other processes: one it reports live or unreachable is refused. */
  readonly transport?: Pick<PodTransport, 'probe'>;
}

/** The pod as this runtime runs it: its liveness and how many notices it queues; `undefined` when it does not. */
function heldHere({ pods }: RemovePodDeps, name: string): { readonly liveness: PodLiveness; readonly queued: number } | undefined {
  const ref = pods.ref(name);
  return ref === undefined ? undefined : { liveness: pods.liveness(ref), queued: pendingQueue(ref.getSnapshot().context).length };
}

const running = (name: string, live: PodLiveness, where: string): PodmeshError =>
  new PodmeshError(
    'pod-running',
    `pod ${JSON.stringify(name)} is ${live.status}${where}: stop it before removing it` +
      (live.status === 'unreachable' ? ' (an unreachable pod may still hold its socket)' : ''),
  );

/** The refusal of a pod this runtime runs, live or unreachable; a stopped actor of this runtime may go. */
function assertNotHeldLive(deps: RemovePodDeps, name: string): void {
  const held = heldHere(deps, name);
  if (held !== undefined && held.liveness.status !== 'stopped') throw running(name, held.liveness, ' in this runtime');
}

/**
 * Removes the durable record of a stopped pod (docs/behaviour.md §4, "Removing
 * pods and relations"). Refuses with `pod-running` a pod this runtime runs
 * (live or unreachable) or that its transport reports live or unreachable (a
 * pod of another process); a missing record is `StateMissingError`; notices
 * still queued for it (its journal's, or a stopped actor's of this runtime)
 * are `notices-pending` unless `discardNotices`. Then, each step one atomic
 * write so a crash anywhere leaves what the next `removePod` finishes:
 * 1. mark every relation of the pod as pending in its own record, so from now
 *    on no notice from it is honoured on a relation that is being taken apart;
 * 2. remove the pod from every other record that lists it as a peer, a
 *    relation being made or a spawned child (its own lists, and a scan of
 *    `listNames()` for one-sided leftovers);
 * 3. forget its journal; 4. delete its record, last.
 * A corrupt record met by the scan cannot list the pod readably and is
 * skipped with a warn diagnostic.
 */
export async function removePod(deps: RemovePodDeps, name: string, options: RemovePodOptions = {}): Promise<RemovedPod> {
  validatePodName(name);
  const { store, journal } = deps;
  assertNotHeldLive(deps, name);
  const record = await store.read(name);
  if (record === null) throw new StateMissingError(name);
  const held = heldHere(deps, name);
  if (held === undefined && deps.transport !== undefined) {
    const remote = await deps.transport.probe(name);
    if (remote !== undefined && remote.status !== 'stopped') throw running(name, remote, ' (served by another process)');
  }
  const queued = held?.queued ?? (journal === undefined ? 0 : (await journal.load(name)).queue.length);
  if (queued > 0 && options.discardNotices !== true) {
    throw new PodmeshError(
      'notices-pending',
      `pod ${name} still holds ${queued} accepted notice${queued === 1 ? '' : 's'} ${held === undefined ? 'in its journal' : 'in this runtime'}: start it to consume them, or discard them`,
    );
  }
  assertNotHeldLive(deps, name);
  deps.pods.forget(name);

  await store.update(name, (current) => current.peers.reduce(withPendingPeer, current));
  const { peers, parents, corrupt } = await relatedRecords(deps, record);
  const peersUpdated: string[] = [];
  const parentsUpdated: string[] = [];
  for (const other of [...new Set([...peers, ...parents])].sort()) {
    if (corrupt.has(other)) continue;
    await store
      .update(other, (current) => {
        let next = withoutRelation(current, name);
        if (next !== current) peersUpdated.push(other);
        if (next.spawnedChildren.includes(name)) {
          next = { ...next, spawnedChildren: next.spawnedChildren.filter((child) => child !== name) };
          parentsUpdated.push(other);
        }
        return next;
      })
      .catch((error: unknown) => {
        // Removed since the scan: it lists nothing any more.
        if (!(error instanceof StateMissingError)) throw error;
      });
  }
  await journal?.remove(name);
  await store.delete(name);
  return { name, peersUpdated, parentsUpdated, noticesDiscarded: queued };
}

/** The records that may list `record`'s pod: the ones it names, and any other the store holds that does. */
async function relatedRecords(
  deps: RemovePodDeps,
  record: PodMetadata,
): Promise<{ peers: Set<string>; parents: Set<string>; corrupt: Set<string> }> {
  const { name } = record;
  const peers = new Set<string>([...record.peers, ...(record.pendingPeers ?? [])]);
  const parents = new Set<string>();
  const corrupt = new Set<string>();
  for (const other of await deps.store.listNames()) {
    if (other === name) continue;
    let found: PodMetadata | null;
    try {
      found = await deps.store.read(other);
    } catch (error) {
      if (!(error instanceof CorruptMetadataError)) throw error;
      deps.diagnostics.record('warn', 'runtime', 'removing a pod skipped a corrupt record', { pod: other, outcome: `removing ${name}` });
      corrupt.add(other);
      continue;
    }
    if (found === null) continue;
    if (listsPeer(found, name)) peers.add(other);
    if (found.spawnedChildren.includes(name)) parents.add(other);
  }
  return { peers, parents, corrupt };
}

import { errorLine } from '../../core/text.js';
import { podmeshErrorCode, MissingPodError, SelfPeerError, StateMissingError } from '../../core/errors.js';
import type { PeerEnsureResult, PeerRelation, PodMetadataStore } from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';
import type { PeerEnsureMode } from '../../machines/discoveryMachine.js';

/**
 * Makes `self` and `peer` hold each other in their records, only when both
 * exist (docs/behaviour.md §4, steps 1–7). Writes nothing when both already do, repairs a
 * one-directional relation, never looks at liveness. A missing peer gives
 * `null` in `ensure` mode and `MissingPodError` in `register` mode. If the
 * write on the peer's side fails, the source's side is undone — only if this
 * call added it — and the error is thrown.
 */
export async function ensureExistingPeer(
  store: PodMetadataStore,
  self: string,
  peer: string,
  mode: PeerEnsureMode = 'ensure',
): Promise<PeerRelation | null> {
  validatePodName(self);
  validatePodName(peer);
  if (peer === self) throw new SelfPeerError(self);
  const source = await store.read(self);
  if (source === null) throw new StateMissingError(self);
  const heldBefore = source.peers.includes(peer);
  const target = await store.read(peer);
  if (target === null) {
    if (mode === 'register') throw new MissingPodError(peer);
    return null;
  }
  const added = await store.addPeer(self, peer);
  try {
    await store.addPeer(peer, self);
  } catch (error) {
    // Undo only our own change: a relation that held before stays, and a
    // concurrent update of the source record is not overwritten.
    if (added && !heldBefore) {
      await store.removePeer(self, peer).catch(() => undefined);
    }
    throw error;
  }
  return { source: self, peer };
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

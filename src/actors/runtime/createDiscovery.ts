import { CorruptMetadataError, NotVisibleError, StateMissingError } from '../../core/errors.js';
import type {
  PeerRelation,
  PodActivity,
  PodLiveness,
  PodMetadata,
  PodMetadataStore,
  PodStatus,
  Visibility,
  WeakNotifyOutcome,
} from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';
import { visibilityOf } from '../../core/visibilityOf.js';
import type { PeerEnsureMode } from '../../machines/discoveryMachine.js';
import type { DiagnosticFields } from './createDiagnostics.js';
import type { NotifyLivePeer, NotifyOptions } from './createWeakNotify.js';
import type { PeerUnregistration } from './unregisterPeer.js';

/** What `inspect` tells of one visible pod. */
export interface PodInspection {
  readonly name: string;
  readonly role?: string;
  readonly visibility: Visibility;
  readonly live: { readonly status: PodStatus; readonly activity?: PodActivity; readonly reason?: string };
}

/** One item of `listVisible`; an unreadable record is reported here, never thrown. */
export interface VisiblePod {
  readonly name: string;
  readonly visibility: Visibility;
  readonly state: 'readable' | 'missing' | 'corrupt';
  readonly live?: PodLiveness;
}

/** The view of one pod (`self`) on the workspace. It never enumerates the whole store. */
export interface PodDiscovery {
  readonly self: string;
  /** Makes `self` and `peer` hold each other when both exist; `null` when `peer` has no record. */
  ensureExistingPeer(peer: string): Promise<PeerRelation | null>;
  /** Like `ensureExistingPeer`, but a missing peer throws `MissingPodError`. */
  registerPeer(peer: string): Promise<PeerRelation>;
  /**
   * Removes the relation of `self` and `peer` from both records, ordered so no
   * crash leaves a one-sided relation that a notice could use (docs/behaviour.md §4);
   * `removed` is false when neither record held it. A `peer` without a record has
   * it removed from `self` only; a missing `self` is `StateMissingError`.
   */
  unregisterPeer(peer: string): Promise<PeerUnregistration>;
  /** Role, visibility and liveness of a pod visible from `self`. */
  inspect(name: string): Promise<PodInspection>;
  /** Every pod visible from `self`, sorted by name. */
  listVisible(): Promise<VisiblePod[]>;
  /**
   * Queues `message` in a live peer's buffer without starting a turn. Never
   * throws, spawns, starts or registers anything; the outcome names the reason.
   */
  sendWeakNotifyToLivePeer(peer: string, message: string, options?: { readonly fields?: DiagnosticFields }): Promise<WeakNotifyOutcome>;
  /**
   * The same checks and outcome, with the notice's `autoRun` chosen: `true`
   * queues it and asks the peer to run a turn (that is not a weak notify).
   */
  notifyLivePeer(peer: string, message: string, options?: NotifyOptions): Promise<WeakNotifyOutcome>;
  /** @deprecated Use {@link PodDiscovery.notifyLivePeer}. */
  sendNotifyToLivePeer(peer: string, message: string, options: { readonly autoRun: boolean }): Promise<WeakNotifyOutcome>;
}

/** What a discovery view needs from its runtime. */
export interface DiscoveryDeps {
  readonly store: PodMetadataStore;
  /** Liveness of any pod name; `stopped` when nothing serves it. */
  liveness(name: string): PodLiveness | Promise<PodLiveness>;
  /** Runs an ensure as an actor of the discovery actor; rejects with its typed error. */
  ensure(self: string, peer: string, mode: PeerEnsureMode): Promise<PeerRelation | null>;
  /** Removes the relation of `self` and `peer` (see `unregisterPeer.ts`); rejects once the runtime stopped. */
  unregister(self: string, peer: string): Promise<PeerUnregistration>;
  readonly notify: NotifyLivePeer;
}

async function readState(store: PodMetadataStore, name: string): Promise<VisiblePod['state']> {
  try {
    return (await store.read(name)) === null ? 'missing' : 'readable';
  } catch {
    return 'corrupt';
  }
}

/** The discovery view of `self` (docs/behaviour.md §4–5). Throws `InvalidPodNameError` for a bad `self`. */
export function createDiscovery(self: string, deps: DiscoveryDeps): PodDiscovery {
  validatePodName(self);
  const { store } = deps;
  const readSelf = (): Promise<PodMetadata | null> => store.read(self);
  const notifyLivePeer = (peer: string, message: string, options?: NotifyOptions): Promise<WeakNotifyOutcome> =>
    deps.notify(self, peer, message, options);

  return {
    self,
    ensureExistingPeer: (peer) => deps.ensure(self, peer, 'ensure'),
    registerPeer: async (peer) => (await deps.ensure(self, peer, 'register')) as PeerRelation,
    unregisterPeer: (peer) => deps.unregister(self, peer),
    async inspect(name) {
      validatePodName(name);
      let record: PodMetadata | null;
      let corrupt: unknown;
      try {
        record = await store.read(name);
        if (record === null) throw new StateMissingError(name);
      } catch (error) {
        if (!(error instanceof CorruptMetadataError)) throw error;
        record = null;
        corrupt = error;
      }
      const visibility = visibilityOf(self, name === self ? record : await readSelf(), name);
      if (visibility === undefined) throw new NotVisibleError(name, self);
      if (corrupt !== undefined || record === null) throw corrupt;
      const live = await deps.liveness(name);
      return {
        name,
        ...(record.role === undefined ? {} : { role: record.role }),
        visibility,
        live: {
          status: live.status,
          ...(live.activity === undefined ? {} : { activity: live.activity }),
          ...(live.reason === undefined ? {} : { reason: live.reason }),
        },
      };
    },
    async listVisible() {
      let record: PodMetadata | null;
      try {
        record = await readSelf();
      } catch {
        return [{ name: self, visibility: 'self', state: 'corrupt' }];
      }
      const names = new Set<string>([self, ...(record?.spawnedChildren ?? []), ...(record?.peers ?? [])]);
      const items: VisiblePod[] = [];
      for (const name of [...names].sort()) {
        const visibility = visibilityOf(self, record, name);
        if (visibility === undefined) continue;
        const state = await readState(store, name);
        items.push(state === 'readable' ? { name, visibility, state, live: await deps.liveness(name) } : { name, visibility, state });
      }
      return items;
    },
    sendWeakNotifyToLivePeer: (peer, message, options) =>
      notifyLivePeer(peer, message, options?.fields === undefined ? undefined : { fields: options.fields }),
    notifyLivePeer,
    sendNotifyToLivePeer: (peer, message, { autoRun }) => notifyLivePeer(peer, message, { autoRun }),
  };
}

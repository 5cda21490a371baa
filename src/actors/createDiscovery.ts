import { CorruptMetadataError, NotVisibleError, StateMissingError } from '../errors.js';
import type { PeerEnsureMode } from '../machines/discoveryMachine.js';
import { toDelivery, type VisibilityFact, type WeakNotifyFinalState, type WeakNotifyDetails, type WeakNotifyFact } from '../machines/weakNotifyMachine.js';
import { errorLine } from '../text.js';
import type {
  PeerRelation,
  PodActivity,
  PodLiveness,
  PodMetadata,
  PodMetadataStore,
  PodStatus,
  Visibility,
  WeakNotifyDelivery,
} from '../types.js';
import { isValidPodName, validatePodName } from '../validatePodName.js';
import { visibilityOf } from '../visibilityOf.js';
import type { DiagnosticFields, Diagnostics } from './createDiagnostics.js';
import type { WeakNotifyDecider } from './createWeakNotifyDecider.js';

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
  /** Role, visibility and liveness of a pod visible from `self`. */
  inspect(name: string): Promise<PodInspection>;
  /** Every pod visible from `self`, sorted by name. */
  listVisible(): Promise<VisiblePod[]>;
  /**
   * Queues `message` in a live peer's buffer without starting a turn. Never
   * throws, spawns, starts or registers anything; the outcome names the reason.
   */
  sendWeakNotifyToLivePeer(peer: string, message: string): Promise<WeakNotifyDelivery>;
  /**
   * The same checks and outcome, with the notice's `autoRun` chosen: `true`
   * queues it and asks the peer to run a turn (never a weak notify).
   */
  sendNotifyToLivePeer(peer: string, message: string, options: { readonly autoRun: boolean }): Promise<WeakNotifyDelivery>;
}

/** What a discovery view needs from its runtime. */
export interface DiscoveryDeps {
  readonly store: PodMetadataStore;
  readonly diagnostics: Diagnostics;
  readonly decider: WeakNotifyDecider;
  /** Liveness of any pod name; `stopped` when nothing serves it. */
  liveness(name: string): PodLiveness | Promise<PodLiveness>;
  /** Delivers a weak notice; returns once the target acknowledged it, throws otherwise. */
  deliver(name: string, message: string, autoRun: boolean): void | Promise<void>;
  /** Runs an ensure through the discovery actor. */
  requestEnsure(self: string, peer: string, mode: PeerEnsureMode): Promise<PeerRelation | null>;
  /** Reports a decision to the inspector; absent when nobody inspects. */
  readonly reportDecision?: (self: string, peer: string, delivery: WeakNotifyDelivery, state: WeakNotifyFinalState) => void;
  /** Largest accepted message, in UTF-8 bytes. */
  readonly maxMessageBytes: number;
}

/** The weak notify of SPEC §5, with optional extra diagnostic fields (the hook's ticket and event). */
export type WeakNotify = (
  self: string,
  peer: string,
  message: string,
  fields?: DiagnosticFields,
  autoRun?: boolean,
) => Promise<WeakNotifyDelivery>;

async function readState(store: PodMetadataStore, name: string): Promise<VisiblePod['state']> {
  try {
    return (await store.read(name)) === null ? 'missing' : 'readable';
  } catch {
    return 'corrupt';
  }
}

function messageProblem(message: unknown, maxBytes: number): string | undefined {
  if (typeof message !== 'string') return 'message is not a string';
  if (message.length * 3 > maxBytes && Buffer.byteLength(message, 'utf8') > maxBytes) {
    return `message is larger than ${maxBytes} bytes`;
  }
  return undefined;
}

/** The weak notify decision walked over the real store, liveness and transport. */
export function createWeakNotify(deps: DiscoveryDeps): WeakNotify {
  const { store, decider, diagnostics } = deps;
  return async (self, peer, message, fields, autoRun = false) => {
    const validPeer = isValidPodName(peer);
    let node = decider.root;
    let target: PodMetadata | null = null;
    let storeError: unknown;
    let visibility: VisibilityFact = 'none';
    const details: { -readonly [K in keyof WeakNotifyDetails]: WeakNotifyDetails[K] } = {};
    try {
      while (!node.final) {
        let fact: WeakNotifyFact;
        switch (node.state) {
          case 'resolvingTarget': {
            let exists = false;
            if (validPeer) {
              try {
                target = await store.read(peer);
                exists = target !== null;
              } catch (error) {
                // The record is there but unreadable: a store failure, reported after visibility.
                exists = true;
                storeError = error;
              }
            }
            fact = { type: 'fact.target', exists };
            break;
          }
          case 'resolvingVisibility': {
            try {
              const record = peer === self ? target : await store.read(self);
              visibility = visibilityOf(self, record, peer) ?? 'none';
            } catch (error) {
              visibility = 'unknown';
              storeError ??= error;
            }
            fact = { type: 'fact.visibility', visibility };
            break;
          }
          case 'checkingStore':
            fact = storeError === undefined ? { type: 'fact.store', ok: true } : { type: 'fact.store', ok: false };
            if (storeError !== undefined) details.error = errorLine(storeError);
            break;
          case 'checkingRelation':
            details.visibility = visibility;
            fact = { type: 'fact.relation', visibility };
            break;
          case 'checkingLiveness': {
            const live = await deps.liveness(peer);
            details.status = live.status;
            if (live.reason !== undefined) details.reason = errorLine(live.reason);
            fact = { type: 'fact.liveness', status: live.status };
            break;
          }
          case 'sending': {
            let accepted = false;
            const problem = messageProblem(message, deps.maxMessageBytes);
            if (problem !== undefined) details.error = problem;
            else {
              try {
                await deps.deliver(peer, message, autoRun);
                accepted = true;
              } catch (error) {
                details.error = errorLine(error);
              }
            }
            fact = { type: 'fact.sent', accepted };
            break;
          }
        }
        node = decider.step(node, fact);
      }
    } catch (error) {
      // Only a broken liveness probe or store double can get here; still an outcome, never a throw.
      details.error = errorLine(error);
      node = { final: true, state: 'sendFailed' };
    }
    const delivery = toDelivery(node.state, details);
    const quiet = delivery.type === 'delivered' || delivery.type === 'skipped-missing';
    diagnostics.record(quiet ? 'debug' : 'warn', 'notify', `${autoRun ? 'notify' : 'weak notify'} ${delivery.type}`, {
      ...fields,
      self,
      peer: validPeer ? peer : '(invalid name)',
      outcome: delivery.type,
      ...(details.error === undefined ? {} : { error: details.error }),
      ...(details.reason === undefined ? {} : { reason: details.reason }),
    });
    deps.reportDecision?.(self, peer, delivery, node.state);
    return delivery;
  };
}

/** The discovery view of `self` (SPEC §4–5). Throws `InvalidPodNameError` for a bad `self`. */
export function createDiscovery(self: string, deps: DiscoveryDeps, weakNotify: WeakNotify): PodDiscovery {
  validatePodName(self);
  const { store } = deps;

  const readSelf = async (): Promise<PodMetadata | null> => store.read(self);

  return {
    self,
    ensureExistingPeer: (peer) => deps.requestEnsure(self, peer, 'ensure'),
    registerPeer: async (peer) => (await deps.requestEnsure(self, peer, 'register')) as PeerRelation,
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
    sendWeakNotifyToLivePeer: (peer, message) => weakNotify(self, peer, message),
    sendNotifyToLivePeer: (peer, message, { autoRun }) => weakNotify(self, peer, message, undefined, autoRun),
  };
}

import { assertEvent, enqueueActions, fromPromise, setup, type AnyActorRef } from 'xstate';
import type { PartialWeakNotifyFacts, WeakNotifyFinalState } from '../core/decideWeakNotify.js';
import type { PeerEnsureResult, WeakNotifyOutcomeType } from '../core/types.js';

/** The system id of a runtime's discovery actor (`system.get(DISCOVERY_SYSTEM_ID)`). */
export const DISCOVERY_SYSTEM_ID = 'discovery';

/** `ensure` answers `peer-missing` for a peer without a record; `register` fails with `MissingPodError`. */
export type PeerEnsureMode = 'ensure' | 'register';

/** What an ensure is about. */
export interface PeerEnsureInput {
  readonly self: string;
  readonly peer: string;
  readonly mode: PeerEnsureMode;
}

/** A request to make `self` and `peer` hold each other; the answer goes to `replyTo` as `peer.ensured`. */
export interface PeerEnsureRequest extends PeerEnsureInput {
  readonly replyTo: AnyActorRef;
}

/** What an `ensurePeer` child finishes with: the answer and where it goes. */
export interface PeerEnsureReply {
  readonly replyTo: AnyActorRef;
  readonly result: PeerEnsureResult;
}

/** The answer a requester receives. */
export type PeerEnsuredEvent = { type: 'peer.ensured'; result: PeerEnsureResult };

/** One weak notify decision, reported so that an inspector sees every one with the path it took. */
export interface WeakNotifyDecidedEvent {
  readonly type: 'weakNotify.decided';
  readonly self: string;
  readonly peer: string;
  /** `true` for a notify that asked for a turn (the same rule decides it). */
  readonly autoRun: boolean;
  /** The final state that names the outcome. */
  readonly state: WeakNotifyFinalState;
  readonly outcome: WeakNotifyOutcomeType;
  /** States from the first check to the final one. */
  readonly path: readonly string[];
  /** The facts the decision saw (a fact it did not need is absent): why it ended where it did. */
  readonly facts: PartialWeakNotifyFacts;
  /** The ticket the notify was about, when its caller named one (a ticket lifecycle notice). */
  readonly ticket?: string;
}

/**
 * Weak notify decisions in the order they were made, several at once: the
 * runtime reports them in batches so that an inspector costs the notify path
 * one array push per decision, not one actor event.
 */
export interface WeakNotifyDecisionsEvent {
  readonly type: 'weakNotify.decisions';
  readonly decisions: readonly WeakNotifyDecidedEvent[];
}

/** Events of the discovery actor. */
export type DiscoveryEvent =
  | ({ type: 'peer.ensure' } & PeerEnsureRequest)
  | WeakNotifyDecidedEvent
  | WeakNotifyDecisionsEvent
  | { type: 'xstate.done.actor.*'; actorId: string; output: PeerEnsureReply | unknown }
  | { type: 'xstate.error.actor.*'; actorId: string; error: unknown };

function isReply(output: unknown): output is PeerEnsureReply {
  return typeof output === 'object' && output !== null && 'replyTo' in output && 'result' in output;
}

/**
 * The discovery actor owns peer ensures that actors ask for: each
 * `peer.ensure` event runs as its own `ensurePeer` child (so requests never
 * block each other), whose answer — always data, never a rejection — goes
 * back to the requester as `peer.ensured`. Weak notify decisions are reported
 * to it as `weakNotify.decisions` (batches of `weakNotify.decided`), so an
 * inspector sees every one.
 */
export const discoveryMachine = setup({
  types: {
    events: {} as DiscoveryEvent,
  },
  actors: {
    // Placeholder; the runtime provides the store-backed implementation.
    ensurePeer: fromPromise<PeerEnsureReply, PeerEnsureRequest>(async ({ input }) => ({
      replyTo: input.replyTo,
      result: { type: 'failed', error: 'ensurePeer is not provided' },
    })),
  },
  actions: {
    startEnsure: enqueueActions(({ enqueue, event }) => {
      assertEvent(event, 'peer.ensure');
      const { self, peer, mode, replyTo } = event;
      enqueue.spawnChild('ensurePeer', { input: { self, peer, mode, replyTo } });
    }),
    replyEnsured: enqueueActions(({ enqueue, event }) => {
      assertEvent(event, 'xstate.done.actor.*');
      // Done children stay in the snapshot unless stopped.
      enqueue.stopChild(event.actorId);
      const { output } = event;
      if (isReply(output)) enqueue.sendTo(output.replyTo, { type: 'peer.ensured', result: output.result } satisfies PeerEnsuredEvent);
    }),
  },
}).createMachine({
  id: 'discovery',
  initial: 'serving',
  states: {
    serving: {
      on: {
        'peer.ensure': { actions: 'startEnsure' },
        'xstate.done.actor.*': { actions: 'replyEnsured' },
        // An ensure a caller started (not a `peer.ensure`) rejects to that caller; the discovery actor carries on.
        'xstate.error.actor.*': {},
        // Nothing to do: the event itself is what an inspector shows.
        'weakNotify.decided': {},
        'weakNotify.decisions': {},
      },
    },
  },
});

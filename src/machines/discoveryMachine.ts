import { assertEvent, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { PeerRelation, WeakNotifyDeliveryType } from '../types.js';
import type { WeakNotifyFinalState } from './weakNotifyMachine.js';

/** `ensure` returns `null` for a missing peer; `register` fails with `MissingPodError`. */
export type PeerEnsureMode = 'ensure' | 'register';

/** A request to make `self` and `peer` hold each other (SPEC §4). */
export interface PeerEnsureRequest {
  readonly requestId: number;
  readonly self: string;
  readonly peer: string;
  readonly mode: PeerEnsureMode;
}

/** What an ensure came to; a failure carries the typed error it threw. */
export type PeerEnsureResult =
  | { readonly requestId: number; readonly ok: true; readonly relation: PeerRelation | null }
  | { readonly requestId: number; readonly ok: false; readonly error: unknown };

/** Events of the discovery actor. */
export type DiscoveryEvent =
  | ({ type: 'peer.ensure' } & PeerEnsureRequest)
  | { type: 'weakNotify.decided'; self: string; peer: string; state: WeakNotifyFinalState; outcome: WeakNotifyDeliveryType }
  | { type: 'xstate.done.actor.*'; output: PeerEnsureResult };

/** Emitted once per finished ensure. */
export type DiscoveryEmitted = { type: 'peer.ensured'; result: PeerEnsureResult };

const ENSURE_PREFIX = 'ensure.';

/**
 * The discovery actor owns peer ensure and register: each `peer.ensure`
 * request runs as its own `ensurePeer` child (so requests never block each
 * other) and its result is emitted as `peer.ensured`. Weak notify decisions
 * are reported to it as `weakNotify.decided`, so an inspector sees every one
 * with the final state that names its outcome.
 */
export const discoveryMachine = setup({
  types: {
    events: {} as DiscoveryEvent,
    emitted: {} as DiscoveryEmitted,
  },
  actors: {
    // Placeholder; the runtime provides the store-backed implementation.
    ensurePeer: fromPromise<PeerEnsureResult, PeerEnsureRequest>(async ({ input }) => ({
      requestId: input.requestId,
      ok: false,
      error: new Error('ensurePeer is not provided'),
    })),
  },
  actions: {
    startEnsure: enqueueActions(({ enqueue, event }) => {
      assertEvent(event, 'peer.ensure');
      const { requestId, self, peer, mode } = event;
      enqueue.spawnChild('ensurePeer', { id: `${ENSURE_PREFIX}${requestId}`, input: { requestId, self, peer, mode } });
    }),
    finishEnsure: enqueueActions(({ enqueue, event }) => {
      assertEvent(event, 'xstate.done.actor.*');
      // Done children stay in the snapshot unless stopped.
      enqueue.stopChild(`${ENSURE_PREFIX}${event.output.requestId}`);
      enqueue(emit({ type: 'peer.ensured', result: event.output }));
    }),
  },
}).createMachine({
  id: 'discovery',
  initial: 'serving',
  states: {
    serving: {
      on: {
        'peer.ensure': { actions: 'startEnsure' },
        'xstate.done.actor.*': { actions: 'finishEnsure' },
        // Nothing to do: the event itself is what an inspector shows.
        'weakNotify.decided': {},
      },
    },
  },
});

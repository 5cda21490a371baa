import { assertEvent, assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { PeerEnsureResult, PeerRelation, WeakNotifyOutcome } from '../core/types.js';
import { DISCOVERY_SYSTEM_ID, type PeerEnsuredEvent, type PeerEnsureRequest } from './discoveryMachine.js';

/** What ensuring the companion peer came to, as the hook reports it. */
export type PeerEnsureOutcome =
  | { readonly type: 'ensured'; readonly relation: PeerRelation }
  | { readonly type: 'companion-missing' }
  | { readonly type: 'failed'; readonly error: string; readonly code?: string };

/** One explicit ticket lifecycle event, with its notice already built. */
export interface TicketLifecycleEvent {
  readonly ticket: string;
  readonly kind: string;
  readonly notice: string;
}

/** Input of the `notifyCompanion` actor. */
export interface NotifyCompanionInput {
  readonly self: string;
  readonly companion: string;
  readonly event: TicketLifecycleEvent;
}

/** Facts about one ensure, handed to the `reportEnsure` action. */
export interface EnsureReport {
  readonly companion: string;
  readonly ensure: PeerEnsureOutcome;
  /** The event that asked for it; absent for the ensure at start. */
  readonly event?: TicketLifecycleEvent;
}

/** Who the orchestrator is and which companion it notifies. */
export interface OrchestratorInput {
  readonly self: string;
  readonly companion: string;
}

/** JSON-safe context: the events waiting, the one being handled, and what the ensures came to. */
export interface OrchestratorContext extends OrchestratorInput {
  readonly pending: readonly TicketLifecycleEvent[];
  readonly current?: TicketLifecycleEvent;
  /** What the ensure at start came to. */
  readonly installed?: PeerEnsureOutcome;
  /** What the ensure for the current event came to. */
  readonly ensure?: PeerEnsureOutcome;
}

/** A lifecycle event to handle, and the discovery actor's answers to its `peer.ensure` requests. */
export type OrchestratorEvent = { type: 'ticket.lifecycle'; event: TicketLifecycleEvent } | PeerEnsuredEvent;

/** What the hook did for one lifecycle event: the event, its notice, the ensure and the weak notify's outcome. */
export interface HookResult extends TicketLifecycleEvent {
  readonly ensure: PeerEnsureOutcome;
  readonly delivery: WeakNotifyOutcome;
}

/** Emitted when the ensure at start finished, and when one lifecycle event has been handled. */
export type OrchestratorEmitted =
  | { type: 'orchestrator.installed'; ensure: PeerEnsureOutcome }
  | ({ type: 'ticket.handled'; event: TicketLifecycleEvent } & HookResult);

/** The hook's words for the discovery actor's answer: a missing peer is the companion. */
export function companionEnsure(result: PeerEnsureResult): PeerEnsureOutcome {
  return result.type === 'peer-missing' ? { type: 'companion-missing' } : result;
}

// The notify actor never rejects; a rejection means a broken custom actor. Its
// message may hold anything (a stack, a path), so only the error's class name leaves.
const describe = (error: unknown): string => `${error instanceof Error ? error.name : typeof error} from a rejected actor`;

/**
 * The orchestrator's ticket hook (docs/behaviour.md §6). At start it asks the
 * discovery actor to ensure the companion peer; then for each lifecycle
 * event, in arrival order, it asks again (a `peer.ensure` event, answered by
 * `peer.ensured`) and runs the weak notify (`notifyCompanion`, provided by the
 * tickets domain), whose outcome it emits with the event as `ticket.handled`.
 * It never spawns or starts a pod.
 */
export const orchestratorMachine = setup({
  types: {
    input: {} as OrchestratorInput,
    context: {} as OrchestratorContext,
    events: {} as OrchestratorEvent,
    emitted: {} as OrchestratorEmitted,
  },
  actors: {
    notifyCompanion: fromPromise<WeakNotifyOutcome, NotifyCompanionInput>(async () => ({
      type: 'send-failed',
      error: 'notifyCompanion is not provided',
    })),
  },
  actions: {
    queueEvent: assign(({ context, event }) => {
      assertEvent(event, 'ticket.lifecycle');
      return { pending: [...context.pending, event.event] };
    }),
    takeNextEvent: assign(({ context }) => ({
      current: context.pending[0],
      pending: context.pending.slice(1),
      ensure: undefined,
    })),
    // Resolve the target first: `sendTo` an absent actor would deliver the request to ourselves.
    requestPeerEnsure: enqueueActions(({ context, enqueue, self, system }) => {
      const discovery = system.get(DISCOVERY_SYSTEM_ID);
      if (discovery === undefined) {
        enqueue.raise({ type: 'peer.ensured', result: { type: 'failed', error: 'the runtime has no discovery actor' } });
        return;
      }
      const request: { type: 'peer.ensure' } & PeerEnsureRequest = {
        type: 'peer.ensure',
        self: context.self,
        peer: context.companion,
        mode: 'ensure',
        replyTo: self,
      };
      enqueue.sendTo(discovery, request);
    }),
    rememberInstalled: assign(({ event }) => {
      assertEvent(event, 'peer.ensured');
      return { installed: companionEnsure(event.result) };
    }),
    rememberEnsure: assign(({ event }) => {
      assertEvent(event, 'peer.ensured');
      return { ensure: companionEnsure(event.result) };
    }),
    reportInstalled: emit(({ context }) => ({ type: 'orchestrator.installed' as const, ensure: context.installed! })),
    reportHandled: enqueueActions(({ context, enqueue }, delivery: WeakNotifyOutcome) => {
      if (context.current === undefined || context.ensure === undefined) return;
      const { current, ensure } = context;
      enqueue(emit({ type: 'ticket.handled', event: current, ticket: current.ticket, kind: current.kind, notice: current.notice, ensure, delivery }));
      enqueue.assign({ current: undefined, ensure: undefined });
    }),
    // Named no-op; the tickets domain provides one that records the diagnostic.
    reportEnsure: (_, _report: EnsureReport) => {},
  },
  guards: {
    hasPendingEvent: ({ context }) => context.pending.length > 0,
  },
}).createMachine({
  id: 'orchestrator',
  context: ({ input }) => ({ self: input.self, companion: input.companion, pending: [] }),
  initial: 'installing',
  on: {
    'ticket.lifecycle': { actions: 'queueEvent' },
  },
  states: {
    installing: {
      entry: 'requestPeerEnsure',
      on: {
        'peer.ensured': {
          target: 'ready',
          actions: [
            'rememberInstalled',
            { type: 'reportEnsure', params: ({ context }) => ({ companion: context.companion, ensure: context.installed! }) },
            'reportInstalled',
          ],
        },
      },
    },
    ready: {
      always: { guard: 'hasPendingEvent', target: 'handling' },
    },
    handling: {
      entry: 'takeNextEvent',
      initial: 'ensuringPeer',
      states: {
        ensuringPeer: {
          entry: 'requestPeerEnsure',
          on: {
            'peer.ensured': {
              target: 'notifying',
              actions: [
                'rememberEnsure',
                {
                  type: 'reportEnsure',
                  params: ({ context }) => ({ companion: context.companion, ensure: context.ensure!, event: context.current! }),
                },
              ],
            },
          },
        },
        notifying: {
          invoke: {
            src: 'notifyCompanion',
            input: ({ context }) => ({ self: context.self, companion: context.companion, event: context.current! }),
            onDone: { target: '#orchestrator.ready', actions: { type: 'reportHandled', params: ({ event }) => event.output } },
            onError: {
              target: '#orchestrator.ready',
              actions: {
                type: 'reportHandled',
                params: ({ event }) => ({ type: 'send-failed' as const, error: describe(event.error) }),
              },
            },
          },
        },
      },
    },
  },
});

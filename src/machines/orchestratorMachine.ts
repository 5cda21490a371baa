import { assertEvent, assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { PeerRelation, WeakNotifyDelivery } from '../types.js';

/** What ensuring the companion peer came to, as the hook reports it. */
export type PeerEnsureOutcome =
  | { readonly type: 'ensured'; readonly relation: PeerRelation }
  | { readonly type: 'companion-missing' }
  | { readonly type: 'failed'; readonly error: string; readonly code?: string };

/** One explicit ticket lifecycle event, with its notice already built. */
export interface TicketLifecycleEvent {
  readonly requestId: number;
  readonly ticket: string;
  readonly kind: string;
  readonly notice: string;
}

/** Input of the `ensureCompanionPeer` actor. */
export interface EnsureCompanionInput {
  readonly self: string;
  readonly companion: string;
  /** The event that asked for it; absent for the ensure at start. */
  readonly event?: TicketLifecycleEvent;
}

/** Input of the `notifyCompanion` actor. */
export interface NotifyCompanionInput {
  readonly self: string;
  readonly companion: string;
  readonly event: TicketLifecycleEvent;
}

export interface OrchestratorInput {
  readonly self: string;
  readonly companion: string;
}

export interface OrchestratorContext extends OrchestratorInput {
  readonly pending: readonly TicketLifecycleEvent[];
  readonly current?: TicketLifecycleEvent;
  readonly ensure?: PeerEnsureOutcome;
}

export type OrchestratorEvent = { type: 'ticket.lifecycle'; event: TicketLifecycleEvent };

/** Emitted when the ensure at start finished, and when one lifecycle event has been handled. */
export type OrchestratorEmitted =
  | { type: 'orchestrator.installed'; ensure: PeerEnsureOutcome }
  | {
      type: 'ticket.handled';
      event: TicketLifecycleEvent;
      ensure: PeerEnsureOutcome;
      delivery: WeakNotifyDelivery;
    };

// The runtime's actors never reject; a rejection means a broken custom actor. Its
// message may hold anything (a stack, a path), so only the error's class name leaves.
const describe = (error: unknown): string => `${error instanceof Error ? error.name : typeof error} from a rejected actor`;
const failedEnsure = (error: unknown): PeerEnsureOutcome => ({ type: 'failed', error: describe(error) });

/**
 * The orchestrator's ticket hook (SPEC §6): at start it ensures the companion
 * peer, then for each lifecycle event, in arrival order, it ensures again and
 * sends the weak notify. It never spawns or starts anything: both steps are
 * actors the runtime provides (`ensureCompanionPeer` asks the discovery actor,
 * `notifyCompanion` runs the weak notify decision).
 */
export const orchestratorMachine = setup({
  types: {
    input: {} as OrchestratorInput,
    context: {} as OrchestratorContext,
    events: {} as OrchestratorEvent,
    emitted: {} as OrchestratorEmitted,
  },
  actors: {
    ensureCompanionPeer: fromPromise<PeerEnsureOutcome, EnsureCompanionInput>(async () => ({
      type: 'failed',
      error: 'ensureCompanionPeer is not provided',
    })),
    notifyCompanion: fromPromise<WeakNotifyDelivery, NotifyCompanionInput>(async () => ({
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
    rememberEnsure: assign((_, ensure: PeerEnsureOutcome) => ({ ensure })),
    reportInstalled: emit((_, ensure: PeerEnsureOutcome) => ({ type: 'orchestrator.installed' as const, ensure })),
    reportHandled: enqueueActions(({ context, enqueue }, delivery: WeakNotifyDelivery) => {
      if (context.current === undefined) return;
      enqueue(emit({ type: 'ticket.handled', event: context.current, ensure: context.ensure ?? failedEnsure('no ensure'), delivery }));
      enqueue.assign({ current: undefined, ensure: undefined });
    }),
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
      invoke: {
        src: 'ensureCompanionPeer',
        input: ({ context }) => ({ self: context.self, companion: context.companion }),
        onDone: { target: 'ready', actions: { type: 'reportInstalled', params: ({ event }) => event.output } },
        onError: { target: 'ready', actions: { type: 'reportInstalled', params: ({ event }) => failedEnsure(event.error) } },
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
          invoke: {
            src: 'ensureCompanionPeer',
            input: ({ context }) => ({ self: context.self, companion: context.companion, event: context.current }),
            onDone: { target: 'notifying', actions: { type: 'rememberEnsure', params: ({ event }) => event.output } },
            onError: { target: 'notifying', actions: { type: 'rememberEnsure', params: ({ event }) => failedEnsure(event.error) } },
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

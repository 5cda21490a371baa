import { assertEvent, assign, setup } from 'xstate';
import type { PodStatus, WeakNotifyDelivery } from '../types.js';

/** What the sender knows of the target's place in its own visibility. */
export type VisibilityFact = 'self' | 'spawned-child' | 'peer' | 'none' | 'unknown';

/**
 * The facts a weak notify decision asks for, one per checking state, in SPEC §5
 * order. The runtime answers each with what it found; the machine alone decides.
 */
export type WeakNotifyFact =
  | { type: 'fact.target'; exists: boolean }
  | { type: 'fact.visibility'; visibility: VisibilityFact }
  | { type: 'fact.store'; ok: boolean; error?: string }
  | { type: 'fact.relation'; visibility: VisibilityFact }
  | { type: 'fact.liveness'; status: PodStatus; reason?: string }
  | { type: 'fact.sent'; accepted: boolean; error?: string };

/** States that wait for a fact, and the one fact each of them needs. */
export const WEAK_NOTIFY_FACT_BY_STATE = {
  resolvingTarget: 'fact.target',
  resolvingVisibility: 'fact.visibility',
  checkingStore: 'fact.store',
  checkingRelation: 'fact.relation',
  checkingLiveness: 'fact.liveness',
  sending: 'fact.sent',
} as const satisfies Record<string, WeakNotifyFact['type']>;

/** A state that waits for a fact. */
export type WeakNotifyCheckState = keyof typeof WEAK_NOTIFY_FACT_BY_STATE;

/** Final state names, one per outcome. */
export const WEAK_NOTIFY_OUTCOME_BY_STATE = {
  delivered: 'delivered',
  skippedMissing: 'skipped-missing',
  skippedNotVisible: 'skipped-not-visible',
  skippedNotPeer: 'skipped-not-peer',
  skippedNotLive: 'skipped-not-live',
  sendFailed: 'send-failed',
} as const satisfies Record<string, WeakNotifyDelivery['type']>;

/** A final state of the decision. */
export type WeakNotifyFinalState = keyof typeof WEAK_NOTIFY_OUTCOME_BY_STATE;

/** Details gathered along the way, used only to describe the outcome. */
export interface WeakNotifyDetails {
  readonly visibility?: VisibilityFact;
  readonly status?: PodStatus;
  readonly reason?: string;
  readonly error?: string;
}

/** The delivery outcome of a final state, described with the facts gathered for it. */
export function toDelivery(state: WeakNotifyFinalState, details: WeakNotifyDetails): WeakNotifyDelivery {
  switch (state) {
    case 'delivered':
      return { type: 'delivered' };
    case 'skippedMissing':
      return { type: 'skipped-missing' };
    case 'skippedNotVisible':
      return { type: 'skipped-not-visible' };
    case 'skippedNotPeer':
      return { type: 'skipped-not-peer', visibility: details.visibility === 'self' ? 'self' : 'spawned-child' };
    case 'skippedNotLive': {
      const status = details.status === 'unreachable' ? 'unreachable' : 'stopped';
      return details.reason === undefined ? { type: 'skipped-not-live', status } : { type: 'skipped-not-live', status, reason: details.reason };
    }
    case 'sendFailed':
      return { type: 'send-failed', error: details.error ?? 'send failed' };
  }
}

const final = (state: WeakNotifyFinalState) => ({
  type: 'final' as const,
  output: ({ context }: { context: WeakNotifyDetails }) => toDelivery(state, context),
});

/**
 * The weak notify decision (SPEC §5). Each checking state waits for one fact;
 * the first failing check ends in the final state that names the outcome. The
 * runtime walks it with memoised pure transitions instead of an actor per call,
 * so the chart costs nothing per notify yet stays the single source of truth.
 */
export const weakNotifyMachine = setup({
  types: {
    context: {} as WeakNotifyDetails,
    events: {} as WeakNotifyFact,
    output: {} as WeakNotifyDelivery,
  },
  actions: {
    rememberVisibility: assign(({ event }) => {
      assertEvent(event, ['fact.visibility', 'fact.relation']);
      return { visibility: event.visibility };
    }),
    rememberStatus: assign(({ event }) => {
      assertEvent(event, 'fact.liveness');
      return { status: event.status, reason: event.reason };
    }),
    rememberError: assign(({ event }) => {
      assertEvent(event, ['fact.store', 'fact.sent']);
      return { error: event.error };
    }),
  },
  guards: {
    isMissing: ({ event }) => event.type === 'fact.target' && !event.exists,
    isNotVisible: ({ event }) => event.type === 'fact.visibility' && event.visibility === 'none',
    hasStoreFailure: ({ event }) => event.type === 'fact.store' && !event.ok,
    isPeer: ({ event }) => event.type === 'fact.relation' && event.visibility === 'peer',
    isLive: ({ event }) => event.type === 'fact.liveness' && event.status === 'live',
    wasAccepted: ({ event }) => event.type === 'fact.sent' && event.accepted,
  },
}).createMachine({
  id: 'weakNotify',
  context: {},
  initial: 'resolvingTarget',
  // The root's output is the output of the final state that ended the decision.
  output: ({ event }) => (event as unknown as { output: WeakNotifyDelivery }).output,
  states: {
    resolvingTarget: {
      on: { 'fact.target': [{ guard: 'isMissing', target: 'skippedMissing' }, { target: 'resolvingVisibility' }] },
    },
    resolvingVisibility: {
      on: {
        'fact.visibility': [
          { guard: 'isNotVisible', target: 'skippedNotVisible' },
          { target: 'checkingStore', actions: 'rememberVisibility' },
        ],
      },
    },
    checkingStore: {
      on: {
        'fact.store': [{ guard: 'hasStoreFailure', target: 'sendFailed', actions: 'rememberError' }, { target: 'checkingRelation' }],
      },
    },
    checkingRelation: {
      on: {
        'fact.relation': [
          { guard: 'isPeer', target: 'checkingLiveness' },
          { target: 'skippedNotPeer', actions: 'rememberVisibility' },
        ],
      },
    },
    checkingLiveness: {
      on: {
        'fact.liveness': [{ guard: 'isLive', target: 'sending' }, { target: 'skippedNotLive', actions: 'rememberStatus' }],
      },
    },
    sending: {
      on: { 'fact.sent': [{ guard: 'wasAccepted', target: 'delivered' }, { target: 'sendFailed', actions: 'rememberError' }] },
    },
    delivered: final('delivered'),
    skippedMissing: final('skippedMissing'),
    skippedNotVisible: final('skippedNotVisible'),
    skippedNotPeer: final('skippedNotPeer'),
    skippedNotLive: final('skippedNotLive'),
    sendFailed: final('sendFailed'),
  },
});

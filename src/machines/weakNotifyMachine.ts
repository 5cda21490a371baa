import { assign, setup } from 'xstate';
import {
  WEAK_NOTIFY_CHECKS,
  WEAK_NOTIFY_FINAL_STATES,
  weakNotifyOutcome,
  type PartialWeakNotifyFacts,
  type WeakNotifyCheckState,
  type WeakNotifyFactName,
  type WeakNotifyFacts,
  type WeakNotifyFinalState,
  type WeakNotifyGuard,
} from '../core/decideWeakNotify.js';
import type { WeakNotifyOutcome } from '../core/types.js';

/** One fact, as the event that answers the state waiting for it. */
export type WeakNotifyFactEvent = { [K in WeakNotifyFactName]: { type: `fact.${K}`; value: WeakNotifyFacts[K] } }[WeakNotifyFactName];

type Facts = PartialWeakNotifyFacts;
/** Every state of the chart: a check or a final state. */
export type WeakNotifyState = WeakNotifyCheckState | WeakNotifyFinalState;
type GuardArgs = { context: Facts; event: WeakNotifyFactEvent };

/** The context with the event's fact added, when the event carries one. */
function factsOf({ context, event }: GuardArgs): Facts {
  if (!event.type.startsWith('fact.')) return context;
  return { ...context, [event.type.slice('fact.'.length)]: event.value };
}

// One guard per check, named after it, reading exactly what the rule reads.
const guards = Object.fromEntries(
  WEAK_NOTIFY_CHECKS.map((check) => [check.guard, (args: GuardArgs) => check.passes(factsOf(args) as WeakNotifyFacts)]),
) as Record<WeakNotifyGuard, (args: GuardArgs) => boolean>;

type Transition = { guard?: WeakNotifyGuard; target: string; actions?: 'rememberFact' };
type CheckNode = { on: Record<string, Transition[]> } | { always: Transition[] };
type FinalNode = { type: 'final'; output: (args: { context: Facts }) => WeakNotifyOutcome };

/**
 * The states, built from the rule: each check waits for its fact (or, when an
 * earlier check already asked for it, decides at once), then either moves on
 * to the next check or ends in the final state that names the outcome.
 */
function statesFromRule(): Record<string, CheckNode | FinalNode> {
  const states: Record<string, CheckNode | FinalNode> = {};
  WEAK_NOTIFY_CHECKS.forEach((check, i) => {
    const next = WEAK_NOTIFY_CHECKS[i + 1]?.state ?? 'delivered';
    const asks = WEAK_NOTIFY_CHECKS.findIndex((c) => c.fact === check.fact) === i;
    const edges: Transition[] = [
      { guard: check.guard, target: next },
      { target: check.otherwise },
    ];
    states[check.state] = asks
      ? { on: { [`fact.${check.fact}`]: edges.map((edge) => ({ ...edge, actions: 'rememberFact' })) } }
      : { always: edges };
  });
  for (const final of Object.keys(WEAK_NOTIFY_FINAL_STATES) as WeakNotifyFinalState[]) {
    states[final] = { type: 'final', output: ({ context }) => weakNotifyOutcome(final, context) };
  }
  return states;
}

/**
 * The weak notify decision (docs/behaviour.md §5) as a statechart, built from
 * the rule in `core/decideWeakNotify.ts`: a checking state per check, in
 * order, and a final state per outcome. Its context collects the facts it
 * was given, so a snapshot shows why it ended where it did. The runtime
 * decides with the same rule without starting an actor per notify; a test
 * proves the two agree on every combination of facts.
 */
export const weakNotifyMachine = setup({
  types: {
    context: {} as Facts,
    events: {} as WeakNotifyFactEvent,
    output: {} as WeakNotifyOutcome,
  },
  actions: {
    rememberFact: assign(({ context, event }) => factsOf({ context, event })),
  },
  guards,
}).createMachine({
  id: 'weakNotify',
  context: {},
  initial: WEAK_NOTIFY_CHECKS[0].state,
  // The root's output is the output of the final state that ended the decision.
  output: ({ event }) => (event as unknown as { output: WeakNotifyOutcome }).output,
  // Built at run time from the rule, so the config's own type cannot see the states.
  states: statesFromRule() as Record<WeakNotifyState, object>,
});

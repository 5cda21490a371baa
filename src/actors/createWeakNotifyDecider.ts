import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import {
  WEAK_NOTIFY_FACT_BY_STATE,
  WEAK_NOTIFY_OUTCOME_BY_STATE,
  weakNotifyMachine,
  type WeakNotifyCheckState,
  type WeakNotifyFact,
  type WeakNotifyFinalState,
} from '../machines/weakNotifyMachine.js';

type Snapshot = SnapshotFrom<typeof weakNotifyMachine>;

/** A place in the decision: a checking state waiting for its fact, or a final state. */
export type DecisionNode =
  | { readonly final: false; readonly state: WeakNotifyCheckState; readonly next: Map<string, DecisionNode>; readonly snapshot: Snapshot }
  | { readonly final: true; readonly state: WeakNotifyFinalState };

/** Walks `weakNotifyMachine` with memoised pure transitions. */
export interface WeakNotifyDecider {
  readonly root: DecisionNode;
  /** The node the machine reaches from `node` on `fact`. */
  step(node: DecisionNode & { final: false }, fact: WeakNotifyFact): DecisionNode;
}

// Guards read only these discriminating fields, so they key the memo.
function factKey(fact: WeakNotifyFact): string {
  switch (fact.type) {
    case 'fact.target':
      return fact.exists ? 'y' : 'n';
    case 'fact.visibility':
    case 'fact.relation':
      return fact.visibility;
    case 'fact.store':
      return fact.ok ? 'y' : 'n';
    case 'fact.liveness':
      return fact.status;
    case 'fact.sent':
      return fact.accepted ? 'y' : 'n';
  }
}

function toNode(snapshot: Snapshot): DecisionNode {
  const state = snapshot.value as string;
  if (state in WEAK_NOTIFY_OUTCOME_BY_STATE) return { final: true, state: state as WeakNotifyFinalState };
  if (!(state in WEAK_NOTIFY_FACT_BY_STATE)) throw new Error(`weakNotifyMachine: unknown state ${state}`);
  return { final: false, state: state as WeakNotifyCheckState, next: new Map(), snapshot };
}

/**
 * The decision as a lazily built graph: each (state, fact) pair is computed by
 * xstate's pure `transition` once, then read from a Map. A notify therefore
 * costs a few lookups, and the statechart stays the only place that decides.
 */
export function createWeakNotifyDecider(): WeakNotifyDecider {
  const root = toNode(initialTransition(weakNotifyMachine)[0]);
  return {
    root,
    step(node, fact) {
      if (fact.type !== WEAK_NOTIFY_FACT_BY_STATE[node.state]) {
        throw new Error(`weakNotifyMachine: state ${node.state} does not take ${fact.type}`);
      }
      const key = factKey(fact);
      let next = node.next.get(key);
      if (next === undefined) {
        const [snapshot] = transition(weakNotifyMachine, node.snapshot, fact);
        next = toNode(snapshot);
        node.next.set(key, next);
      }
      return next;
    },
  };
}

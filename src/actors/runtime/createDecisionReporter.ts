import type { WeakNotifyDecidedEvent, WeakNotifyDecisionsEvent } from '../../machines/discoveryMachine.js';

/** Decisions sent together at most: a long burst of notifies that never yields still reports them as it goes. */
const DECISION_BATCH = 64;

/** Collects decisions and sends them to the discovery actor in order, a batch at a time. */
export interface DecisionReporter {
  /** Queues one decision (an array push); the batch goes at the next turn of the event loop, or at once when full. */
  report(decision: WeakNotifyDecidedEvent): void;
  /** Sends the waiting decisions now (before a stop, or where a caller needs them seen: a simulation step). */
  flush(): void;
}

/**
 * The runtime's reporter of weak notify decisions when an inspector is
 * attached. One `weakNotify.decisions` event per batch: an actor event costs
 * xstate a macrostep and its inspection events, which one per notify made an
 * inspected notify about 1.5x slower than the decision alone.
 */
export function createDecisionReporter(send: (event: WeakNotifyDecisionsEvent) => void): DecisionReporter {
  let waiting: WeakNotifyDecidedEvent[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = (): void => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (waiting.length === 0) return;
    const decisions = waiting;
    waiting = [];
    send({ type: 'weakNotify.decisions', decisions });
  };
  return {
    report(decision) {
      waiting.push(decision);
      if (waiting.length >= DECISION_BATCH) flush();
      else scheduled ??= setImmediate(flush);
    },
    flush,
  };
}

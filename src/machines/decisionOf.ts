import type { DecisionEvent } from '../core/inspectorProtocol.js';
import type { WeakNotifyDecidedEvent, WeakNotifyDecisionsEvent } from './discoveryMachine.js';

/** A reported weak notify decision as the stream carries it. */
export function decisionOf(decided: WeakNotifyDecidedEvent, at: number): DecisionEvent {
  return {
    type: 'podmesh.decision',
    at,
    self: decided.self,
    peer: decided.peer,
    autoRun: decided.autoRun,
    state: decided.state,
    outcome: decided.outcome,
    path: decided.path,
    facts: decided.facts as Record<string, unknown>,
    ...(decided.ticket === undefined ? {} : { ticket: decided.ticket }),
  };
}

/**
 * The decisions an event sent to the discovery actor carries: a batch
 * (`weakNotify.decisions`, what the runtime sends), one sent alone
 * (`weakNotify.decided`), or none for any other event.
 */
export function decisionsIn(event: { readonly type: string }): readonly WeakNotifyDecidedEvent[] | undefined {
  if (event.type === 'weakNotify.decisions') return (event as WeakNotifyDecisionsEvent).decisions;
  if (event.type === 'weakNotify.decided') return [event as WeakNotifyDecidedEvent];
  return undefined;
}

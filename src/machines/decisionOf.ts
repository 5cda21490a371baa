import type { DecisionEvent } from '../core/inspectorProtocol.js';
import type { WeakNotifyDecidedEvent } from './discoveryMachine.js';

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

/** Weak notify outcomes as the page shows them: their order, colours and a one-line reason. */
import type { DecisionEvent } from '../../core/inspectorProtocol.js';
import { WEAK_NOTIFY_OUTCOME_TYPES } from '../../core/decideWeakNotify.js';
import type { WeakNotifyOutcomeType } from '../../core/types.js';

/** Every outcome, in the rule's order: the rule's own list, so a new outcome is counted and charted too. */
export const OUTCOMES = WEAK_NOTIFY_OUTCOME_TYPES;

/** A colour per outcome (the CSS and the count chart share them); a missing one is a type error. */
export const OUTCOME_COLOURS: Readonly<Record<WeakNotifyOutcomeType | string, string>> & Readonly<Record<WeakNotifyOutcomeType, string>> = {
  delivered: '#2e7d32',
  'skipped-missing': '#8d6e63',
  'skipped-not-visible': '#9e9d24',
  'skipped-not-peer': '#f9a825',
  'skipped-not-live': '#ef6c00',
  'send-failed': '#c62828',
};

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** Why a decision ended where it did, from its facts. */
export function outcomeReason(decision: DecisionEvent): string {
  const facts = decision.facts;
  switch (decision.outcome) {
    case 'delivered':
      return `${decision.peer} accepted the notice${decision.autoRun ? ' (autoRun)' : ''}`;
    case 'skipped-missing':
      return `no pod named ${decision.peer}`;
    case 'skipped-not-visible':
      return `${decision.peer} is not self, a spawned child nor a peer of ${decision.self}`;
    case 'skipped-not-peer':
      return `${decision.peer} is visible as ${text(facts.visibility)}, not as a peer`;
    case 'skipped-not-live': {
      const liveness = facts.liveness as { status?: unknown; reason?: unknown } | undefined;
      const status = liveness?.status === undefined ? 'not live' : text(liveness.status);
      return liveness?.reason === undefined ? `${decision.peer} is ${status}` : `${decision.peer} is ${status}: ${text(liveness.reason)}`;
    }
    case 'send-failed':
      return `send failed: ${text(facts.store ?? facts.sent ?? 'unknown error')}`;
    default:
      return decision.state;
  }
}

/**
 * Whether a decision concerns `ticket`: its `ticket` (set when the notify's
 * caller named one, as the orchestrator does), else a `ticket` fact a
 * producer added, else any fact whose text names the ticket.
 */
export function decisionHasTicket(decision: DecisionEvent, ticket: string): boolean {
  if (typeof decision.ticket === 'string') return decision.ticket.includes(ticket);
  const facts = decision.facts;
  if (typeof facts.ticket === 'string') return facts.ticket.includes(ticket);
  return Object.values(facts).some((value) => value !== undefined && value !== null && text(value).includes(ticket));
}

/**
 * `podmesh/machines`: podmesh's statecharts, for drawing, testing and
 * extending (each written with `setup()` and named implementations, so
 * `toJSON()` is complete), and the pure weak notify rule they are built from.
 */
export {
  podMachine,
  renderNotice,
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_NOTIFY_BUFFER_SIZE,
  type PodContext,
  type PodEvent,
  type PodHistoryItem,
  type PodInput,
  type TurnInput,
} from './podMachine.js';
export { weakNotifyMachine, type WeakNotifyFactEvent } from './weakNotifyMachine.js';
export {
  discoveryMachine,
  DISCOVERY_SYSTEM_ID,
  type DiscoveryEvent,
  type PeerEnsureInput,
  type PeerEnsureMode,
  type PeerEnsureReply,
  type PeerEnsureRequest,
  type PeerEnsuredEvent,
  type WeakNotifyDecidedEvent,
} from './discoveryMachine.js';
export {
  orchestratorMachine,
  companionEnsure,
  type EnsureReport,
  type HookResult,
  type NotifyCompanionInput,
  type OrchestratorContext,
  type OrchestratorEmitted,
  type OrchestratorEvent,
  type OrchestratorInput,
  type PeerEnsureOutcome,
  type TicketLifecycleEvent,
} from './orchestratorMachine.js';
export {
  ticketMachine,
  canMoveTicket,
  nextTicketState,
  ticketMoveEvent,
  TICKET_COMMENT_EVENTS,
  TICKET_EVENT_TYPES,
  TICKET_REVIEWS,
  TICKET_STATES,
  type TicketCommentEvent,
  type TicketEvent,
  type TicketEventType,
  type TicketReview,
  type TicketState,
} from './ticketMachine.js';
export { runtimeMachine } from './runtimeMachine.js';

// The rule the weak notify machine is built from, and the visibility it reads.
export {
  decideWeakNotify,
  walkWeakNotify,
  weakNotifyOutcome,
  weakNotifyPath,
  WEAK_NOTIFY_CHECKS,
  WEAK_NOTIFY_FINAL_STATES,
  WEAK_NOTIFY_OUTCOME_TYPES,
  type PartialWeakNotifyFacts,
  type VisibilityFact,
  type WeakNotifyCheck,
  type WeakNotifyCheckState,
  type WeakNotifyDecision,
  type WeakNotifyFactName,
  type WeakNotifyFacts,
  type WeakNotifyFinalState,
  type WeakNotifyGatherers,
} from '../core/decideWeakNotify.js';
export { visibilityOf } from '../core/visibilityOf.js';
export type { PeerEnsureResult } from '../core/types.js';

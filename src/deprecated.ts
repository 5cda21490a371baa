/**
 * Aliases of names that podmesh 0.1 exported from its root and that were
 * renamed or moved to a subpath in 0.2 (CHANGELOG.md lists the new home of
 * each). Every one is `@deprecated` and will be removed in 0.3.
 */
import { formatOutcome } from './core/formatOutcome.js';
import type { WeakNotifyOutcome, WeakNotifyOutcomeType } from './core/types.js';

/** @deprecated Renamed: use `formatOutcome`. */
export const formatDelivery: (outcome: WeakNotifyOutcome) => string = formatOutcome;
/** @deprecated Renamed: use `WeakNotifyOutcome`. */
export type WeakNotifyDelivery = WeakNotifyOutcome;
/** @deprecated Renamed: use `WeakNotifyOutcomeType`. */
export type WeakNotifyDeliveryType = WeakNotifyOutcomeType;

// Moved: names and errors.
export {
  /** @deprecated Use `error instanceof PodmeshError ? error.code : undefined`. */
  podmeshErrorCode,
} from './core/errors.js';
export {
  /** @deprecated Internal limit; the error of `validatePodName` says it. */
  MAX_POD_NAME_BYTES,
} from './core/validatePodName.js';
export {
  /** @deprecated Moved to `podmesh/machines`. */
  visibilityOf,
} from './core/visibilityOf.js';

// Moved to `podmesh/tickets`.
export {
  /** @deprecated Moved to `podmesh/tickets`. */
  workspacePodNames,
  /** @deprecated Moved to `podmesh/tickets`. */
  type WorkspacePodNames,
} from './tickets/workspacePodNames.js';
export {
  /** @deprecated Moved to `podmesh/tickets`. */
  createTicketBoard,
  /** @deprecated Moved to `podmesh/tickets`. */
  type TicketBoard,
  /** @deprecated Moved to `podmesh/tickets`. */
  type Ticket,
  /** @deprecated Moved to `podmesh/tickets`. */
  type TicketBoardOptions,
} from './tickets/createTicketBoard.js';
export {
  /** @deprecated Moved to `podmesh/tickets`. */
  TicketError,
  /** @deprecated Moved to `podmesh/tickets`. */
  type TicketErrorCode,
} from './tickets/ticketError.js';
export {
  /** @deprecated Moved to `podmesh/tickets`. */
  createTicketTools,
  /** @deprecated Moved to `podmesh/tickets`. */
  type TicketTools,
} from './tickets/createTicketTools.js';
export {
  /** @deprecated Moved to `podmesh/tickets`. */
  buildTicketNotice,
  /** @deprecated Moved to `podmesh/tickets`. */
  lifecycleEvent,
} from './tickets/ticketNotice.js';
export type {
  /** @deprecated Moved to `podmesh/tickets`. */
  ToolResult,
} from './tickets/types.js';
export type {
  /** @deprecated Moved to `podmesh/tickets` (`startOrchestrator(runtime, options)`). */
  Orchestrator,
  /** @deprecated Moved to `podmesh/tickets`. */
  HookResult,
  /** @deprecated Moved to `podmesh/tickets`. */
  StartOrchestratorOptions,
} from './tickets/startOrchestrator.js';

// Moved to `podmesh/machines`.
export {
  /** @deprecated Moved to `podmesh/machines`. */
  podMachine,
  /** @deprecated Moved to `podmesh/machines`. */
  renderNotice,
  /** @deprecated Moved to `podmesh/machines`. */
  type PodEvent,
  /** @deprecated Moved to `podmesh/machines`. */
  type PodContext,
  /** @deprecated Moved to `podmesh/machines`. */
  type PodHistoryItem,
} from './machines/podMachine.js';
export {
  /** @deprecated Moved to `podmesh/machines`. */
  weakNotifyMachine,
} from './machines/weakNotifyMachine.js';
export {
  /** @deprecated Moved to `podmesh/machines`. */
  discoveryMachine,
  /** @deprecated Moved to `podmesh/machines`. */
  type DiscoveryEvent,
} from './machines/discoveryMachine.js';
export {
  /** @deprecated Moved to `podmesh/machines`. */
  orchestratorMachine,
  /** @deprecated Moved to `podmesh/tickets`. */
  type PeerEnsureOutcome,
  /** @deprecated Moved to `podmesh/machines`. */
  type TicketLifecycleEvent,
} from './machines/orchestratorMachine.js';
export {
  /** @deprecated Moved to `podmesh/machines`. */
  ticketMachine,
  /** @deprecated Moved to `podmesh/machines` and `podmesh/tickets`. */
  type TicketState,
} from './machines/ticketMachine.js';
export {
  /** @deprecated Moved to `podmesh/machines`. */
  runtimeMachine,
} from './machines/runtimeMachine.js';

// Moved to `podmesh/simulation`.
export {
  /** @deprecated Moved to `podmesh/simulation`. */
  createSimulation,
  /** @deprecated Moved to `podmesh/simulation`. */
  type Simulation,
  /** @deprecated Moved to `podmesh/simulation`. */
  type SimulationOptions,
  /** @deprecated Moved to `podmesh/simulation`. */
  type SimulationResult,
  /** @deprecated Moved to `podmesh/simulation`. */
  type InvariantReport,
  /** @deprecated Moved to `podmesh/simulation`. */
  type SimulationInjection,
} from './simulation/createSimulation.js';
export {
  /** @deprecated Moved to `podmesh/simulation`. */
  parseScenario,
  /** @deprecated Moved to `podmesh/simulation`. */
  ScenarioError,
  /** @deprecated Moved to `podmesh/simulation`. */
  type Scenario,
  /** @deprecated Moved to `podmesh/simulation`. */
  type FaultKind,
  /** @deprecated Moved to `podmesh/simulation`. */
  type WorkloadKind,
} from './simulation/parseScenario.js';
export {
  /** @deprecated Moved to `podmesh/simulation`. */
  createRandom,
  /** @deprecated Moved to `podmesh/simulation`. */
  type Random,
} from './simulation/createRandom.js';

// Moved to `podmesh/testing`.
export {
  /** @deprecated Moved to `podmesh/testing`. */
  createFaultyStore,
  /** @deprecated Moved to `podmesh/testing`. */
  type FaultyStore,
} from './testing/createFaultyStore.js';
export {
  /** @deprecated Moved to `podmesh/testing`. */
  createFaultyTransport,
  /** @deprecated Moved to `podmesh/testing`. */
  type FaultyTransport,
} from './testing/createFaultyTransport.js';
export {
  /** @deprecated Moved to `podmesh/testing`. */
  createRuntimeTransport,
} from './testing/createRuntimeTransport.js';

// Moved to `podmesh/process`.
export {
  /** @deprecated Moved to `podmesh/process`. */
  startPodServer,
  /** @deprecated Moved to `podmesh/process`. */
  type PodServer,
  /** @deprecated Moved to `podmesh/process`. */
  type PodServerOptions,
} from './actors/process/startPodServer.js';
export {
  /** @deprecated Moved to `podmesh/process`. */
  createSocketTransport,
  /** @deprecated Moved to `podmesh/process`. */
  PodRequestError,
  /** @deprecated Moved to `podmesh/process`. */
  type SocketTransport,
  /** @deprecated Moved to `podmesh/process`. */
  type SocketTransportOptions,
} from './actors/process/createSocketTransport.js';
export {
  /** @deprecated Moved to `podmesh/process`. */
  resolvePodmeshPaths,
  /** @deprecated Moved to `podmesh/process`. */
  podSocketPath,
  /** @deprecated Moved to `podmesh/process`. */
  type PodmeshPaths,
} from './actors/process/podPaths.js';
export {
  /** @deprecated Moved to `podmesh/process`. */
  PodAlreadyRunningError,
} from './actors/process/acquirePodLock.js';
export {
  /** @deprecated Moved to `podmesh/process`. */
  POD_METHODS,
  /** @deprecated Moved to `podmesh/process`. */
  MAX_REQUEST_LINE_BYTES,
  /** @deprecated Moved to `podmesh/process`. */
  type PodMethod,
  /** @deprecated Moved to `podmesh/process`. */
  type PodRequest,
  /** @deprecated Moved to `podmesh/process`. */
  type PodResponse,
  /** @deprecated Moved to `podmesh/process`. */
  type PodSnapshotMessage,
} from './actors/process/podProtocol.js';

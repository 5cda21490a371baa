/**
 * podmesh — an actor runtime for agent pods on xstate v5.
 * The public API, exported by name.
 */

// Names and text
export { validatePodName, isValidPodName, MAX_POD_NAME_BYTES } from './validatePodName.js';
export { workspacePodNames, type WorkspacePodNames } from './workspacePodNames.js';
export { formatDelivery } from './formatDelivery.js';
export { visibilityOf } from './visibilityOf.js';

// Errors
export {
  PodmeshError,
  InvalidPodNameError,
  SelfPeerError,
  StateMissingError,
  MissingPodError,
  NotVisibleError,
  CorruptMetadataError,
  podmeshErrorCode,
  type PodmeshErrorCode,
} from './errors.js';

// Data types
export type {
  PodMetadata,
  PodMetadataStore,
  PodTransport,
  PodLiveness,
  PodStatus,
  PodActivity,
  Visibility,
  PeerRelation,
  ToolResult,
  WeakNotifyDelivery,
  WeakNotifyDeliveryType,
} from './types.js';

// Stores
export { createMemoryPodStore, type MemoryPodStore } from './actors/createMemoryPodStore.js';
export { createFsPodStore } from './actors/createFsPodStore.js';

// Runtime
export {
  createPodRuntime,
  RuntimeStoppedError,
  type PodRuntime,
  type PodRuntimeOptions,
  type SpawnPodOptions,
  type TurnArgs,
  type TurnHandler,
  type RuntimeClock,
} from './actors/createPodRuntime.js';
export type { PodHandle } from './actors/createPodHandle.js';
export type { PodDiscovery, PodInspection, VisiblePod } from './actors/createDiscovery.js';
export type { DiagnosticRecord, DiagnosticLevel, DiagnosticFields } from './actors/createDiagnostics.js';
export type { Orchestrator, HookResult, StartOrchestratorOptions } from './actors/startOrchestrator.js';

// Tickets
export { createTicketBoard, type TicketBoard, type Ticket, type TicketBoardOptions } from './actors/createTicketBoard.js';
export { TicketError, type TicketErrorCode } from './actors/ticketError.js';
export { createTicketTools, type TicketTools } from './actors/createTicketTools.js';
export { buildTicketNotice, lifecycleEvent } from './ticketNotice.js';

// Machines, for drawing, testing and extending
export { podMachine, renderNotice, type PodEvent, type PodContext, type PodHistoryItem } from './machines/podMachine.js';
export { weakNotifyMachine, toDelivery, type WeakNotifyFact } from './machines/weakNotifyMachine.js';
export { discoveryMachine, type DiscoveryEvent } from './machines/discoveryMachine.js';
export {
  orchestratorMachine,
  type PeerEnsureOutcome,
  type TicketLifecycleEvent,
} from './machines/orchestratorMachine.js';
export { ticketMachine, type TicketState } from './machines/ticketMachine.js';
export { runtimeMachine } from './machines/runtimeMachine.js';

// Simulation and fault seams
export {
  createSimulation,
  type Simulation,
  type SimulationOptions,
  type SimulationResult,
  type InvariantReport,
  type SimulationInjection,
} from './actors/createSimulation.js';
export { parseScenario, ScenarioError, type Scenario, type FaultKind, type WorkloadKind } from './actors/parseScenario.js';
export { createRandom, type Random } from './actors/createRandom.js';
export { createFaultyStore, type FaultyStore } from './actors/createFaultyStore.js';
export { createFaultyTransport, type FaultyTransport } from './actors/createFaultyTransport.js';
export { createRuntimeTransport } from './actors/createRuntimeTransport.js';

// Pods as processes
export { startPodServer, type PodServer, type PodServerOptions } from './actors/startPodServer.js';
export {
  createSocketTransport,
  PodRequestError,
  type SocketTransport,
  type SocketTransportOptions,
} from './actors/createSocketTransport.js';
export { resolvePodmeshPaths, podSocketPath, type PodmeshPaths } from './actors/podPaths.js';
export { PodAlreadyRunningError } from './actors/acquirePodLock.js';
export {
  POD_METHODS,
  MAX_REQUEST_LINE_BYTES,
  type PodMethod,
  type PodRequest,
  type PodResponse,
  type PodSnapshotMessage,
} from './actors/podProtocol.js';

/**
 * podmesh — an actor runtime for agent pods on xstate v5.
 *
 * The root entry: what an embedding program needs (the runtime and its pods,
 * discovery and the weak notify's outcome, the stores, errors). The rest is
 * behind subpaths: `podmesh/machines` (the statecharts and the pure rule),
 * `podmesh/process` (pods as processes), `podmesh/tickets` (tickets and the
 * orchestrator hook), `podmesh/simulation` and `podmesh/testing` (fault seams).
 */

// The runtime and its pods
export {
  createPodRuntime,
  type PodRuntime,
  type PodRuntimeOptions,
  type RemovedPod,
  type RemovePodOptions,
  type RuntimeClock,
  type SpawnPodOptions,
  type StartActorOptions,
  type TurnArgs,
  type TurnHandler,
} from './actors/runtime/createPodRuntime.js';
export type { PodHandle } from './actors/runtime/createPodHandle.js';

// Discovery and the weak notify
export type { PodDiscovery, PodInspection, VisiblePod } from './actors/runtime/createDiscovery.js';
export type { PeerUnregistration } from './actors/runtime/unregisterPeer.js';
export type { NotifyOptions } from './actors/runtime/createWeakNotify.js';
export { formatOutcome, type FormatOutcomeOptions } from './core/formatOutcome.js';

// Stores
export { createMemoryPodStore, type MemoryPodStore } from './actors/stores/createMemoryPodStore.js';
export { createFsPodStore, type FsPodStoreOptions } from './actors/stores/createFsPodStore.js';
export { createFsNoticeJournal, type FsNoticeJournalOptions } from './actors/stores/createFsNoticeJournal.js';

// Data
export type {
  PeerRelation,
  PodActivity,
  PodLiveness,
  PodMetadata,
  PodMetadataStore,
  NoticeJournal,
  NoticeQueueChange,
  PodStatus,
  PodTransport,
  Visibility,
  WeakNotifyOutcome,
  WeakNotifyOutcomeType,
} from './core/types.js';
export type { DiagnosticFields, DiagnosticLevel, DiagnosticRecord } from './actors/runtime/createDiagnostics.js';
export { isValidPodName, validatePodName } from './core/validatePodName.js';

// Errors: one class per case, one `code` vocabulary
export {
  CorruptMetadataError,
  InvalidPodNameError,
  MissingPodError,
  NotVisibleError,
  PodmeshError,
  RuntimeStoppedError,
  SelfPeerError,
  StateMissingError,
  TimeoutError,
  type PodmeshErrorCode,
} from './core/errors.js';
export { FileLockError, type FileLockErrorCode } from './actors/stores/lockFile.js';

// Names of 0.1 that were renamed or moved to a subpath (see CHANGELOG.md).
export * from './deprecated.js';

/**
 * `podmesh/inspector`: the offline statechart inspector's Node side
 * (docs/inspector.md): a local HTTP server for the page and its event
 * stream, and the feeds it serves — an embedded runtime, a home's pods, the
 * pods on a NATS server, a recorded trace.
 */
export { createRuntimeInspector, type RuntimeInspector, type RuntimeInspectorOptions } from './createRuntimeInspector.js';
export { createRuntimeFeed, KEPT_ACTORS, KEPT_DECISIONS, type RuntimeFeed, type RuntimeFeedOptions } from './createRuntimeFeed.js';
export {
  startInspectorServer,
  defaultPageDir,
  BATCH_INTERVAL_MS,
  CLIENT_DECISION_LIMIT,
  HEARTBEAT_MS,
  type InspectorServer,
  type InspectorServerOptions,
} from './startInspectorServer.js';
export { createHomeFeed, type HomeFeedOptions } from './createHomeFeed.js';
export { createNatsFeed, type NatsFeedOptions } from './createNatsFeed.js';
export { createTraceFeed, parseTraceHeader, type TraceFeed } from './createTraceFeed.js';
export type { InspectorFeed } from './inspectorFeed.js';
export {
  INSPECTOR_PROTOCOL_VERSION,
  TRACE_FORMAT,
  type InspectorMode,
  type PodView,
  type HelloEvent,
  type PodsEvent,
  type PodEvent,
  type PodRemovedEvent,
  type DecisionEvent,
  type NoticeEvent,
  type DiagnosticEvent,
  type StepEvent,
  type InvariantEvent,
  type XstateActorEvent,
  type XstateEventEvent,
  type XstateSnapshotEvent,
  type InspectorEvent,
  type InspectorBatch,
  type TraceHeader,
  type TraceStep,
} from '../core/inspectorProtocol.js';

/**
 * `podmesh/process`: pods as processes. A pod server on a Unix socket
 * (JSON lines, docs/protocol.md), the socket transport that reaches such
 * pods with liveness from the OS, and the folders both use.
 */
export { startPodServer, type PodServer, type PodServerOptions, type PodToolHandler } from './startPodServer.js';
export { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './servePodConnection.js';
export { MAX_QUEUED_RUNS, MAX_RUN_INPUT_BYTES } from '../runtime/createPodRequestAnswerer.js';
export { createSocketTransport, PodRequestError, RequestTooLongError, type SnapshotListener, type SocketTransport, type SocketTransportOptions } from './createSocketTransport.js';
export { resolvePodmeshPaths, podSocketPath, MAX_SOCKET_PATH_BYTES, UnsafeRuntimeDirError, type PodmeshPaths } from './podPaths.js';
export { PodAlreadyRunningError } from './acquirePodLock.js';
export { readPodProcess, podProcessPath, MAX_ARGV_ITEMS, MAX_ARGV_ITEM_CHARS, MAX_PROCESS_RECORD_BYTES, type PodProcessRecord } from './readPodProcess.js';
export { processBelongsToPod, recordedProcessState, type RecordedProcessState } from './processBelongsToPod.js';
export { stopPodProcess, PodStopError, type StopPodProcessOptions, type StopResult } from './stopPodProcess.js';
export {
  POD_METHODS,
  MAX_REQUEST_LINE_BYTES,
  MAX_RESPONSE_LINE_BYTES,
  MAX_PARAMS_DEPTH,
  type PodMethod,
  type PodPingResult,
  type PodRequest,
  type PodResponse,
  type PodSnapshotMessage,
  type ProtocolErrorCode,
} from './podProtocol.js';
export { readPodRows, readPodRow, knownPodNames, POD_ROW_CONCURRENCY, type PodRow, type PodRowSource } from './readPodRows.js';

/**
 * `podmesh/process`: pods as processes. A pod server on a Unix socket
 * (JSON lines, docs/protocol.md), the socket transport that reaches such
 * pods with liveness from the OS, and the folders both use.
 */
export { startPodServer, type PodServer, type PodServerOptions, type PodToolHandler } from './startPodServer.js';
export { createSocketTransport, PodRequestError, type SocketTransport, type SocketTransportOptions } from './createSocketTransport.js';
export { resolvePodmeshPaths, podSocketPath, MAX_SOCKET_PATH_BYTES, type PodmeshPaths } from './podPaths.js';
export { PodAlreadyRunningError } from './acquirePodLock.js';
export {
  POD_METHODS,
  MAX_REQUEST_LINE_BYTES,
  MAX_RESPONSE_LINE_BYTES,
  type PodMethod,
  type PodRequest,
  type PodResponse,
  type PodSnapshotMessage,
  type ProtocolErrorCode,
} from './podProtocol.js';

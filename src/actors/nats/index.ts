/**
 * `podmesh/nats`: pods on many hosts over NATS (docs/nats.md). A transport
 * (request/reply with acknowledgement, liveness from heartbeats, an
 * incarnation per start), a pod server that answers on the pod's subjects,
 * and a JetStream KV metadata store (one key per record, compare-and-set).
 * Pass the store and the transport to `createPodRuntime`.
 */
export { createNatsTransport, NatsPayloadTooLargeError, type NatsTransport, type NatsTransportOptions } from './createNatsTransport.js';
export {
  startNatsPodServer,
  NatsPodAlreadyRunningError,
  NATS_HEARTBEAT_MS,
  MAX_NATS_REQUESTS_IN_PROGRESS,
  type NatsPodServer,
  type NatsPodServerOptions,
} from './startNatsPodServer.js';
export { createNatsKvPodStore, DEFAULT_BUCKET, type NatsKvPodStore, type NatsKvPodStoreOptions } from './createNatsKvPodStore.js';
export { natsSubjects, natsToken, natsTokenText, validateNatsNamespace, DEFAULT_NATS_NAMESPACE, type NatsSubjects } from './natsSubjects.js';
export type { NatsHeartbeat, NatsIncarnation, NatsPodReply } from './natsPodWire.js';

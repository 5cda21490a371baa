import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';

/**
 * Opens a connection of podmesh's own (a pod server's, a transport's, a KV
 * store's) that never stops reconnecting: the client's default gives up after
 * 10 failed attempts per server (2 s apart), and a connection closed that way
 * stays closed, so a pod cut off from every server for some 20 s would run on
 * unserved, told `stopped` forever once its lease ran out
 * (tests/actors/nats/natsPartition.test.ts). The first connect still fails at
 * once when no server answers.
 */
export function connectNats(options: ConnectionOptions): Promise<NatsConnection> {
  return connect({ maxReconnectAttempts: -1, ...options });
}

import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { nanoid } from 'nanoid';
import { PodmeshError } from '../core/errors.js';
import { errorLine, redactUrl } from '../core/text.js';
import { connectNats } from '../actors/nats/connectNats.js';
import { createNatsKvPodStore, type NatsKvPodStore } from '../actors/nats/createNatsKvPodStore.js';
import { createNatsTransport, type NatsTransport } from '../actors/nats/createNatsTransport.js';
import { startNatsPodServer, type NatsPodServer } from '../actors/nats/startNatsPodServer.js';
import type { PodRuntime } from '../actors/runtime/createPodRuntime.js';
import type { SimRecords } from './simulationWorld.js';

// A loaded machine must not turn a slow answer into `unreachable`: that would change the trace.
const REQUEST_TIMEOUT_MS = 30_000;

/** Where a simulation over NATS runs: the server(s) its records and pods use. */
export interface SimulationNats {
  readonly servers: string | readonly string[];
}

/** The NATS parts of one simulation run, all on one bucket and namespace of its own. */
export interface NatsBackend {
  /** The runtime's store: the run's KV bucket. */
  readonly store: NatsKvPodStore;
  /** The same bucket as the world's faults see it, with `writeRaw` to plant a torn record. */
  readonly records: SimRecords;
  /** How the main runtime reaches the companions' runtime: over NATS. */
  readonly transport: NatsTransport;
  /** Serves a pod of the companions' runtime on the run's namespace. */
  serve(runtime: PodRuntime, name: string): Promise<void>;
  /** Closes the pod servers, the transport and the connection, and destroys the run's bucket. */
  close(): Promise<void>;
}

/**
 * Opens a simulation's NATS parts: a KV bucket and a namespace named after a
 * fresh id (so runs on one server never meet, and nothing of a run is left
 * once it is closed), the KV store on that bucket, a NATS transport and one
 * pod server per served pod.
 *
 * The transport's freshness cache is off (`freshMs: 0`) and its timeout is
 * long: both are wall-clock matters, and the simulation's steps must not
 * depend on how fast the machine runs them, so every probe asks the pod and
 * waits for its answer (the run's timeouts are injected, on the simulated
 * clock, by the faulty transport around this one).
 */
export async function openNatsBackend(nats: SimulationNats): Promise<NatsBackend> {
  const servers = typeof nats.servers === 'string' ? nats.servers : [...nats.servers];
  let nc: NatsConnection;
  try {
    nc = await connectNats({ servers, name: 'podmesh-simulation' });
  } catch (error) {
    throw new PodmeshError('invalid-argument', `cannot connect to NATS at ${redactUrl(String(servers))} (${errorLine(error, 160)})`, { cause: error });
  }
  const id = nanoid(10).replace(/[^A-Za-z0-9]/g, 'x');
  const bucket = `podmesh-sim-${id}`;
  const namespace = `sim-${id}`;
  const podServers: NatsPodServer[] = [];
  let store: NatsKvPodStore | undefined;
  let transport: NatsTransport | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(podServers.map((server) => server.close()));
    await transport?.close();
    await store?.close();
    await new Kvm(nc)
      .open(bucket)
      .then((kv) => kv.destroy())
      .catch(() => undefined);
    await nc.drain().catch(() => nc.close());
  };
  try {
    store = await createNatsKvPodStore({ connection: nc, bucket });
    transport = createNatsTransport({ connection: nc, namespace, freshMs: 0, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    const kv = await new Kvm(nc).open(bucket);
    const kvStore = store;
    const records: SimRecords = {
      ...kvStore,
      // Behind the store's back, as a torn write or another tool would leave it: the store's read must refuse it.
      async writeRaw(name: string, text: string): Promise<void> {
        await kv.put(kvStore.keyOf(name), text);
      },
    };
    return {
      store,
      records,
      transport,
      async serve(runtime, name) {
        podServers.push(await startNatsPodServer({ runtime, name, connection: nc, namespace }));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

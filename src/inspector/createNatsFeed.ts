import { inWaves } from '../actors/process/readPodRows.js';
import { redactUrl } from '../core/text.js';
import { connectNats } from '../actors/nats/connectNats.js';
import { createNatsKvPodStore } from '../actors/nats/createNatsKvPodStore.js';
import { createNatsTransport } from '../actors/nats/createNatsTransport.js';
import { decodeHeartbeat, isNewerIncarnation } from '../actors/nats/natsPodWire.js';
import { natsSubjects } from '../actors/nats/natsSubjects.js';
import { NATS_HEARTBEAT_MS } from '../actors/nats/startNatsPodServer.js';
import { createPodRowFeed } from './createPodRowFeed.js';
import type { InspectorFeed } from './inspectorFeed.js';

/** Options of {@link createNatsFeed}: where the pods are, as `podmesh --nats` reaches them. */
export interface NatsFeedOptions {
  readonly servers: string | readonly string[];
  /** The KV bucket of the records (default `podmesh-pods`). */
  readonly bucket?: string;
  /** The namespace of the records and the subjects (default: the CLI's, none for the records and `default` for the subjects). */
  readonly namespace?: string;
  /** How often the records are listed again, a net under the KV watch (default 10,000 ms). */
  readonly relistMs?: number;
  /** How often live pods are pinged for their counters and their records read (default 5,000 ms). */
  readonly refreshMs?: number;
}

/** A live row unheard for this long has missed two heartbeats: it is probed (a crash shows within the lease). */
const SILENT_MS = 2 * NATS_HEARTBEAT_MS;
/** The transport's lease: an unreachable row is probed every heartbeat interval until silent this long past {@link SILENT_MS}, then at each listing. */
const LEASE_MS = 3 * NATS_HEARTBEAT_MS;

/**
 * The feed of the pods on a NATS server (`podmesh inspect --nats URL`): the
 * rows of `podmesh ps --nats` with peers and children, as the home feed shows
 * them. Live without polling: the namespace's heartbeats update a row at once
 * when its status or activity changes (a goodbye makes it stopped; one that
 * comes up is read whole, for its pid and counts), and a live row that stops
 * beating is probed every heartbeat interval once silent for {@link SILENT_MS},
 * so it goes `unreachable`, then `stopped`, as the transport's lease says. A KV
 * watch of the records reads a pod whose record changed (peers, children, a
 * new or deleted pod); every `relistMs` the names are listed anyway, and every
 * `refreshMs` live pods are pinged for their counters. One connection serves
 * the store, the transport, the heartbeats and the watch.
 */
export async function createNatsFeed(options: NatsFeedOptions): Promise<InspectorFeed> {
  const relistMs = options.relistMs ?? 10_000;
  const refreshMs = options.refreshMs ?? 5000;
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  const subjects = natsSubjects(options.namespace);
  const nc = await connectNats({ servers, name: 'podmesh-inspect' });
  const closeConnection = (): Promise<void> => nc.drain().catch(() => nc.close());
  let store: Awaited<ReturnType<typeof createNatsKvPodStore>>;
  try {
    store = await createNatsKvPodStore({
      connection: nc,
      ...(options.bucket === undefined ? {} : { bucket: options.bucket }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    });
  } catch (error) {
    await closeConnection();
    throw error;
  }
  const transport = createNatsTransport({ connection: nc, namespace: subjects.namespace });
  const feed = createPodRowFeed({ store, transport });
  const { rows, read } = feed;
  /** When each pod's last heartbeat came (ms, performance clock); a pod not heard yet counts from the feed's start. */
  const beaten = new Map<string, number>();
  const started = performance.now();
  const silence = (name: string, now: number): number => now - (beaten.get(name) ?? started);

  const heartbeats = nc.subscribe(subjects.liveWildcard, {
    callback: (error, msg) => {
      const name = error === null ? subjects.nameOfLive(msg.subject) : undefined;
      const beat = name === undefined ? undefined : decodeHeartbeat(msg.string());
      if (name === undefined || beat === undefined || feed.isClosed()) return;
      // A superseded process still beating (a pod that started again elsewhere) is not the pod.
      const current = transport.incarnation(name);
      if (current !== undefined && current.incarnation !== beat.incarnation && !isNewerIncarnation(beat, current)) return;
      beaten.set(name, performance.now());
      const row = rows.get(name);
      // A live pod without a record is still a pod (`ps` shows it); a goodbye of an unknown name is nothing.
      if (row === undefined) {
        if (beat.status !== 'stopped') void read(name);
      } else if (row.status !== beat.status || row.activity !== (beat.activity ?? null)) feed.heard(name, beat.status, beat.activity);
    },
  });
  let stopWatch: (() => void) | undefined;
  try {
    // A deleted record of a stopped pod is a pod no more; any other change is read (once per burst).
    stopWatch = await store.watchNames((name, deleted) => (deleted && rows.get(name)?.status === 'stopped' ? feed.remove(name) : feed.mark(name)));
    await nc.flush();
  } catch (error) {
    heartbeats.unsubscribe();
    await closeConnection();
    throw error;
  }

  /** Probes the rows that should be beating and are not: a SIGKILLed pod says no goodbye. */
  const probeSilent = async (): Promise<void> => {
    const now = performance.now();
    const silent = [...rows.values()].filter((row) => {
      const quiet = silence(row.name, now);
      return quiet >= SILENT_MS && (row.status === 'live' || (row.status === 'unreachable' && quiet < SILENT_MS + LEASE_MS));
    });
    await inWaves(
      silent.map((row) => row.name),
      read,
    );
  };
  /** The records' names, and the pods heard alive without one; an unreachable pod is looked at again. */
  const relist = async (): Promise<void> => {
    const names = new Set(await store.listNames());
    for (const row of rows.values()) if (row.status !== 'stopped') names.add(row.name);
    const unreachable = [...rows.values()].filter((row) => row.status === 'unreachable').map((row) => row.name);
    await feed.sync([...names].sort());
    await inWaves(unreachable, read);
  };

  await relist();
  feed.every(NATS_HEARTBEAT_MS, probeSilent, 'probe the silent pods');
  feed.every(relistMs, relist, 'list the pods on NATS');
  feed.every(refreshMs, feed.refreshLive, 'refresh the live pods');

  return feed.feed(servers.map(redactUrl).join(','), async () => {
    stopWatch?.();
    heartbeats.unsubscribe();
    await transport.close();
    await store.close();
    await closeConnection();
  });
}

/**
 * A pod metadata store on a JetStream KV bucket, so that runtimes on several
 * hosts share one workspace (issue 11).
 *
 * KV layout: one key per pod record, `[<namespace>.]pod.<token>`, where the
 * token is the pod's name escaped into one subject token (natsKeyToken.ts:
 * no dot, no wildcard, reversible, collision-free). The value is the record's
 * JSON text, the very text the file store writes; it is read back through the
 * same validators (`parseRecord`, the size cap, fatal UTF-8), so a bad value
 * is the same `CorruptMetadataError` as a bad file.
 *
 * Every write is a compare-and-set on the revision it read: `kv.create` (an
 * expected revision of 0) when there is no record, `kv.update(key, value,
 * revision)` otherwise, and a delete carries the revision too. A conflict (API
 * error 10071: another writer got there first) reads again and applies the
 * change again, a bounded number of times with jittered backoff; so updates
 * of one record never lose each other, across processes and hosts alike.
 * A write whose answer never came (a timeout, a server of the cluster dying)
 * may have landed: the next attempt reads first, and finding exactly the text
 * it wrote at a newer revision takes it as landed instead of applying the
 * change twice.
 *
 * The reciprocal relation: per-pod peer lists, written by the runtime's
 * marked protocol (ensureExistingPeer.ts, `pendingPeers`), not edge keys.
 * Every step of that protocol is one `update` of one record, so one CAS on
 * one key here: a crash (kill -9) between two steps leaves marks that the next
 * ensure or start of either pod finishes, exactly as with the file store, and
 * never an unmarked one-sided relation. Canonical edge keys
 * (`edge.<lower>.<higher>`) would make each relation atomic by itself, but a
 * pod's peers would then be a key listing (a consumer per read, on the path
 * of every notify, where today a read of one key tells visibility), and
 * `write`/`setPeers`/`delete` of a record would become many edge keys, a
 * multi-key change again with no atomic batch on 2.9 (docs/nats.md).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import { CorruptMetadataError, PodmeshError, StateMissingError } from '../../core/errors.js';
import { deepFreeze, parseRecord, toStoredRecord, type StoredRecord } from '../../core/podRecord.js';
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';
import { isValidPodName, validatePodName } from '../../core/validatePodName.js';
import { DEFAULT_MAX_RECORD_BYTES } from '../stores/readRecordFile.js';
import { recordMethods } from '../stores/recordMethods.js';
import { connectNats } from './connectNats.js';
import { fromKeyToken, toKeyToken } from './natsKeyToken.js';
import { backoffMs, classifyFailure, DEFAULT_RETRY_POLICY, retriesExhausted, UNAVAILABLE_DELAY_MS, type RetryPolicy } from './retryCompareAndSet.js';

/** Options of {@link createNatsKvPodStore}: `servers` to connect, or an open `connection`. */
export type NatsKvPodStoreOptions = (
  | { readonly servers: string | readonly string[]; readonly connection?: undefined }
  | { readonly connection: NatsConnection; readonly servers?: undefined }
) & {
  /** The KV bucket (default `podmesh-pods`), created when missing. */
  readonly bucket?: string;
  /** Keeps this workspace's records apart from others' in one bucket (any string; escaped like a pod name). */
  readonly namespace?: string;
  /**
   * Replicas of a bucket this call creates (1, 3 or 5; default 1). Caution on
   * nats-server 2.9 (Debian's 2.9.10, measured): a replicated stream accepts
   * every one of several concurrent updates that expect the same revision
   * (10 of 10), so compare-and-set, and with it "no lost update", holds there
   * only with 1 replica (1 of 10, as it should).
   */
  readonly replicas?: number;
  /** The largest record value, in bytes (default 1 MiB, at most the server's payload limit less 4 KiB). */
  readonly maxRecordBytes?: number;
  /** Bounds of the compare-and-set retry loop. */
  readonly retry?: Partial<RetryPolicy>;
};

/** A KV store: a {@link PodMetadataStore} that owns a bucket handle (and the connection it opened). */
export interface NatsKvPodStore extends PodMetadataStore {
  /** The KV key a pod's record lives under. */
  keyOf(name: string): string;
  /**
   * Hears the name of every record written or deleted from now on (a KV
   * watch of this store's keys, not a poll); resolves once watching, to the stop.
   */
  watchNames(onChange: (name: string, deleted: boolean) => void): Promise<() => void>;
  /** Closes the connection when the store opened it; a given `connection` is left open. */
  close(): Promise<void>;
}

/** The bucket podmesh uses when none is named. */
export const DEFAULT_BUCKET = 'podmesh-pods';

// Room for the headers of a publish (expected revision, message id) within the server's payload limit.
const HEADER_ROOM = 4096;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** One read of a key: its record (or `null`), the revision a write must expect, and its stored text. */
interface Current {
  readonly record: PodMetadata | null;
  readonly revision: number;
  readonly text: string | undefined;
}

/**
 * Opens (creating when missing) the bucket and returns a store on it. Names
 * are validated before any request, as every store does.
 */
export async function createNatsKvPodStore(options: NatsKvPodStoreOptions): Promise<NatsKvPodStore> {
  const bucket = options.bucket ?? DEFAULT_BUCKET;
  const replicas = options.replicas ?? 1;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (!Number.isSafeInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new TypeError('retry.maxAttempts must be a positive integer');
  const owned = options.connection === undefined;
  const nc = options.connection ?? (await connectNats({ servers: typeof options.servers === 'string' ? options.servers : [...options.servers] }));
  let kv: KV;
  try {
    kv = await new Kvm(nc).create(bucket, { replicas, history: 1 });
  } catch (error) {
    if (owned) await nc.close();
    throw error;
  }
  const serverLimit = (nc.info?.max_payload ?? DEFAULT_MAX_RECORD_BYTES + HEADER_ROOM) - HEADER_ROOM;
  const maxRecordBytes = options.maxRecordBytes ?? Math.min(DEFAULT_MAX_RECORD_BYTES, serverLimit);
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 1) {
    if (owned) await nc.close();
    throw new TypeError('maxRecordBytes must be a positive integer');
  }

  const prefix = options.namespace === undefined ? 'pod.' : `${toKeyToken(options.namespace)}.pod.`;
  // Only ever called with a validated name.
  const keyOf = (name: string): string => `${prefix}${toKeyToken(name)}`;

  /**
   * Runs `attempt` until it settles: again after a conflict (at most
   * `maxAttempts` of them, jittered), and again while the server is
   * unavailable (for at most `unavailableMs`), telling the next attempt
   * that an earlier one may have landed.
   */
  async function withRetries<T>(key: string, attempt: (ambiguous: boolean) => Promise<T>): Promise<T> {
    let ambiguous = false;
    let conflicts = 0;
    let unavailableSince: number | undefined;
    for (let i = 1; ; i += 1) {
      try {
        return await attempt(ambiguous);
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure === 'fatal') throw error;
        if (failure === 'conflict') {
          conflicts += 1;
          if (conflicts >= policy.maxAttempts) throw retriesExhausted(key, i, error);
          await sleep(backoffMs(conflicts, policy.maxDelayMs));
        } else {
          ambiguous = true;
          unavailableSince ??= performance.now();
          if (performance.now() - unavailableSince >= policy.unavailableMs) throw retriesExhausted(key, i, error);
          await sleep(backoffMs(i, UNAVAILABLE_DELAY_MS));
        }
      }
    }
  }

  /** `name`'s record as the key holds it, checked by the file store's validators; a deleted key holds none. */
  async function readCurrent(name: string): Promise<Current> {
    const entry = await kv.get(keyOf(name));
    if (entry === null) return { record: null, revision: 0, text: undefined };
    // A delete leaves a marker whose revision the next create must expect.
    if (entry.operation !== 'PUT') return { record: null, revision: entry.revision, text: undefined };
    if (entry.value.length > maxRecordBytes) throw new CorruptMetadataError(name, `larger than ${maxRecordBytes} bytes`);
    const text = utf8Text(entry.value);
    if (text === undefined) throw new CorruptMetadataError(name, 'not UTF-8 text');
    return { record: deepFreeze(parseRecord(name, text)), revision: entry.revision, text };
  }

  /** `revision` 0 creates (the key must hold no record), any other must still be the key's last. */
  const put = (key: string, text: string, revision: number): Promise<number> =>
    revision === 0 ? kv.create(key, encoder.encode(text)) : kv.update(key, encoder.encode(text), revision);

  /** `name`'s record ready to store, refused when it would not read back (over the size cap; toStoredRecord refuses deep ones). */
  function storable(name: string, record: unknown): StoredRecord {
    const stored = toStoredRecord(name, record);
    const bytes = Buffer.byteLength(stored.text);
    if (bytes > maxRecordBytes) {
      throw new PodmeshError('invalid-argument', `the record of pod ${JSON.stringify(name)} is ${bytes} bytes, over the store's ${maxRecordBytes}`);
    }
    return stored;
  }

  /**
   * Read-modify-write of one record as a compare-and-set loop: a conflict
   * reads again and calls `fn` again. After an attempt whose outcome is
   * unknown, finding its own text stored means that attempt landed.
   */
  function update(name: string, fn: (record: PodMetadata) => PodMetadata): Promise<PodMetadata> {
    const key = keyOf(name);
    let tried: StoredRecord | undefined;
    return withRetries(key, async (ambiguous) => {
      const current = await readCurrent(name);
      if (current.record === null) throw new StateMissingError(name);
      if (ambiguous && tried !== undefined && current.text === tried.text) return tried.record;
      const next = fn(current.record);
      if (next === current.record) return current.record;
      const stored = storable(name, next);
      tried = stored;
      await put(key, stored.text, current.revision);
      return stored.record;
    });
  }

  const readRecord = async (name: string): Promise<PodMetadata | null> =>
    withRetries(keyOf(name), async () => (await readCurrent(name)).record);

  return {
    keyOf: (name) => keyOf(validatePodName(name)),
    read: async (name) => readRecord(validatePodName(name)),
    async write(record) {
      const name = validatePodName(record.name);
      const stored = storable(name, record);
      // Whatever the key holds, valid or not, is replaced: only the revision is read.
      const key = keyOf(name);
      let tried = false;
      await withRetries(key, async (ambiguous) => {
        const entry = await kv.get(key);
        const revision = entry?.revision ?? 0;
        if (ambiguous && tried && entry?.operation === 'PUT' && utf8Text(entry.value) === stored.text) return;
        tried = true;
        await put(key, stored.text, revision);
      });
    },
    ...recordMethods(update),
    async listNames() {
      const names: string[] = [];
      for await (const key of await kv.keys(`${prefix}*`)) {
        const name = fromKeyToken(key.slice(prefix.length));
        // A key this store did not write (another tool's) holds no pod record.
        if (name !== undefined && isValidPodName(name)) names.push(name);
      }
      return names.sort();
    },
    async watchNames(onChange) {
      const entries = await kv.watch({ key: `${prefix}*`, include: 'updates' });
      void (async () => {
        for await (const entry of entries) {
          const name = fromKeyToken(entry.key.slice(prefix.length));
          if (name !== undefined && isValidPodName(name)) onChange(name, entry.operation !== 'PUT');
        }
      })().catch(() => undefined); // a watch ends with its connection
      return () => entries.stop();
    },
    async delete(name) {
      const key = keyOf(validatePodName(name));
      let tried = false;
      return withRetries(key, async (ambiguous) => {
        const entry = await kv.get(key);
        if (entry === null || entry.operation !== 'PUT') return ambiguous && tried;
        tried = true;
        await kv.delete(key, { previousSeq: entry.revision });
        return true;
      });
    },
    async close() {
      if (owned && !nc.isClosed()) await nc.close();
    },
  };
}

function utf8Text(value: Uint8Array): string | undefined {
  try {
    return utf8.decode(value);
  } catch {
    return undefined;
  }
}

/**
 * The data types every room shares. All are plain JSON-safe data.
 */
import type { PodmeshErrorCode } from './errors.js';

/** Durable metadata of one pod. Unknown fields are kept on rewrite. */
export interface PodMetadata {
  readonly name: string;
  readonly role?: string;
  readonly workspaceRoot?: string;
  /** Unique and sorted in code-unit order. */
  readonly peers: readonly string[];
  readonly spawnedChildren: readonly string[];
  /**
   * Peers a relation is being made with (docs/behaviour.md §4): present only
   * between the writes of an ensure, or after a crash interrupted one.
   */
  readonly pendingPeers?: readonly string[];
  readonly [field: string]: unknown;
}

/** Durable store of pod metadata; every method validates names before any I/O. */
export interface PodMetadataStore {
  /** The record, or `null` when there is none; a bad record throws `CorruptMetadataError`. */
  read(name: string): Promise<PodMetadata | null>;
  /**
   * Optional, for stores that keep their records in memory: `read` without
   * the promise (same validation, same errors, thrown). The runtime uses it
   * on its hot paths when a store has it.
   */
  readNow?(name: string): PodMetadata | null;
  /** Writes a whole record (peers normalised to unique and sorted). */
  write(record: PodMetadata): Promise<void>;
  /**
   * Replaces the record with `fn(current)`; returning `current` itself writes nothing.
   * Throws `StateMissingError` when there is no record. Updates of one record never lose each other.
   */
  update(name: string, fn: (current: PodMetadata) => PodMetadata): Promise<PodMetadata>;
  /** Adds `peer` to `name`'s peers; `true` when that changed the record (no write otherwise). */
  addPeer(name: string, peer: string): Promise<boolean>;
  /** Removes `peer` from `name`'s peers; `true` when that changed the record. */
  removePeer(name: string, peer: string): Promise<boolean>;
  /** Replaces `name`'s peers. */
  setPeers(name: string, peers: readonly string[]): Promise<void>;
  /** Names of all stored records, sorted. */
  listNames(): Promise<string[]>;
  /** Removes a record; `true` when there was one. */
  delete(name: string): Promise<boolean>;
}

/** Where a visible pod stands from the viewing pod; the first reason wins. */
export type Visibility = 'self' | 'spawned-child' | 'peer';

/** Coarse status of a pod. */
export type PodStatus = 'live' | 'stopped' | 'unreachable';

/** What a live pod is doing. */
export type PodActivity = 'idle' | 'running' | 'paused';

/** Liveness as seen by a probe. */
export interface PodLiveness {
  readonly status: PodStatus;
  readonly activity?: PodActivity;
  /** Why a pod is not live (for example the OS error of a failed probe). */
  readonly reason?: string;
}

/** What a weak notify came to (docs/behaviour.md §5), discriminated on `type`. */
export type WeakNotifyOutcome =
  | { readonly type: 'delivered' }
  | { readonly type: 'skipped-missing' }
  | { readonly type: 'skipped-not-visible' }
  | { readonly type: 'skipped-not-peer'; readonly visibility: 'self' | 'spawned-child' }
  | { readonly type: 'skipped-not-live'; readonly status: 'stopped' | 'unreachable'; readonly reason?: string }
  | { readonly type: 'send-failed'; readonly error: string };

/** Outcome type names of {@link WeakNotifyOutcome}. */
export type WeakNotifyOutcomeType = WeakNotifyOutcome['type'];

/** A peer relation that `ensureExistingPeer` holds in both records. */
export interface PeerRelation {
  readonly source: string;
  readonly peer: string;
}

/**
 * What an ensure of a peer relation came to, as data: the relation, a peer
 * with no record (nothing written), or a failure with its one-line error.
 */
export type PeerEnsureResult =
  | { readonly type: 'ensured'; readonly relation: PeerRelation }
  | { readonly type: 'peer-missing' }
  | { readonly type: 'failed'; readonly error: string; readonly code?: PodmeshErrorCode };

/** A change of one pod's queue of notices: the `consumed` oldest went, then `added` came (or the whole `queue`). */
export type NoticeQueueChange =
  | { readonly consumed: number; readonly added: readonly string[] }
  | { readonly queue: readonly string[] };

/**
 * Where pods keep the notices they accepted until a turn consumes them, so an
 * acknowledged notice outlives the process (docs/behaviour.md §3). Messages
 * are kept as sent, oldest first.
 */
export interface NoticeJournal {
  /** The queue `pod` had, oldest first, and how many damaged entries were skipped to read it. */
  load(pod: string): Promise<{ readonly queue: readonly string[]; readonly skipped: number }>;
  /** Records a change of `pod`'s queue; resolves once it is durable (changes waiting together share one flush). */
  record(pod: string, change: NoticeQueueChange): Promise<void>;
  /** Forgets `pod`'s queue (its record was removed). */
  remove(pod: string): Promise<void>;
  /** Closes open files; the runtime calls it when it stops. */
  close?(): Promise<void>;
}

/**
 * How a runtime reaches pods it does not run itself (other processes, other
 * hosts). In-process pods never go through it.
 */
export interface PodTransport {
  /** Liveness of `name`, or `undefined` when this transport does not serve it. */
  probe(name: string): PodLiveness | undefined | Promise<PodLiveness | undefined>;
  /**
   * Resolves once the target acknowledged the notice into its buffer; rejects otherwise.
   * `from` is the sending pod's name, for a transport that can tell the target (the socket transport does).
   */
  notify(name: string, message: string, options: { readonly autoRun: boolean; readonly from?: string }): void | Promise<void>;
  /** Releases connections; the runtime calls it when it stops. */
  close?(): void;
}

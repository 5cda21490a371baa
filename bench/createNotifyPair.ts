/**
 * A sender and a live reciprocal peer inside a runtime, with timed batches of
 * weak notifies and of direct pod notifies, and an untimed drain that empties
 * the peer's buffer between batches (it holds 128 notices; an overflow would
 * add a drop and a warn diagnostic to the timed path).
 */
import { formatOutcome, type PodRuntime, type WeakNotifyOutcome } from '../src/index.js';
import type { PodDiscovery } from '../src/actors/runtime/createDiscovery.js';
import { turns } from './stats.js';

/**
 * Runtime options of the notify loops. Only the history is cut: each drain
 * records a turn holding up to 100 notices, and the default 1,000 turns would
 * keep ~100,000 notice strings alive and slow every later collection. The
 * history is written only by the untimed drain, never on a notify path.
 */
export const NOTIFY_RUNTIME_OPTIONS = { historyLimit: 16 } as const;

/** Largest batch: stays under the default notify buffer of 128. */
export const MAX_BATCH = 100;

/** A ticket-notice-sized message, the same on every side. */
export const NOTICE = [
  'Ticket event notice (weak; autoRun=false)',
  'ticket: 01JBENCH0000000000000000',
  'title: Add rate limiting to the public API',
  'state: inprogress',
  'event: comment/plan',
  'summary: plan comment added',
  'ref: tickets/01JBENCH0000000000000000/thread.md',
].join('\n');

/** One weak notify of {@link NOTICE} from `view` to `peer`; throws, naming `what`, unless it was delivered. */
export async function deliverOrThrow(view: PodDiscovery, peer: string, what: string): Promise<void> {
  const outcome = await view.sendWeakNotifyToLivePeer(peer, NOTICE);
  if (outcome.type !== 'delivered') throw new Error(`${what} to ${peer} was ${formatOutcome(outcome)}`);
}

export interface NotifyPair {
  /** Times `count` awaited weak notifies from the sender to the peer; microseconds per notify. */
  weak(count: number): Promise<number>;
  /**
   * Times `count` rounds of `ensureExistingPeer(peer)` (already reciprocal:
   * reads only) followed by a weak notify; microseconds per round.
   */
  ensureAndWeak(count: number): Promise<number>;
  /** Times `count` `pod.notify` events sent straight to the peer's actor; microseconds per send. */
  direct(count: number): number;
  /** Empties the peer's buffer with a default turn (untimed). */
  drain(): Promise<void>;
}

function checkBatch(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_BATCH) throw new Error(`batch must be 1..${MAX_BATCH}, got ${count}`);
}

/**
 * Spawns `self` and `peer` if they are not running yet, makes them reciprocal
 * peers and checks that a weak notify is delivered.
 */
export async function createNotifyPair(runtime: PodRuntime, self: string, peer: string): Promise<NotifyPair> {
  await runtime.spawnPod({ name: self });
  const target = await runtime.spawnPod({ name: peer });
  const discovery = runtime.discovery(self);
  if ((await discovery.ensureExistingPeer(peer)) === null) throw new Error(`${peer} has no record`);
  const actor = target.actor;
  const accepted = (): number => actor.getSnapshot().context.accepted;

  const drain = async (): Promise<void> => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (target.pendingNotices().length === 0 && target.activity === 'idle') return;
      if (target.activity === 'idle') target.run();
      await turns(2);
    }
    throw new Error(`could not drain ${peer}: ${target.pendingNotices().length} notices left, ${target.activity ?? target.status}`);
  };

  const timeWeak = async (count: number, ensureFirst: boolean): Promise<number> => {
    checkBatch(count);
    let failed: WeakNotifyOutcome | undefined;
    let missing = false;
    const start = performance.now();
    for (let i = 0; i < count; i += 1) {
      if (ensureFirst && (await discovery.ensureExistingPeer(peer)) === null) missing = true;
      const outcome = await discovery.sendWeakNotifyToLivePeer(peer, NOTICE);
      if (outcome.type !== 'delivered') failed = outcome;
    }
    const elapsed = performance.now() - start;
    if (missing) throw new Error(`ensureExistingPeer(${peer}) found no record`);
    if (failed !== undefined) throw new Error(`weak notify to ${peer}: ${formatOutcome(failed)}`);
    return (elapsed * 1000) / count;
  };

  const pair: NotifyPair = {
    weak: (count) => timeWeak(count, false),
    ensureAndWeak: (count) => timeWeak(count, true),
    direct(count) {
      checkBatch(count);
      const before = accepted();
      const start = performance.now();
      for (let i = 0; i < count; i += 1) actor.send({ type: 'pod.notify', message: NOTICE, autoRun: false });
      const elapsed = performance.now() - start;
      if (accepted() - before !== count) throw new Error(`${peer} accepted ${accepted() - before} of ${count} direct notifies`);
      return (elapsed * 1000) / count;
    },
    drain,
  };
  await pair.weak(1);
  await drain();
  return pair;
}

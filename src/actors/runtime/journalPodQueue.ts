import type { NoticeJournal, NoticeQueueChange } from '../../core/types.js';
import { noticeMessage, pendingQueue } from '../../machines/podMachine.js';
import type { PodActorRef } from './createPodHandle.js';

/** A pod's queue kept in a journal as its actor changes it. */
export interface PodQueueJournal {
  /** Resolves once the latest change is durable (a write after a failed one records the whole queue, so it covers the earlier ones too); rejects when that write failed. */
  settled(): Promise<void>;
  /** Stops following the actor. */
  stop(): void;
}

/**
 * What turned `before` into `after`: a few oldest dropped and some appended
 * (what notifies, turns and overflows do), else the whole new queue. Notices
 * are compared as strings, so a queue rebuilt with the same texts is unchanged.
 */
function queueChange(before: readonly string[], after: readonly string[]): NoticeQueueChange | null {
  for (let consumed = 0; consumed <= before.length; consumed += 1) {
    const kept = before.length - consumed;
    if (kept > after.length) continue;
    let same = true;
    for (let i = 0; i < kept && same; i += 1) same = before[consumed + i] === after[i];
    if (!same) continue;
    if (consumed === 0 && kept === after.length) return null;
    return { consumed, added: after.slice(kept).map(noticeMessage) };
  }
  return { queue: after.map(noticeMessage) };
}

/**
 * Follows `actor`'s queue (the running turn's notices, then the buffer) and
 * records every change in `journal`, in order. A notice accepted by the actor
 * is acknowledged only once `settled()` resolves. Starts from `initial`, the
 * rendered queue the actor was restored with; when the journal held
 * `dropped` more (the oldest, which the buffer could not take), that drop is
 * recorded first.
 */
export function journalPodQueue(
  journal: NoticeJournal,
  name: string,
  actor: PodActorRef,
  { initial, dropped }: { readonly initial: readonly string[]; readonly dropped: number },
  onFailure: (error: unknown) => void,
): PodQueueJournal {
  let persisted = initial;
  let last: Promise<void> = Promise.resolve();
  if (dropped > 0) {
    last = journal.record(name, { consumed: dropped, added: [] });
    last.catch(onFailure);
  }
  const subscription = actor.subscribe((snapshot) => {
    const now = pendingQueue(snapshot.context);
    if (now === persisted) return;
    const change = queueChange(persisted, now);
    persisted = now;
    if (change === null) return;
    last = journal.record(name, change);
    last.catch(onFailure);
  });
  return {
    settled: () => last,
    stop: () => subscription.unsubscribe(),
  };
}

import type { NoticeJournal, NoticeQueueChange } from '../../core/types.js';
import { noticeMessage, pendingQueue, renderNotice } from '../../machines/podMachine.js';
import type { PodActorRef } from './createPodHandle.js';

/** A pod's queue kept in a journal as its actor changes it. */
export interface PodQueueJournal {
  /** Resolves once every change so far is durable; rejects when writing one of them failed. */
  settled(): Promise<void>;
  /** Stops following the actor. */
  stop(): void;
}

/**
 * What turned `before` into `after`: a few oldest dropped and some appended
 * (what notifies, turns and overflows do), else the whole new queue. Notices
 * are compared as strings, so a queue rebuilt with the same texts is unchanged.
 */
export function queueChange(before: readonly string[], after: readonly string[]): NoticeQueueChange | null {
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
 * rendered queue the actor was restored with; when the journal held more
 * (`journaled`, which the buffer could not take whole), the difference is
 * recorded first, as the drop it is.
 */
export function journalPodQueue(
  journal: NoticeJournal,
  name: string,
  actor: PodActorRef,
  { journaled, initial }: { readonly journaled: readonly string[]; readonly initial: readonly string[] },
  onFailure: (error: unknown) => void,
): PodQueueJournal {
  let persisted = initial;
  let last: Promise<void> = Promise.resolve();
  const restoredChange = queueChange(journaled.map(renderNotice), initial);
  if (restoredChange !== null) {
    last = journal.record(name, restoredChange);
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

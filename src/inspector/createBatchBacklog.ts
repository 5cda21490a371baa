import type { InspectorEvent } from '../core/inspectorProtocol.js';

/** xstate and other non-decision, non-pod events a backlog keeps before it drops the oldest of them. */
export const BACKLOG_OTHER_LIMIT = 5000;

/** Events waiting for one page, coalesced so that a page that cannot keep up costs bounded memory. */
export interface BatchBacklog {
  push(events: readonly InspectorEvent[]): void;
  /** Everything waiting, in order, and empties the backlog. */
  take(): InspectorEvent[];
  /** Events waiting. */
  size(): number;
  /** Decisions waiting (they are never dropped). */
  decisions(): number;
}

const keyOf = (event: InspectorEvent): string | undefined =>
  event.type === 'podmesh.pod' ? event.pod.name : event.type === 'podmesh.podRemoved' ? event.name : undefined;

/**
 * A page's backlog: pod rows (`podmesh.pod`, `podmesh.podRemoved`) are
 * coalesced by name (the newest stands, at its own place in the order), a
 * `podmesh.pods` replaces every row before it, decisions are never dropped,
 * and of the other events only the newest {@link BACKLOG_OTHER_LIMIT} are
 * kept (a `podmesh.diagnostic` then says how many went).
 */
export function createBatchBacklog(otherLimit = BACKLOG_OTHER_LIMIT): BatchBacklog {
  let entries: (InspectorEvent | undefined)[] = [];
  const rows = new Map<string, number>();
  let live = 0;
  let others = 0;
  let decisions = 0;
  let dropped = 0;

  const dropOldestOthers = (): void => {
    // Down to half the limit at once, so the scan is paid once per limit/2 events.
    for (let i = 0; i < entries.length && others > otherLimit / 2; i += 1) {
      const event = entries[i];
      if (event === undefined || event.type === 'podmesh.decision' || keyOf(event) !== undefined || event.type === 'podmesh.pods' || event.type === 'podmesh.hello') continue;
      entries[i] = undefined;
      others -= 1;
      live -= 1;
      dropped += 1;
    }
  };

  return {
    push(events) {
      for (const event of events) {
        const key = keyOf(event);
        if (key !== undefined) {
          const at = rows.get(key);
          if (at !== undefined) {
            entries[at] = undefined;
            live -= 1;
          }
          rows.set(key, entries.length);
        } else if (event.type === 'podmesh.pods') {
          for (const at of rows.values()) entries[at] = undefined;
          live -= rows.size;
          rows.clear();
        } else if (event.type === 'podmesh.decision') {
          decisions += 1;
        } else if (event.type !== 'podmesh.hello') {
          others += 1;
        }
        entries.push(event);
        live += 1;
      }
      if (others > otherLimit) dropOldestOthers();
    },
    take() {
      const out: InspectorEvent[] = [];
      if (dropped > 0) {
        out.push({ type: 'podmesh.diagnostic', at: Date.now(), level: 'warn', message: `the page fell behind: ${dropped} xstate events were dropped (pod rows and decisions are kept)` });
      }
      for (const event of entries) if (event !== undefined) out.push(event);
      entries = [];
      rows.clear();
      live = 0;
      others = 0;
      decisions = 0;
      dropped = 0;
      return out;
    },
    size: () => live,
    decisions: () => decisions,
  };
}

/** Follows what a feed pushes, for a test that waits for a row to become something (bounded by the caller's `within`). */
import type { InspectorEvent, PodEvent, PodView } from '../../src/core/inspectorProtocol.js';
import type { InspectorFeed } from '../../src/inspector/index.js';

/** The events a feed pushed so far and a wait for one of them. */
export interface FollowedRows {
  /** Every event so far, in order. */
  readonly events: InspectorEvent[];
  /** The first pushed row of `name` that `check` accepts, among the events from index `from` (default 0) on. */
  next(name: string, check: (pod: PodView) => boolean, from?: number): Promise<PodView>;
  stop(): void;
}

export function followRows(feed: InspectorFeed): FollowedRows {
  const events: InspectorEvent[] = [];
  const wake = new Set<() => void>();
  const unsubscribe = feed.subscribe((batch) => {
    events.push(...batch);
    for (const look of [...wake]) look();
  });
  return {
    events,
    next: (name, check, from = 0) =>
      new Promise((resolve) => {
        const look = (): void => {
          const found = events.slice(from).find((e): e is PodEvent => e.type === 'podmesh.pod' && e.pod.name === name && check(e.pod));
          if (found === undefined) return;
          wake.delete(look);
          resolve(found.pod);
        };
        wake.add(look);
        look();
      }),
    stop() {
      unsubscribe();
      wake.clear();
    },
  };
}

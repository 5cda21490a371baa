import type { HelloEvent, InspectorEvent, PodView } from '../core/inspectorProtocol.js';

/**
 * Where an inspector server's stream comes from: a runtime, a home, or a
 * recorded trace. The server asks `hello()`, `pods()` and `recent()` for a
 * page that connects, then forwards what `subscribe` pushes.
 */
export interface InspectorFeed {
  /** The stream's first event: mode, source, and the statecharts it names. */
  hello(): HelloEvent;
  /** Every pod as it is now. */
  pods(): PodView[];
  /** Events kept for a page that connects later (decisions, actors), oldest first; none when absent. */
  recent?(): InspectorEvent[];
  /** A replay's trace file, served whole at `/api/trace`; absent for live feeds. */
  readonly tracePath?: string;
  /** Hears every batch of events from now on, in the order they happened; returns the unsubscribe. */
  subscribe(listener: (events: InspectorEvent[]) => void): () => void;
  /** Stops following the source and releases what the feed holds. */
  close(): void | Promise<void>;
}

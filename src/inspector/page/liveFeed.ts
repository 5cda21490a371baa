/**
 * The live feed: an EventSource on the page's own origin, each message one
 * InspectorBatch. Batches are handed over as they come; the shell applies
 * them once per animation frame. A dropped connection is reported and
 * opened again (EventSource retries by itself; a closed one is replaced,
 * with a growing delay up to 5 s).
 */
import type { InspectorBatch } from '../../core/inspectorProtocol.js';

/** The connection's state, as the header shows it. */
export type FeedState = 'connecting' | 'connected' | 'disconnected';

/** Opens the feed; returns a function that closes it. */
export function connectFeed(url: string, onBatch: (batch: InspectorBatch) => void, onState: (state: FeedState) => void): () => void {
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let delay = 250;
  let closed = false;

  const open = (): void => {
    onState('connecting');
    const es = new EventSource(url);
    source = es;
    es.onopen = () => {
      delay = 250;
      onState('connected');
    };
    es.onmessage = (message: MessageEvent<string>) => {
      let batch: InspectorBatch;
      try {
        batch = JSON.parse(message.data) as InspectorBatch;
      } catch {
        return; // Not a batch (a comment or a keep-alive the server chose to send as data).
      }
      if (Array.isArray(batch.events)) onBatch(batch);
    };
    es.onerror = () => {
      onState('disconnected');
      if (es.readyState !== EventSource.CLOSED || closed) return;
      retry = setTimeout(open, delay);
      delay = Math.min(5000, delay * 2);
    };
  };
  open();
  return () => {
    closed = true;
    if (retry) clearTimeout(retry);
    source?.close();
  };
}

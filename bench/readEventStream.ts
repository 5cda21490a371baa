/**
 * A Node client of the inspector's live feed (`GET /api/events`, server-sent
 * events whose `data:` lines are `{ events: [...] }` batches): it reads and
 * parses every batch as a page would, and counts events by type, so a bench
 * can check that the stream kept up and dropped no decision.
 */
import type { InspectorBatch } from '../src/core/inspectorProtocol.js';

export interface EventStreamReader {
  /** Events received so far, by `type`. */
  readonly counts: Map<string, number>;
  /** Batches received so far. */
  batches(): number;
  /** Resolves once `type` was seen at least `count` times; rejects after `timeoutMs`. */
  waitFor(type: string, count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function readEventStream(url: string): Promise<EventStreamReader> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
  if (!response.ok || response.body === null) throw new Error(`GET ${url}: ${response.status}`);
  const counts = new Map<string, number>();
  let batches = 0;
  const waiters = new Set<() => void>();
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  const pumped = (async () => {
    let pending = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      pending += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = pending.indexOf('\n\n')) >= 0) {
        const message = pending.slice(0, end);
        pending = pending.slice(end + 2);
        for (const line of message.split('\n')) {
          if (!line.startsWith('data:')) continue;
          const batch = JSON.parse(line.slice(5)) as InspectorBatch;
          batches += 1;
          for (const event of batch.events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
        }
      }
      for (const waiter of waiters) waiter();
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return {
    counts,
    batches: () => batches,
    waitFor(type, count, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if ((counts.get(type) ?? 0) >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the event stream had ${counts.get(type) ?? 0} ${type} events, waited for ${count}, after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      abort.abort();
      await pumped;
    },
  };
}

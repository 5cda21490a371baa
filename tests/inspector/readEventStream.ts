/**
 * Reads an inspector's `/api/events` over real HTTP with Node's fetch: every
 * `data:` line parsed as an InspectorBatch, and a wait for the event a test
 * expects (bounded, so a missing event fails the test instead of hanging it).
 */
import type { InspectorBatch, InspectorEvent } from '../../src/core/inspectorProtocol.js';

/** One open stream. */
export interface EventStream {
  /** Every event so far, in order. */
  readonly events: InspectorEvent[];
  readonly batches: InspectorBatch[];
  /** Lines that were comments (heartbeats) or fields other than data. */
  readonly other: string[];
  /** The first event (from now or before) matching `test`, within `timeoutMs`. */
  waitFor<T extends InspectorEvent>(test: (event: InspectorEvent) => event is T, timeoutMs?: number, what?: string): Promise<T>;
  waitFor(test: (event: InspectorEvent) => boolean, timeoutMs?: number, what?: string): Promise<InspectorEvent>;
  readonly response: Response;
  close(): Promise<void>;
}

/** Opens `url` (an `/api/events` address) and reads it until `close()`. */
export async function readEventStream(url: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const events: InspectorEvent[] = [];
  const batches: InspectorBatch[] = [];
  const other: string[] = [];
  const waiters = new Set<() => void>();
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          for (const line of block.split('\n')) {
            if (line.startsWith('data: ')) {
              const batch = JSON.parse(line.slice('data: '.length)) as InspectorBatch;
              batches.push(batch);
              events.push(...batch.events);
            } else other.push(line);
          }
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  const waitFor = (test: (event: InspectorEvent) => boolean, timeoutMs = 5000, what = 'an event'): Promise<InspectorEvent> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = events.find(test);
        if (found === undefined) return false;
        waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`${what}: not in the stream within ${timeoutMs} ms (saw ${events.map((e) => e.type).join(', ')})`));
      }, timeoutMs);
      waiters.add(wake);
      check();
    });
  return {
    events,
    batches,
    other,
    waitFor: waitFor as EventStream['waitFor'],
    response,
    async close() {
      controller.abort();
      await pump;
    },
  };
}

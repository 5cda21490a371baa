import { POD_ROW_CONCURRENCY } from '../actors/process/readPodRows.js';

/** Runs `work` over `items`, {@link POD_ROW_CONCURRENCY} at a time. */
export async function inWaves<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(POD_ROW_CONCURRENCY, items.length) }, worker));
}

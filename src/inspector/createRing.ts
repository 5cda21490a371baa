/** The newest `limit` items pushed, oldest first: a push costs the same however full the ring is. */
export interface Ring<T> {
  push(item: T): void;
  toArray(): T[];
}

/** A fixed-size ring (what the feeds keep for a page that connects later). */
export function createRing<T>(limit: number): Ring<T> {
  const items: (T | undefined)[] = new Array(limit);
  let count = 0;
  return {
    push(item) {
      items[count % limit] = item;
      count += 1;
    },
    toArray() {
      const kept = Math.min(count, limit);
      const out: T[] = new Array(kept);
      for (let i = 0; i < kept; i += 1) out[i] = items[(count - kept + i) % limit]!;
      return out;
    },
  };
}

/**
 * In-memory pod metadata store for simulations and tests. Same contract as the
 * file store, including corrupt records (planted with `writeRaw`).
 */
import { CorruptMetadataError, StateMissingError } from '../../core/errors.js';
import { deepFreeze, parseRecord, toFrozenRecord } from '../../core/podRecord.js';
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';
import { recordMethods } from './recordMethods.js';

/** A memory store with a seam to plant arbitrary stored text. */
export interface MemoryPodStore extends PodMetadataStore {
  /** `read` without the promise: a memory store always can. */
  readNow(name: string): PodMetadata | null;
  /**
   * Stores `text` as `name`'s record exactly as a file would hold it, valid or
   * not; a read parses it then (an invalid text reads as `CorruptMetadataError`).
   */
  writeRaw(name: string, text: string): Promise<void>;
}

/** Stored text not parsed yet, or known to be corrupt (then `reason` is set). */
class RawEntry {
  reason: string | undefined;
  constructor(readonly text: string) {}
}

/**
 * Creates an empty in-memory {@link MemoryPodStore}. Records are kept deeply
 * frozen and `read` returns them as they are (no copy), so a read is one Map
 * lookup. No method awaits between reading and writing a record, so updates
 * of one record cannot interleave and never lose each other.
 */
export function createMemoryPodStore(): MemoryPodStore {
  const entries = new Map<string, PodMetadata | RawEntry>();

  // Synchronous on purpose: callers rely on no await between read and write.
  function current(name: string): PodMetadata | null {
    const entry = entries.get(name);
    if (entry === undefined) return null;
    if (!(entry instanceof RawEntry)) return entry;
    if (entry.reason !== undefined) throw new CorruptMetadataError(name, entry.reason);
    try {
      const record = deepFreeze(parseRecord(name, entry.text));
      entries.set(name, record);
      return record;
    } catch (error) {
      if (error instanceof CorruptMetadataError) entry.reason = error.reason;
      throw error;
    }
  }

  function update(name: string, fn: (record: PodMetadata) => PodMetadata): PodMetadata {
    const record = current(name);
    if (record === null) throw new StateMissingError(name);
    const next = fn(record);
    if (next === record) return record;
    const stored = toFrozenRecord(name, next);
    entries.set(name, stored);
    return stored;
  }

  return {
    async read(name) {
      validatePodName(name);
      return current(name);
    },
    readNow(name) {
      validatePodName(name);
      return current(name);
    },
    async write(record) {
      const name = validatePodName(record.name);
      entries.set(name, toFrozenRecord(name, record));
    },
    async writeRaw(name, text) {
      validatePodName(name);
      entries.set(name, new RawEntry(String(text)));
    },
    ...recordMethods(update),
    async listNames() {
      return [...entries.keys()].sort();
    },
    async delete(name) {
      validatePodName(name);
      return entries.delete(name);
    },
  };
}

/**
 * The durable pod metadata store: one `<dir>/<name>/metadata.json` per pod,
 * replaced atomically on every write.
 */
import type { Dirent } from 'node:fs';
import { mkdir, readFile, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CorruptMetadataError, StateMissingError } from '../errors.js';
import type { PodMetadata, PodMetadataStore } from '../types.js';
import { isValidPodName, validatePodName } from '../validatePodName.js';
import { createKeyedLock } from './keyedLock.js';
import { deepFreeze, parseRecord, toStoredRecord, withPeer, withPeers, withoutPeer } from './podRecord.js';
import { writeFileAtomic } from './writeFileAtomic.js';

/** File name of a record inside its pod folder. */
export const METADATA_FILE = 'metadata.json';

// Module-level and keyed by the resolved file path rather than one lock per
// store: two stores opened on the same folder in one process (a runtime and a
// CLI helper, two runtimes in a test) then still serialise their
// read-modify-write cycles, so neither loses the other's update.
const recordLock = createKeyedLock();

// Fatal, so bytes that are not UTF-8 read as corrupt instead of being replaced silently.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Creates a store of pod records under `dir` (created on the first write).
 * Every method validates names before building any path. Records are returned
 * deeply frozen, like the memory store's.
 */
export function createFsPodStore(dir: string): PodMetadataStore {
  const root = resolve(dir);

  // Only ever called with a validated name, so the path stays one level under root.
  const folderOf = (name: string): string => join(root, name);
  const fileOf = (name: string): string => join(root, name, METADATA_FILE);

  async function readRecord(name: string): Promise<PodMetadata | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(fileOf(name));
    } catch (error) {
      const code = errorCode(error);
      // ENOTDIR: a plain file where the pod folder should be, so there is no record.
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      if (code === 'EISDIR') throw new CorruptMetadataError(name, `${METADATA_FILE} is not a file`);
      throw error;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new CorruptMetadataError(name, 'not UTF-8 text');
    }
    return deepFreeze(parseRecord(name, text));
  }

  async function writeRecord(name: string, text: string): Promise<void> {
    await mkdir(folderOf(name), { recursive: true });
    await writeFileAtomic(fileOf(name), text);
  }

  /** Read-modify-write of one record under the record's lock. */
  function update(name: string, fn: (record: PodMetadata) => PodMetadata): Promise<PodMetadata> {
    return recordLock.run(fileOf(name), async () => {
      const record = await readRecord(name);
      if (record === null) throw new StateMissingError(name);
      const next = fn(record);
      if (next === record) return record;
      const stored = toStoredRecord(name, next);
      await writeRecord(name, stored.text);
      return stored.record;
    });
  }

  /** Applies `change` like `update`; true when it returned a new record (which was then written). */
  async function changes(name: string, change: (record: PodMetadata) => PodMetadata): Promise<boolean> {
    let changed = false;
    await update(name, (record) => {
      const next = change(record);
      changed = next !== record;
      return next;
    });
    return changed;
  }

  return {
    async read(name) {
      validatePodName(name);
      return readRecord(name);
    },
    async write(record) {
      const name = validatePodName(record.name);
      const stored = toStoredRecord(name, record);
      await recordLock.run(fileOf(name), () => writeRecord(name, stored.text));
    },
    async update(name, fn) {
      validatePodName(name);
      return update(name, fn);
    },
    async addPeer(name, peer) {
      validatePodName(name);
      validatePodName(peer);
      return changes(name, (record) => withPeer(record, peer));
    },
    async removePeer(name, peer) {
      validatePodName(name);
      validatePodName(peer);
      return changes(name, (record) => withoutPeer(record, peer));
    },
    async setPeers(name, peers) {
      validatePodName(name);
      for (const peer of peers) validatePodName(peer);
      await update(name, (record) => withPeers(record, peers));
    },
    async listNames() {
      let entries: Dirent[];
      try {
        entries = await readdir(root, { withFileTypes: true });
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return [];
        throw error;
      }
      const candidates = entries.filter((entry) => entry.isDirectory() && isValidPodName(entry.name));
      const held = await Promise.all(
        candidates.map(async (entry) => {
          try {
            await stat(fileOf(entry.name));
            return entry.name;
          } catch (error) {
            const code = errorCode(error);
            if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
            throw error;
          }
        }),
      );
      return held.filter((name): name is string => name !== undefined).sort();
    },
    async delete(name) {
      validatePodName(name);
      return recordLock.run(fileOf(name), async () => {
        try {
          await unlink(fileOf(name));
        } catch (error) {
          const code = errorCode(error);
          if (code === 'ENOENT' || code === 'ENOTDIR') return false;
          throw error;
        }
        try {
          await rmdir(folderOf(name));
        } catch (error) {
          // Something else lives in the folder (a temp file of a crashed write, user files): keep it.
          const code = errorCode(error);
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw error;
        }
        return true;
      });
    },
  };
}

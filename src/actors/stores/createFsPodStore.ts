/**
 * The durable pod metadata store: one `<dir>/<name>/metadata.json` per pod,
 * replaced atomically on every write.
 *
 * Every change of a record (write, delete, each read-modify-write) holds two
 * locks: first an in-process keyed lock (cheap, FIFO), then a cross-process
 * file lock, `<dir>/<name>/metadata.json.lock`, so processes sharing `dir`
 * never lose each other's updates either. Reads take no lock: a record is
 * only ever replaced by a rename, so a read sees the old one or the new one.
 */
import type { Dirent } from 'node:fs';
import { mkdir, readFile, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CorruptMetadataError, errorCode, StateMissingError } from '../../core/errors.js';
import { createKeyedLock } from '../../core/keyedLock.js';
import { deepFreeze, parseRecord, toStoredRecord } from '../../core/podRecord.js';
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';
import { isValidPodName, validatePodName } from '../../core/validatePodName.js';
import { lockFile, type FileLock, type FileLockOptions } from './lockFile.js';
import { recordMethods } from './recordMethods.js';
import { writeFileAtomic } from './writeFileAtomic.js';

/** File name of a record inside its pod folder. */
export const METADATA_FILE = 'metadata.json';

// Module-level and keyed by the resolved file path rather than one lock per
// store: two stores opened on the same folder in one process (a runtime and a
// CLI helper, two runtimes in a test) then still serialise their
// read-modify-write cycles, so neither loses the other's update.
const recordLock = createKeyedLock();

/**
 * The cross-process lock: a holder that died is taken over after 10 s without
 * a refresh; a live one is waited for up to 15 s (then `FileLockError` lock-timeout).
 */
const FILE_LOCK: FileLockOptions = { stale: 10_000, maxWait: 15_000, minDelay: 2, maxDelay: 50 };

// A write makes the pod folder before locking in it; a delete in another
// process may remove that folder in between, so it is made again, a few times.
const MAX_FOLDER_ATTEMPTS = 5;

// Fatal, so bytes that are not UTF-8 read as corrupt instead of being replaced silently.
const utf8 = new TextDecoder('utf-8', { fatal: true });

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

  /**
   * Takes `name`'s file lock; the caller holds the in-process lock. Without a
   * pod folder (or with a plain file in its place) there is no record: it
   * resolves `undefined` and creates nothing, unless `createFolder` (a write).
   */
  async function acquire(name: string, createFolder: boolean): Promise<FileLock | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      if (createFolder) await mkdir(folderOf(name), { recursive: true });
      try {
        return await lockFile(fileOf(name), FILE_LOCK);
      } catch (error) {
        const code = errorCode(error);
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
        if (!createFolder) return undefined;
        if (attempt >= MAX_FOLDER_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Runs `fn` holding `name`'s file lock (the caller holds the in-process
   * lock), or returns `orElse()` when there is no pod folder. A lock found lost
   * while `fn` ran fails the call with `FileLockError` lock-lost.
   */
  async function holdingFileLock<T>(
    name: string,
    createFolder: boolean,
    fn: (held: FileLock) => Promise<T>,
    orElse: () => T,
  ): Promise<T> {
    const held = await acquire(name, createFolder);
    if (held === undefined) return orElse();
    try {
      const result = await fn(held);
      held.assertHeld();
      return result;
    } finally {
      await held.release();
    }
  }

  const noRecord = (name: string) => (): never => {
    throw new StateMissingError(name);
  };

  /** Read-modify-write of one record under both of the record's locks. */
  function update(name: string, fn: (record: PodMetadata) => PodMetadata): Promise<PodMetadata> {
    const run = async (held: FileLock): Promise<PodMetadata> => {
      const record = await readRecord(name);
      if (record === null) throw new StateMissingError(name);
      const next = fn(record);
      if (next === record) return record;
      const stored = toStoredRecord(name, next);
      // Never write over a record another process may have changed since the read.
      held.assertHeld();
      await writeFileAtomic(fileOf(name), stored.text);
      return stored.record;
    };
    return recordLock.run(fileOf(name), () => holdingFileLock(name, false, run, noRecord(name)));
  }

  return {
    async read(name) {
      validatePodName(name);
      return readRecord(name);
    },
    async write(record) {
      const name = validatePodName(record.name);
      const stored = toStoredRecord(name, record);
      const write = async (): Promise<void> => writeFileAtomic(fileOf(name), stored.text);
      await recordLock.run(fileOf(name), () => holdingFileLock(name, true, write, () => undefined));
    },
    ...recordMethods(update, readRecord),
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
      const unlinkRecord = async (): Promise<boolean> => {
        try {
          await unlink(fileOf(name));
          return true;
        } catch (error) {
          const code = errorCode(error);
          if (code === 'ENOENT' || code === 'ENOTDIR') return false;
          throw error;
        }
      };
      return recordLock.run(fileOf(name), async () => {
        if (!(await holdingFileLock(name, false, unlinkRecord, () => false))) return false;
        // Only now, with the lock released: until then its folder kept the pod folder from being empty.
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

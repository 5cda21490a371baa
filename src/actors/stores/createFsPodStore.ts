/**
 * The durable pod metadata store: one `<dir>/<name>/metadata.json` per pod,
 * replaced atomically on every write.
 *
 * Every change of a record (write, delete, each read-modify-write) holds two
 * locks: first an in-process keyed lock (cheap, FIFO), then a cross-process
 * file lock, `<dir>/<name>/metadata.json.lock`, so processes sharing `dir`
 * never lose each other's updates either. Reads take no lock: a record is
 * only ever replaced by a rename, so a read sees the old one or the new one.
 *
 * Nothing at a path in the store is trusted: a record is read only from a
 * regular file of at most `maxRecordBytes` (readRecordFile.ts), a pod folder
 * that is a link is never followed (podFolder.ts), folders are made 0700 and
 * files 0600, and what crashed writers left is swept (temp files here, lock
 * files in lockFile.ts).
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CorruptMetadataError, errorCode, PodmeshError, StateMissingError } from '../../core/errors.js';
import { createKeyedLock } from '../../core/keyedLock.js';
import {
  deepFreeze,
  parseRecord,
  toStoredRecord,
  type StoredRecord,
} from '../../core/podRecord.js';
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';
import { isValidPodName, validatePodName } from '../../core/validatePodName.js';
import { lockFile, type FileLock, type FileLockOptions } from './lockFile.js';
import { makePodFolder, podFolderKind, sweepTempFiles } from './podFolder.js';
import { DEFAULT_MAX_RECORD_BYTES, readRecordFile } from './readRecordFile.js';
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
 * The cross-process lock. Its holder refreshes it every second (proper-
 * lockfile's floor) rather than at half the stale time, so the stale time can
 * be short and still leave room: the lock of a holder that died is taken over
 * 3 to 4 s after its death (4 s after its last refresh; up to 5 s for the
 * first lock of a process, whose mtime proper-lockfile's precision probe
 * sets up to 1 s ahead; 10 to 11 s with the old 10 s), while a live holder
 * loses it only if no refresh lands for 3 s (2 s where mtimes have whole
 * seconds) — three missed refreshes, far past a GC pause or a slow fsync.
 * A shorter stale time would leave too little: at 2 s (proper-lockfile's
 * floor) one late refresh loses a live lock, and one lost mid-write can lose
 * an update. A live holder is waited for up to 15 s (then `lock-timeout`).
 */
export const FS_STORE_FILE_LOCK: FileLockOptions = { stale: 4_000, update: 1_000, maxWait: 15_000, minDelay: 2, maxDelay: 50 };

// A write makes the pod folder before locking in it; a delete in another
// process may remove that folder in between, so it is made again, a few times.
const MAX_FOLDER_ATTEMPTS = 5;

// Fatal, so bytes that are not UTF-8 read as corrupt instead of being replaced silently.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Options of {@link createFsPodStore}. */
export interface FsPodStoreOptions {
  /**
   * The largest record file, in bytes (default 1 MiB): a larger file reads as
   * `CorruptMetadataError` without being read, and a write of a larger record
   * is refused with `invalid-argument`.
   */
  readonly maxRecordBytes?: number;
}

/**
 * Creates a store of pod records under `dir` (created on the first write,
 * 0700). Every method validates names before building any path. Records are
 * returned deeply frozen, like the memory store's.
 */
export function createFsPodStore(dir: string, options: FsPodStoreOptions = {}): PodMetadataStore {
  const root = resolve(dir);
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 1) {
    throw new TypeError('maxRecordBytes must be a positive integer');
  }
  // Pod folders this store has swept of crashed writers' temp files: once per folder is enough.
  const swept = new Set<string>();

  // Only ever called with a validated name, so the path stays one level under root.
  const folderOf = (name: string): string => join(root, name);
  const fileOf = (name: string): string => join(root, name, METADATA_FILE);

  async function readRecord(name: string): Promise<PodMetadata | null> {
    const kind = await podFolderKind(folderOf(name));
    if (kind === 'link') throw new CorruptMetadataError(name, 'pod folder is a symbolic link');
    // A plain file where the pod folder should be holds no record either.
    if (kind !== 'folder') return null;
    const bytes = await readRecordFile(name, fileOf(name), maxRecordBytes);
    if (bytes === null) return null;
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
   * resolves `undefined` and creates nothing, unless `createFolder` (a write,
   * which then fails). A link in the folder's place is never written through:
   * {@link CorruptMetadataError}, whether or not it is a write.
   */
  async function acquire(name: string, createFolder: boolean): Promise<FileLock | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      if (createFolder) await makePodFolder(folderOf(name));
      const kind = await podFolderKind(folderOf(name));
      if (kind === 'link') throw new CorruptMetadataError(name, 'pod folder is a symbolic link');
      if (kind === 'other') {
        if (!createFolder) return undefined;
        throw new CorruptMetadataError(name, 'pod folder is not a folder');
      }
      if (kind === 'missing' && !createFolder) return undefined;
      try {
        // A folder a delete in another process removed since is made again, a few times.
        return await lockFile(fileOf(name), FS_STORE_FILE_LOCK);
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
      if (!swept.has(name)) {
        await sweepTempFiles(folderOf(name), METADATA_FILE);
        swept.add(name);
      }
      const result = await fn(held);
      held.assertHeld();
      return result;
    } finally {
      await held.release();
    }
  }

  /** `name`'s record ready to store, refused when it would not read back (over the size cap; toStoredRecord refuses deep ones). */
  function storable(name: string, record: unknown): StoredRecord {
    const stored = toStoredRecord(name, record);
    const bytes = Buffer.byteLength(stored.text);
    const pod = JSON.stringify(name);
    if (bytes > maxRecordBytes) {
      throw new PodmeshError('invalid-argument', `the record of pod ${pod} is ${bytes} bytes, over the store's ${maxRecordBytes}`);
    }
    return stored;
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
      const stored = storable(name, next);
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
      const stored = storable(name, record);
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
            // lstat: a link at metadata.json is listed, and reads as corrupt.
            await lstat(fileOf(entry.name));
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
        // Swept on every delete, not only the first touch: a crashed writer's temp file would keep the folder.
        swept.delete(name);
        if (!(await holdingFileLock(name, false, unlinkRecord, () => false))) return false;
        // Only now, with the lock released: until then its folder kept the pod folder from being empty.
        try {
          await rmdir(folderOf(name));
        } catch (error) {
          // Something else lives in the folder (user files, a live writer's temp file): keep it.
          const code = errorCode(error);
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw error;
        }
        return true;
      });
    },
  };
}

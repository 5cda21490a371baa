/**
 * The durable notice journal: one append-only file per pod, `<dir>/<name>.jsonl`,
 * whose lines replay to the pod's queue of accepted notices:
 * `{"a":"<message>"}` appends one, `{"c":<n>}` drops the `n` oldest (a turn
 * consumed them, or the buffer overflowed), `{"s":[…]}` sets the whole queue.
 * A change resolves once its line is on disk. Every change of one turn of the
 * event loop is written together, at its end, by one synchronous write to a
 * file opened `O_DSYNC` (group commit): it blocks the loop for one disk flush
 * per turn, which costs less than two trips to libuv's thread pool (a write
 * and a datasync) per group, and a pod acknowledges nothing before it anyway.
 * A write that fails is cut back off the file, so the next one starts on a line
 * of its own. When the file holds much more than the queue, it is rewritten as
 * one `{"s":[…]}` line, atomically. A crash can only tear the last line, which
 * a load skips.
 */
import { constants, ftruncateSync, writeSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { errorCode, PodmeshError } from '../../core/errors.js';
import type { NoticeJournal, NoticeQueueChange } from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';
import { makeFolders } from './makeFolders.js';
import { syncFolder, writeFileAtomic } from './writeFileAtomic.js';

/** Options of {@link createFsNoticeJournal}. */
export interface FsNoticeJournalOptions {
  /** Rewrite a pod's file once it is this many bytes larger than its queue (default 1 MiB). */
  readonly compactAfterBytes?: number;
  /** Largest file a load reads (default 256 MiB); a larger one loads as empty, with every line skipped. */
  readonly maxFileBytes?: number;
}

interface PodFile {
  readonly path: string;
  handle: FileHandle | undefined;
  /** Bytes in the file now. */
  bytes: number;
  /** The queue as `record` was told it: the file's once every waiting line is written. */
  intended: readonly string[];
  /** The queue the file replays to now: what a compaction writes. */
  written: readonly string[];
  /** A group failed: the next one writes the whole queue, as later lines count on what it lacks. */
  resync: boolean;
  /** The file does not end in a newline (a crash cut its last line): the next write starts a line first. */
  torn: boolean;
  lines: string[];
  waiters: { resolve(): void; reject(error: unknown): void }[];
  /** The running drain, awaited by `close` so no write is cut off. */
  draining: Promise<void> | undefined;
}

const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

function encode(change: NoticeQueueChange): string {
  if ('queue' in change) return line({ s: change.queue });
  let out = change.consumed > 0 ? line({ c: change.consumed }) : '';
  for (const message of change.added) out += line({ a: message });
  return out;
}

/** `queue` after `change`, as a new array (the one before may still be a group's target). */
function apply(queue: readonly string[], change: NoticeQueueChange): readonly string[] {
  if ('queue' in change) return [...change.queue];
  return [...queue.slice(change.consumed), ...change.added];
}

/** The queue a file's text replays to; a line that is not one of ours (or a torn last one) is skipped. */
export function replayNoticeJournal(text: string): { queue: string[]; skipped: number } {
  let queue: string[] = [];
  let skipped = 0;
  const lines = text.split('\n');
  // The text after the last newline is a line whose write a crash cut short.
  if (lines.at(-1) !== '') skipped += 1;
  for (const raw of lines.slice(0, -1)) {
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      skipped += 1;
      continue;
    }
    const { a, c, s } = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (typeof a === 'string') queue.push(a);
    else if (typeof c === 'number' && Number.isInteger(c) && c >= 0) queue.splice(0, c);
    else if (Array.isArray(s) && s.every((m) => typeof m === 'string')) queue = [...(s as string[])];
    else skipped += 1;
  }
  return { queue, skipped };
}


/**
 * Writes all of `bytes` at the end of the journal open on `fd` (O_APPEND,
 * O_DSYNC), which held `size` bytes. If a write fails part way (a full disk),
 * the file is cut back to `size` before the error is thrown: a torn line
 * followed by the next group's lines would make a load skip a line that was
 * acknowledged.
 */
function appendAll(fd: number, size: number, bytes: Buffer): void {
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
  } catch (error) {
    try {
      ftruncateSync(fd, size);
    } catch {
      // The write's error is the one to report; a load still skips a torn last line.
    }
    throw error;
  }
}

const NEWLINE = 0x0a;

const queueBytes = (queue: readonly string[]): number => queue.reduce((sum, m) => sum + m.length + 8, 12);

/** Creates a journal of notice queues under `dir` (created, mode 0700, on the first write). */
export function createFsNoticeJournal(dir: string, options: FsNoticeJournalOptions = {}): NoticeJournal {
  const compactAfter = options.compactAfterBytes ?? 1024 * 1024;
  const maxFile = options.maxFileBytes ?? 256 * 1024 * 1024;
  const files = new Map<string, PodFile>();

  const fileOf = (pod: string): PodFile => {
    let file = files.get(pod);
    if (file === undefined) {
      file = {
        path: join(dir, `${validatePodName(pod)}.jsonl`),
        handle: undefined,
        bytes: 0,
        intended: [],
        written: [],
        resync: false,
        torn: false,
        lines: [],
        waiters: [],
        draining: undefined,
      };
      files.set(pod, file);
    }
    return file;
  };

  const openForAppend = async (file: PodFile): Promise<FileHandle> => {
    if (file.handle !== undefined) return file.handle;
    // A folder made here must outlive a power cut too: its parent learns its name.
    if ((await makeFolders(dir, 0o700)) !== undefined) await syncFolder(dirname(dir));
    // Links are never followed and nothing blocks (a FIFO planted here is refused below): a journal is a
    // regular file of ours in `dir`. O_DSYNC: a write returns once its data is on disk, one call
    // instead of a write and a datasync. Read too, for the last byte.
    const flags = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_DSYNC;
    const handle = await open(file.path, flags, 0o600);
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new PodmeshError('invalid-argument', `the notice journal ${file.path} is not a regular file`);
      file.bytes = info.size;
      if (info.size === 0) {
        // A new journal's name must outlive a power cut too, not only its lines.
        await syncFolder(dir);
      } else {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, info.size - 1);
        file.torn = last[0] !== NEWLINE;
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    file.handle = handle;
    return handle;
  };

  const compact = async (file: PodFile): Promise<void> => {
    const text = line({ s: file.written });
    await file.handle?.close();
    file.handle = undefined;
    await writeFileAtomic(file.path, text);
    file.bytes = Buffer.byteLength(text);
    file.torn = false;
  };

  const drain = async (file: PodFile): Promise<void> => {
    try {
      // Every change of this turn of the event loop joins the write.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (file.lines.length > 0) {
        // Taken together, before any await: `target` is what the file replays to once `lines` are in.
        const target = file.intended;
        const lines = file.lines.splice(0);
        const waiters = file.waiters.splice(0);
        try {
          const handle = await openForAppend(file);
          const text = (file.torn ? '\n' : '') + (file.resync ? line({ s: target }) : lines.join(''));
          appendAll(handle.fd, file.bytes, Buffer.from(text));
          file.bytes += Buffer.byteLength(text);
          file.torn = false;
          file.resync = false;
          file.written = target;
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          // The lines after these count on them (a drop of n): the next group writes the whole queue.
          file.resync = true;
          for (const waiter of waiters) waiter.reject(error);
          continue;
        }
        if (file.bytes > compactAfter && file.bytes > 4 * queueBytes(file.written)) {
          // The lines are on disk: a failed rewrite loses nothing, the next group reopens the file as it is.
          await compact(file).catch(() => undefined);
        }
      }
    } finally {
      file.draining = undefined;
    }
  };

  return {
    async load(pod) {
      const file = fileOf(pod);
      let handle: FileHandle;
      try {
        handle = await open(file.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return { queue: [], skipped: 0 };
        // A link in place of a journal is not ours to read: nothing is restored from it.
        if (errorCode(error) === 'ELOOP') return { queue: [], skipped: 1 };
        throw error;
      }
      try {
        const info = await handle.stat();
        if (!info.isFile() || info.size > maxFile) return { queue: [], skipped: 1 };
        const replayed = replayNoticeJournal(await handle.readFile('utf8'));
        file.intended = replayed.queue;
        file.written = replayed.queue;
        return replayed;
      } finally {
        await handle.close();
      }
    },
    record(pod, change) {
      const file = fileOf(pod);
      file.intended = apply(file.intended, change);
      return new Promise<void>((resolve, reject) => {
        file.lines.push(encode(change));
        file.waiters.push({ resolve, reject });
        file.draining ??= drain(file);
      });
    },
    async remove(pod) {
      const file = fileOf(pod);
      files.delete(pod);
      await file.draining;
      await file.handle?.close();
      await unlink(file.path).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
    },
    async close() {
      const all = [...files.values()];
      files.clear();
      await Promise.all(all.map(async (file) => {
        await file.draining;
        await file.handle?.close();
      }));
    },
  };
}

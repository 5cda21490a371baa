/**
 * Reads one record file within limits, so that whatever sits at its path
 * costs a bounded amount of time and memory: a symbolic link is never
 * followed (`O_NOFOLLOW`), only a regular file is read (a FIFO, a device, a
 * socket or a folder is refused from its `fstat`, and `O_NONBLOCK` keeps even
 * the open of a FIFO from waiting for a writer), and a file over the size cap
 * is refused from its size, before a byte is read.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { CorruptMetadataError, errorCode } from '../../core/errors.js';

/** The default cap on the size of one record file: 1 MiB, about 40,000 peers of 24 characters. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

// Windows has neither flag; there a link or a FIFO is still refused by fstat.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The bytes of `path`, `name`'s record file, or `null` when there is none
 * (`ENOENT`, or `ENOTDIR`: a plain file where its folder should be). Throws
 * {@link CorruptMetadataError} when `path` is a symbolic link, is not a
 * regular file, or is larger than `maxBytes`. Reads at most `maxBytes` bytes:
 * the file's size when it was opened, even if it grows while being read.
 * The folder holding `path` must be checked by the caller (`O_NOFOLLOW`
 * covers only the last component).
 */
export async function readRecordFile(name: string, path: string, maxBytes: number): Promise<Buffer | null> {
  const file = basename(path);
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    // ELOOP from O_NOFOLLOW (EMLINK on FreeBSD); ENXIO: a socket; EISDIR: a folder, where open refuses one.
    if (code === 'ELOOP' || code === 'EMLINK') throw new CorruptMetadataError(name, `${file} is a symbolic link`);
    if (code === 'ENXIO' || code === 'EISDIR') throw new CorruptMetadataError(name, `${file} is not a regular file`);
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new CorruptMetadataError(name, `${file} is not a regular file`);
    if (stats.size > maxBytes) throw new CorruptMetadataError(name, `larger than ${maxBytes} bytes`);
    const bytes = Buffer.allocUnsafe(stats.size);
    let length = 0;
    while (length < bytes.length) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length);
      if (bytesRead === 0) break; // shrunk since the fstat: what is left is what there is
      length += bytesRead;
    }
    return length === bytes.length ? bytes : bytes.subarray(0, length);
  } finally {
    // Not awaited: the caller parses while it closes, one round trip fewer on
    // the hot path of every notify. Nothing was written through the handle,
    // so a failed close loses nothing.
    void handle.close().catch(() => undefined);
  }
}

/**
 * Crash-safe file replacement. Hand-written rather than taken from
 * `write-file-atomic` because that package does not fsync the folder, and
 * without it a crash right after the rename may still lose the new entry.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errorCode } from '../../core/errors.js';

let counter = 0;
const MAX_TEMP_ATTEMPTS = 16;
const TEMP_SUFFIX = '.tmp';

/**
 * The pid of the process that made `entry`, when `entry` is the name of one
 * of {@link writeFileAtomic}'s temp files for a file named `base`
 * (`.<base>.<pid>.<n>.tmp`), else `undefined`.
 */
export function tempFileWriter(base: string, entry: string): number | undefined {
  const prefix = `.${base}.`;
  if (!entry.startsWith(prefix) || !entry.endsWith(TEMP_SUFFIX)) return undefined;
  const match = /^(\d{1,10})\.\d{1,16}$/.exec(entry.slice(prefix.length, -TEMP_SUFFIX.length));
  return match === null ? undefined : Number(match[1]);
}

/** Creates a fresh temp file next to `path`: `.<base>.<pid>.<n>.tmp`, readable by its owner only. */
async function openTemp(path: string): Promise<{ temp: string; handle: FileHandle }> {
  const folder = dirname(path);
  const base = basename(path);
  for (let attempt = 1; ; attempt += 1) {
    counter += 1;
    const temp = join(folder, `.${base}.${process.pid}.${counter}${TEMP_SUFFIX}`);
    try {
      // 'wx' never reuses a leftover of a crashed process that had the same pid;
      // 0600, as records and ticket bodies are nobody else's to read (the rename keeps the mode).
      return { temp, handle: await open(temp, 'wx', 0o600) };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt >= MAX_TEMP_ATTEMPTS) throw error;
    }
  }
}

/**
 * Makes the names in `folder` durable (a rename, a new file) by fsyncing it.
 * Some file systems cannot fsync a folder: nothing more to do there.
 */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces the file at `path` with `data` so that a crash leaves either the
 * old content or the new one, never a torn file: it writes a temp file in the
 * same folder, fsyncs it, renames it over `path`, then fsyncs the folder.
 * On failure before the rename the temp file is removed and `path` is untouched.
 * The folder must exist. The new file is its owner's only (mode 0600, less by
 * the umask), whatever the mode of the file it replaces.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const { temp, handle } = await openTemp(path);
  try {
    let failed = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
      failed = false;
    } finally {
      // A close error matters only when the write itself went through.
      await handle.close().catch((error: unknown) => {
        if (!failed) throw error;
      });
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(path));
}

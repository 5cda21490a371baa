/**
 * A pod's folder in the file store: what sits at its path (never following a
 * link), its creation (owner-only), and the sweep of what crashed writers
 * left in it.
 */
import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../../core/errors.js';
import { makeFolders, NotAFolderError } from './makeFolders.js';
import { tempFileWriter } from './writeFileAtomic.js';

/**
 * What sits at a pod folder's path: a real folder, a symbolic link (never
 * followed), nothing, or something else (a plain file, a FIFO, or a file
 * where a parent folder should be).
 */
export type PodFolderKind = 'folder' | 'link' | 'missing' | 'other';

/** What sits at `folder`, by `lstat`. */
export async function podFolderKind(folder: string): Promise<PodFolderKind> {
  try {
    const stats = await lstat(folder);
    if (stats.isSymbolicLink()) return 'link';
    return stats.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') return 'other';
    throw error;
  }
}

/**
 * Creates `folder` and any missing parent, each owner-only (0700, less by the
 * umask); a folder that exists keeps its mode, since mkdir never changes one.
 * Something in the way (a file, a link) is left for {@link podFolderKind}
 * to report.
 */
export async function makePodFolder(folder: string): Promise<void> {
  try {
    await makeFolders(folder, 0o700);
  } catch (error) {
    if (error instanceof NotAFolderError) return;
    const code = errorCode(error);
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
  }
}

/** False only when no process has that pid (ESRCH); EPERM is another user's live process. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

/**
 * Removes the temp files of crashed writes of `file` from `folder`
 * (`.<file>.<pid>.<n>.tmp`, see writeFileAtomic.ts), returning how many.
 * Call it holding the file's lock: no writer of the file is then between its
 * temp file and its rename, so a temp file is a leftover when its pid is
 * gone, or is this process's own (a previous process with the same pid, as
 * pid 1 in a container is). A temp file of another live pid is left alone.
 */
export async function sweepTempFiles(folder: string, file: string): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 0;
    throw error;
  }
  let removed = 0;
  for (const entry of entries) {
    const pid = tempFileWriter(file, entry);
    if (pid === undefined || (pid !== process.pid && isAlive(pid))) continue;
    try {
      await unlink(join(folder, entry));
      removed += 1;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
  return removed;
}

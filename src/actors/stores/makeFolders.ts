/**
 * Folder creation that always ends. Node's `mkdir(path, { recursive: true })`
 * retries the parent on every ENOENT, and where mkdir fails with ENOENT under
 * a parent that exists (anything below `/proc`) it loops forever. This walks
 * up to the nearest ancestor that exists instead, then creates each missing
 * level once, failing at the first level that cannot be made.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errorCode, PodmeshError } from '../../core/errors.js';

/** The nearest existing ancestor of a folder to be made is something else (a file, a FIFO). Code `invalid-argument`. */
export class NotAFolderError extends PodmeshError {
  constructor(readonly path: string) {
    super('invalid-argument', `${path} is not a folder`);
  }
}

/**
 * Creates `path` and every missing parent with `mode` (less by the umask),
 * and resolves to the top folder it created, `undefined` when `path` was
 * already a folder (what `mkdir` recursive answers). A level another process
 * creates meanwhile is taken as made (EEXIST). Rejects with
 * {@link NotAFolderError} when the nearest existing ancestor (links followed)
 * is not a folder, and with the system error of the first `mkdir` that fails
 * otherwise (ENOENT, EACCES, EROFS: a one-line message naming that path),
 * at once and without a retry.
 */
export async function makeFolders(path: string, mode = 0o777): Promise<string | undefined> {
  const target = resolve(path);
  const missing: string[] = [];
  for (let folder = target; ; folder = dirname(folder)) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(folder)).isDirectory();
    } catch (error) {
      const code = errorCode(error);
      // ENOTDIR: a file stands where an ancestor should be; the walk finds and names it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(folder) === folder) throw error;
      missing.push(folder);
      continue;
    }
    if (!isFolder) throw new NotAFolderError(folder);
    break;
  }
  let first: string | undefined;
  for (let i = missing.length - 1; i >= 0; i -= 1) {
    const folder = missing[i]!;
    try {
      await mkdir(folder, { mode });
      first ??= folder;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
  }
  return first;
}

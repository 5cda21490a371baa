/**
 * Finding a workspace the way git finds a repository: the nearest folder at or
 * above a starting point that holds a `.podmesh-workspace` file or a `.git`
 * entry (a folder, or the file of a git worktree). A `.podmesh-workspace`
 * file may name the workspace on its first non-empty line; the pod names then
 * come from that name instead of the folder's basename.
 */
import { open, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { errorCode, PodmeshError } from '../core/errors.js';
import { oneLine } from '../core/text.js';
import { workspacePodNames, type WorkspacePodNames } from './workspacePodNames.js';

/** The marker file that makes a folder a workspace, and may name it. */
export const WORKSPACE_MARKER = '.podmesh-workspace';

/** A workspace: its root folder, what marks it, its name if the marker gives one, and its pod names. */
export interface Workspace {
  /** The workspace folder, absolute. */
  readonly root: string;
  /** The entry that marks it; `null` for a folder given explicitly that holds neither. */
  readonly marker: typeof WORKSPACE_MARKER | '.git' | null;
  /** The first non-empty line of its `.podmesh-workspace`, made one line; absent when there is none. */
  readonly name?: string;
  readonly names: WorkspacePodNames;
}

// A marker is a name, not a document: only its start is read, however large (or endless) it is.
const MARKER_READ_BYTES = 4096;
const MAX_NAME = 255;

type Kind = 'file' | 'folder' | undefined;

/** What is at `path` (following links), `undefined` when nothing readable is there. */
async function kindOf(path: string): Promise<Kind> {
  try {
    const info = await stat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'folder' : undefined;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM' || code === 'ELOOP') return undefined;
    throw error;
  }
}

/** The name in a marker file: its first non-empty trimmed line within the first 4 KiB, or `undefined`. */
async function readMarkerName(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MARKER_READ_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MARKER_READ_BYTES, 0);
    for (const line of buffer.toString('utf8', 0, bytesRead).split(/\r?\n/)) {
      const name = oneLine(line);
      if (name !== '') return [...name].slice(0, MAX_NAME).join('');
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** The workspace marked in `root`, or `undefined` when `root` holds no marker. */
async function markedWorkspace(root: string): Promise<Workspace | undefined> {
  const markerPath = join(root, WORKSPACE_MARKER);
  if ((await kindOf(markerPath)) === 'file') {
    const name = await readMarkerName(markerPath);
    return {
      root,
      marker: WORKSPACE_MARKER,
      ...(name === undefined ? {} : { name }),
      names: workspacePodNames(root, name),
    };
  }
  if ((await kindOf(join(root, '.git'))) !== undefined) return { root, marker: '.git', names: workspacePodNames(root) };
  return undefined;
}

/**
 * The workspace at or above `from` (resolved against the working directory):
 * the nearest folder holding a `.podmesh-workspace` file or a `.git` file or
 * folder; `.podmesh-workspace` wins when a folder holds both. Rejects with
 * `PodmeshError` `workspace-not-found` when no folder up to the root has one.
 * Reads only: nothing is created or written.
 */
export async function findWorkspace(from: string): Promise<Workspace> {
  const start = resolve(from);
  for (let dir = start; ; dir = dirname(dir)) {
    const found = await markedWorkspace(dir);
    if (found !== undefined) return found;
    if (dirname(dir) === dir) break;
  }
  throw new PodmeshError(
    'workspace-not-found',
    `no workspace at or above ${start}: a workspace is a folder holding ${WORKSPACE_MARKER} or .git ` +
      `(mark one with: touch DIR/${WORKSPACE_MARKER}, or pass --workspace DIR)`,
  );
}

/**
 * Resolves when `root` is an existing folder; else rejects with `PodmeshError`
 * `workspace-not-found` ("workspace folder X does not exist" / "… is not a
 * folder"). Only a stat: nothing is created.
 */
export async function checkWorkspaceFolder(root: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(root)).isDirectory();
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') {
      throw new PodmeshError('workspace-not-found', `workspace folder ${root} does not exist`, { cause: error });
    }
    throw error;
  }
  if (!isFolder) throw new PodmeshError('workspace-not-found', `workspace folder ${root} is not a folder`);
}

/**
 * The workspace of an explicit folder `dir` (resolved), reading its marker
 * when it has one (`marker: null` when it has none). Rejects with
 * `PodmeshError` `workspace-not-found` when `dir` does not exist or is not a
 * folder. Reads only: nothing is created or written.
 */
export async function openWorkspace(dir: string): Promise<Workspace> {
  const root = resolve(dir);
  await checkWorkspaceFolder(root);
  return (await markedWorkspace(root)) ?? { root, marker: null, names: workspacePodNames(root) };
}

import { chmod, lstat, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { errorCode, PodmeshError } from '../../core/errors.js';
import { validatePodName } from '../../core/validatePodName.js';
import { makeFolders } from '../stores/makeFolders.js';

/** Where podmesh keeps durable state and runtime sockets. */
export interface PodmeshPaths {
  /** Durable state: `pods/` (metadata) and `tickets/`. */
  readonly home: string;
  readonly podsDir: string;
  readonly ticketsDir: string;
  /** Sockets and per-name locks; created with mode 0700 when missing (an existing folder is left as it is). */
  readonly runtimeDir: string;
}

/**
 * Resolves the folders from flags, then `PODMESH_HOME` / `PODMESH_RUNTIME_DIR`,
 * then defaults: home `~/.podmesh`; runtime dir `$XDG_RUNTIME_DIR/podmesh`,
 * else `<home>/run`.
 */
export function resolvePodmeshPaths(
  options: { home?: string; runtimeDir?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): PodmeshPaths {
  const home = resolve(options.home ?? env.PODMESH_HOME ?? join(homedir(), '.podmesh'));
  const runtimeDir = resolve(
    options.runtimeDir ?? env.PODMESH_RUNTIME_DIR ?? (env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'podmesh') : join(home, 'run')),
  );
  return { home, podsDir: join(home, 'pods'), ticketsDir: join(home, 'tickets'), runtimeDir };
}

/**
 * A runtime folder that podmesh will not use: a pod's folder that is a link
 * or not a folder, or that belongs to another user. Code `invalid-argument`.
 */
export class UnsafeRuntimeDirError extends PodmeshError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('invalid-argument', `refusing the runtime folder ${path}: ${reason}`);
  }
}

/**
 * Creates `path` and any missing parents with mode 0700, and chmods to 0700
 * only the folders it created (mkdir's mode is filtered by the umask). A
 * folder that already exists is never changed: the runtime dir may be a shared
 * one such as `/tmp`, whose mode is not podmesh's to decide.
 */
export async function ensurePrivateDir(path: string): Promise<void> {
  const target = resolve(path);
  const first = await makeFolders(target, 0o700);
  if (first === undefined) return;
  // `first` is the top folder makeFolders created: it and every folder below it down to `target` are ours.
  for (let folder = target; ; folder = dirname(folder)) {
    await chmod(folder, 0o700);
    if (folder === first || dirname(folder) === folder) break;
  }
}

/**
 * Makes the folder of pod `name` under `runtimeDir` (`<runtimeDir>/<name>`),
 * creating the runtime dir as {@link ensurePrivateDir} does, and returns its
 * path. The pod's folder is created 0700; one that exists must be a real
 * folder of this user: a link there is never followed (checked with `lstat`),
 * so a planted symlink cannot redirect the pod's socket and lock.
 */
export async function ensurePodRuntimeDir(runtimeDir: string, name: string): Promise<string> {
  const podDir = podRuntimeDir(runtimeDir, name);
  await ensurePrivateDir(runtimeDir);
  try {
    await mkdir(podDir, { mode: 0o700 });
    await chmod(podDir, 0o700);
    return podDir;
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  const stats = await lstat(podDir);
  if (stats.isSymbolicLink()) throw new UnsafeRuntimeDirError(podDir, 'it is a symbolic link');
  if (!stats.isDirectory()) throw new UnsafeRuntimeDirError(podDir, 'it is not a folder');
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) throw new UnsafeRuntimeDirError(podDir, `it belongs to another user (uid ${stats.uid})`);
  return podDir;
}

/** Longest Unix socket path (sun_path is 108 bytes with its NUL on Linux). */
export const MAX_SOCKET_PATH_BYTES = 107;

/** The folder of one pod under the runtime dir (the name is validated first). */
export function podRuntimeDir(runtimeDir: string, name: string): string {
  return join(runtimeDir, validatePodName(name));
}

/** `<runtimeDir>/<name>/sock`; throws when the OS could not bind that long a path. */
export function podSocketPath(runtimeDir: string, name: string): string {
  const path = join(podRuntimeDir(runtimeDir, name), 'sock');
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new PodmeshError('invalid-argument', `socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes: use a shorter runtime dir (--runtime-dir) or pod name`);
  }
  return path;
}

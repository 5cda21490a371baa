import { mkdir, chmod } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PodmeshError } from '../../core/errors.js';
import { validatePodName } from '../../core/validatePodName.js';

/** Where podmesh keeps durable state and runtime sockets. */
export interface PodmeshPaths {
  /** Durable state: `pods/` (metadata) and `tickets/`. */
  readonly home: string;
  readonly podsDir: string;
  readonly ticketsDir: string;
  /** Sockets and per-name locks; created with mode 0700. */
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

/** Creates the runtime folder (and a pod's folder in it) private to this user: mode 0700. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and does not change an existing folder.
  await chmod(path, 0o700);
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

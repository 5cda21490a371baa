/**
 * A pod as a real process: `node bin/podmesh.js pod start <name> --quiet`
 * with its home and runtime folder in the section's temp folder, and what
 * the OS says about it (resident memory, open descriptors).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { BIN, spawnChild, type Exit, type LineChild } from './children.js';

const LIVE_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** A running pod process. */
export interface PodProcess {
  readonly child: LineChild;
  readonly pid: number;
  /** From spawn to its `live at` line. */
  readonly startMs: number;
}

/** Where a pod process keeps its state. */
export interface PodFolders {
  readonly home: string;
  readonly runtimeDir: string;
}

/** Starts pod `name` and resolves once it says it is live (the socket is bound and answers). */
export async function startPodProcess(folders: PodFolders, name: string, extraArgs: readonly string[] = [], signal?: AbortSignal): Promise<PodProcess> {
  // DEBUG would make the pod print every diagnostic: noise on the soak's stderr and cost in its timings.
  const { DEBUG: _debug, ...env } = process.env;
  const started = performance.now();
  const child = spawnChild(process.execPath, [BIN, 'pod', 'start', name, '--quiet', ...extraArgs], {
    ...env,
    PODMESH_HOME: folders.home,
    PODMESH_RUNTIME_DIR: folders.runtimeDir,
  });
  try {
    await child.waitFor((line) => line.includes(' live at '), LIVE_TIMEOUT_MS, `pod ${name} to be live`, signal);
  } catch (error) {
    child.kill();
    await child.closed;
    throw error;
  }
  return { child, pid: child.pid, startMs: performance.now() - started };
}

/** SIGTERM, then SIGKILL if it has not exited within 10 s; resolves to how it ended and whether it needed the kill. */
export async function stopPodProcess(pod: PodProcess): Promise<{ exit: Exit; forced: boolean }> {
  pod.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)));
  const first = await Promise.race([pod.child.closed, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return { exit: first, forced: false };
  pod.child.kill('SIGKILL');
  return { exit: await pod.child.closed, forced: true };
}

/** Resident memory of a process in bytes (VmRSS of /proc/<pid>/status); NaN when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** Open file descriptors of a process; NaN when it is gone. */
export function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const mb = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : '-');

/**
 * The process record of a running pod, `<runtimeDir>/<name>/process.json`:
 * which process serves the name, so an operator's tools (`podmesh pod ps`,
 * a forced stop) can find it and tell it from a process that reused its pid.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../../core/errors.js';
import { readRecordFile } from '../stores/readRecordFile.js';
import { podRuntimeDir } from './podPaths.js';

/** What `process.json` holds (written by `startPodServer` once it holds the name and its socket is in place). */
export interface PodProcessRecord {
  readonly pid: number;
  /** When the pod server started, ISO 8601. */
  readonly startedAt: string;
  /**
   * Linux: the process's start time in clock ticks since boot (field 22 of
   * `/proc/<pid>/stat`), decimal; with the pid it names one process for
   * good. Absent where there is no `/proc`.
   */
  readonly startTicks?: string;
  readonly name: string;
  /** The process's `argv`, at most {@link MAX_ARGV_ITEMS} items of at most {@link MAX_ARGV_ITEM_CHARS} characters. */
  readonly argv: readonly string[];
}

/** Items of `argv` a record keeps. */
export const MAX_ARGV_ITEMS = 20;
/** Characters of one `argv` item a record keeps. */
export const MAX_ARGV_ITEM_CHARS = 256;
/** Largest `process.json` read; anything larger is not a record podmesh wrote. */
export const MAX_PROCESS_RECORD_BYTES = 64 * 1024;

/** The file name of the record in a pod's runtime folder. */
export const PROCESS_RECORD_FILE = 'process.json';

/** `<runtimeDir>/<name>/process.json` (the name is validated). */
export function podProcessPath(runtimeDir: string, name: string): string {
  return join(podRuntimeDir(runtimeDir, name), PROCESS_RECORD_FILE);
}

const isDecimal = (value: unknown): value is string => typeof value === 'string' && /^\d{1,20}$/.test(value);

/** The record `value` holds when it is one of pod `name`, else `null`. */
export function parsePodProcess(name: string, value: unknown): PodProcessRecord | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { pid, startedAt, startTicks, name: recorded, argv } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return null;
  if (typeof startedAt !== 'string' || startedAt.length > 64 || Number.isNaN(Date.parse(startedAt))) return null;
  if (startTicks !== undefined && !isDecimal(startTicks)) return null;
  if (recorded !== name) return null;
  if (!Array.isArray(argv) || argv.length > MAX_ARGV_ITEMS) return null;
  if (!argv.every((item): item is string => typeof item === 'string' && item.length <= MAX_ARGV_ITEM_CHARS)) return null;
  return { pid, startedAt, ...(startTicks === undefined ? {} : { startTicks }), name, argv };
}

/**
 * The process record of pod `name` under `runtimeDir`, or `null` when there
 * is none to trust: no record (the pod is not running, or stopped cleanly),
 * or one that is not a record podmesh wrote (not JSON, a field missing or of
 * the wrong kind, another pod's name, larger than
 * {@link MAX_PROCESS_RECORD_BYTES}), or a symbolic link or anything but a
 * regular file at `process.json`, or a pod folder that is a link or not a
 * folder. Links are never followed (`lstat` of the folder, `O_NOFOLLOW` on
 * the file). Never rejects on what sits there; other I/O errors (EACCES)
 * reject. An invalid name throws `InvalidPodNameError`.
 */
export async function readPodProcess(runtimeDir: string, name: string): Promise<PodProcessRecord | null> {
  const folder = podRuntimeDir(runtimeDir, name);
  try {
    const stats = await lstat(folder);
    if (!stats.isDirectory()) return null;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
  let bytes: Buffer | null;
  try {
    bytes = await readRecordFile(name, join(folder, PROCESS_RECORD_FILE), MAX_PROCESS_RECORD_BYTES);
  } catch (error) {
    if (errorCode(error) === 'corrupt-metadata') return null;
    throw error;
  }
  if (bytes === null) return null;
  try {
    return parsePodProcess(name, JSON.parse(bytes.toString('utf8')));
  } catch {
    return null;
  }
}

/**
 * Whether a recorded pid is still the pod's process. A pid is reused once
 * its process is gone; on Linux the start time in `/proc/<pid>/stat` tells a
 * reused pid from the one recorded. Nothing here signals anything but 0.
 */
import { readFile } from 'node:fs/promises';
import { errorCode } from '../../core/errors.js';
import type { PodProcessRecord } from './readPodProcess.js';

/** What `/proc/<pid>/stat` says of a process: its state letter and its start time in clock ticks since boot. */
export interface ProcStat {
  /** `R`, `S`, `D`, `T` (stopped), `Z` (zombie: exited, not yet reaped), … */
  readonly state: string;
  readonly startTicks: string;
}

/**
 * Parses the text of `/proc/<pid>/stat`. The command name (field 2, in
 * parentheses) may hold spaces and parentheses itself, so the fields are
 * counted from after its last `)`: there field 3 (the state) comes first and
 * field 22 (the start time) is the twentieth. `undefined` when the text is
 * not of that shape.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const state = fields[0];
  const startTicks = fields[19];
  if (state === undefined || startTicks === undefined || !/^\d+$/.test(startTicks)) return undefined;
  return { state, startTicks };
}

/** `/proc/<pid>/stat` of `pid` (`self` for this process), or `undefined` when there is no such process or no `/proc`. */
export async function readProcStat(pid: number | 'self'): Promise<ProcStat | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** False only when no process has `pid` (ESRCH); EPERM is another user's live process. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

/**
 * What became of a recorded process: `exited` (no process has the pid, or
 * only its zombie is left), `ours` (alive with the recorded start ticks),
 * `other` (alive with other start ticks: the pid was reused), or
 * `unverifiable` (alive, but there is no `/proc` or the record has no
 * `startTicks` to compare).
 */
export type RecordedProcessState = 'exited' | 'ours' | 'other' | 'unverifiable';

/** The {@link RecordedProcessState} of `record`'s process now. Signals nothing but 0. */
export async function recordedProcessState(record: PodProcessRecord): Promise<RecordedProcessState> {
  if (!Number.isSafeInteger(record.pid) || record.pid <= 0 || !pidExists(record.pid)) return 'exited';
  const stat = await readProcStat(record.pid);
  if (stat === undefined) {
    // On Linux the pid went between the two looks; elsewhere there is nothing to compare.
    if (process.platform === 'linux') return pidExists(record.pid) ? 'unverifiable' : 'exited';
    return 'unverifiable';
  }
  if (stat.state === 'Z') return 'exited';
  if (record.startTicks === undefined) return 'unverifiable';
  return stat.startTicks === record.startTicks ? 'ours' : 'other';
}

/**
 * Whether `record.pid` is still the pod's process: it exists and has not
 * exited (a zombie has), and on Linux its start ticks in `/proc/<pid>/stat`
 * equal `record.startTicks`. Where that cannot be checked (no `/proc`, a
 * record without `startTicks`) the answer is `false`: podmesh never signals
 * a pid it cannot vouch for.
 */
export async function processBelongsToPod(record: PodProcessRecord): Promise<boolean> {
  return (await recordedProcessState(record)) === 'ours';
}

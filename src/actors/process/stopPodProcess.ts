/**
 * Stopping a pod process from outside it: politely through its socket, and
 * with `force` by SIGKILL, but only a process the pod's record vouches for.
 */
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, PodmeshError } from '../../core/errors.js';
import { errorLine } from '../../core/text.js';
import { createSocketTransport, type SocketTransport } from './createSocketTransport.js';
import { podRuntimeDir, podSocketPath } from './podPaths.js';
import { recordedProcessState } from './processBelongsToPod.js';
import { PROCESS_RECORD_FILE, readPodProcess, type PodProcessRecord } from './readPodProcess.js';

/** Options of {@link stopPodProcess}. */
export interface StopPodProcessOptions {
  /** How long a pod asked to stop has to exit (default 10,000 ms). */
  readonly graceMs?: number;
  /** SIGKILL the pod's process when it does not stop in time or does not answer (default false). */
  readonly force?: boolean;
  /** A transport to reach the pod with (kept open); else one is made for the call and closed. */
  readonly transport?: SocketTransport;
}

/** What {@link stopPodProcess} did: the pod stopped when asked, was killed, or was not running; `pid` when its process was recorded. */
export interface StopResult {
  readonly outcome: 'stopped' | 'killed' | 'not-running';
  readonly pid?: number;
}

/**
 * A pod that would not stop: it does not answer on its socket (hung, or
 * stopped with SIGSTOP; code `pod-not-live`), or it answered but still runs
 * after the grace time (code `timeout`). The message says to use `--force`.
 */
export class PodStopError extends PodmeshError {
  constructor(
    readonly pod: string,
    readonly reason: 'unreachable' | 'still-running',
    detail: string,
  ) {
    super(reason === 'unreachable' ? 'pod-not-live' : 'timeout', `pod ${JSON.stringify(pod)} ${detail}: use --force to kill its process`);
  }
}

/** How long a killed process has to be gone (SIGKILL ends even a stopped process at once). */
const KILL_WAIT_MS = 5_000;
const POLL_MS = 20;
/** Bound on the `stop` request's answer, within the grace time. */
const STOP_REQUEST_MS = 5_000;

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Whether the recorded process is gone (or, without a record, the socket). */
async function gone(record: PodProcessRecord | null, socketPath: string): Promise<boolean> {
  if (record === null) return !(await exists(socketPath));
  const state = await recordedProcessState(record);
  return state === 'exited' || state === 'other';
}

/** Polls {@link gone} until it holds or `ms` pass; whether it held. */
async function waitGone(record: PodProcessRecord | null, socketPath: string, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (await gone(record, socketPath)) return true;
    if (performance.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

const sameProcess = (a: PodProcessRecord | null, b: PodProcessRecord): boolean =>
  a !== null && a.pid === b.pid && a.startTicks === b.startTicks && a.startedAt === b.startedAt;

/**
 * Removes the socket and process record a dead process left, when the record
 * still names that process (a successor that took the name over meanwhile
 * wrote its own, and its files are left alone). `pod.lock` stays: the next
 * start takes the stale lock over.
 */
async function removeLeftovers(runtimeDir: string, name: string, dead: PodProcessRecord): Promise<void> {
  if (!sameProcess(await readPodProcess(runtimeDir, name), dead)) return;
  await rm(podSocketPath(runtimeDir, name), { force: true });
  await rm(join(podRuntimeDir(runtimeDir, name), PROCESS_RECORD_FILE), { force: true });
}

/**
 * Stops pod `name`'s process under `runtimeDir`. A pod that answers on its
 * socket is sent `stop`, then given `graceMs` to exit (its recorded pid gone,
 * or without a record its socket). With `force`, a pod still running then,
 * or one that does not answer at all (hung, SIGSTOPped: the probe gives up
 * after 500 ms), is sent SIGKILL, but only when {@link processBelongsToPod}
 * vouches for its recorded process; once it is gone its `sock` and
 * `process.json` are removed (`pod.lock` is left to the stale takeover).
 *
 * Resolves to `not-running` when nothing serves the name (no socket, or the
 * recorded process has exited: a crash; with `force` its leftovers are
 * removed too), `stopped` or `killed`, with the recorded pid. Rejects with
 * PodmeshError `not-owned` (nothing signalled) when the recorded pid now
 * belongs to another process or cannot be verified (no `/proc`, a record
 * without start ticks, no record), and with {@link PodStopError} when the pod
 * does not stop and `force` is not set.
 */
export async function stopPodProcess(runtimeDir: string, name: string, options: StopPodProcessOptions = {}): Promise<StopResult> {
  const { graceMs = 10_000, force = false } = options;
  const socketPath = podSocketPath(runtimeDir, name);
  const record = await readPodProcess(runtimeDir, name);
  const pid = record === null ? {} : { pid: record.pid };
  const transport = options.transport ?? createSocketTransport({ runtimeDir });
  try {
    let problem: PodStopError;
    if (await exists(socketPath)) {
      const live = await transport.probe(name);
      if (live !== undefined && live.status !== 'unreachable') {
        try {
          await transport.request(name, 'stop', undefined, { timeoutMs: Math.max(1, Math.min(graceMs, STOP_REQUEST_MS)) });
          if (await waitGone(record, socketPath, graceMs)) return { outcome: 'stopped', ...pid };
          problem = new PodStopError(name, 'still-running', `still runs ${graceMs} ms after it was asked to stop`);
        } catch (error) {
          // It exited before it could answer, or hung since the probe.
          if (await gone(record, socketPath)) return { outcome: 'stopped', ...pid };
          problem = new PodStopError(name, 'unreachable', `did not answer the stop request (${errorLine(error, 120)})`);
        }
      } else {
        problem = new PodStopError(name, 'unreachable', `does not answer on its socket: ${live?.reason ?? 'no answer'}`);
      }
    } else {
      // No socket: stopped, or a process that lost it; only a live recorded process is worth a look.
      if (record === null || (await gone(record, socketPath))) return { outcome: 'not-running', ...pid };
      problem = new PodStopError(name, 'unreachable', 'runs without its socket');
    }

    if (record === null) {
      if (!(await exists(socketPath))) return { outcome: 'not-running' };
      if (!force) throw problem;
      throw new PodmeshError('not-owned', `pod ${JSON.stringify(name)} has no process record: its process cannot be told apart, nothing was signalled`);
    }
    const state = await recordedProcessState(record);
    if (state === 'exited') {
      // A crashed pod: its socket refuses, its process is gone.
      if (force) await removeLeftovers(runtimeDir, name, record);
      return { outcome: 'not-running', ...pid };
    }
    if (!force) throw problem;
    if (state !== 'ours') {
      const why = state === 'other' ? 'now belongs to another process' : 'cannot be verified on this system';
      throw new PodmeshError('not-owned', `pid ${record.pid} of pod ${JSON.stringify(name)} ${why}: nothing was signalled`);
    }
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch (error) {
      if (errorCode(error) !== 'ESRCH') throw error;
    }
    if (!(await waitGone(record, socketPath, KILL_WAIT_MS))) {
      throw new PodmeshError('timeout', `pid ${record.pid} of pod ${JSON.stringify(name)} is still there ${KILL_WAIT_MS} ms after SIGKILL`);
    }
    await removeLeftovers(runtimeDir, name, record);
    return { outcome: 'killed', ...pid };
  } finally {
    if (options.transport === undefined) transport.close();
  }
}

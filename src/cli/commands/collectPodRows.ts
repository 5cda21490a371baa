import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../../core/errors.js';
import { errorLine } from '../../core/text.js';
import { isValidPodName } from '../../core/validatePodName.js';
import type { PodMetadata } from '../../core/types.js';
import { readPodProcess } from '../../actors/process/readPodProcess.js';
import type { CliRuntime } from '../cliRuntime.js';

/** One pod as `podmesh ps` shows it; the JSON fields are the table's columns. */
export interface PodRow {
  readonly name: string;
  readonly role: string | null;
  readonly workspace: string | null;
  readonly status: 'live' | 'stopped' | 'unreachable';
  readonly activity: string | null;
  readonly pid: number | null;
  readonly startedAt: string | null;
  /** Seconds since the pod process started. */
  readonly uptime: number | null;
  readonly queued: number | null;
  readonly dropped: number | null;
  readonly turns: number | null;
  readonly reason: string | null;
}

/** Pods probed at once: a thousand sockets are asked in waves, not in one storm. */
const CONCURRENCY = 32;

/**
 * The names of every pod a home knows: its records, and pods without one
 * whose runtime folder holds a socket or a process file (a folder left with
 * only a stale lock is no pod).
 */
export async function knownPodNames(cli: CliRuntime): Promise<string[]> {
  const names = new Set(await cli.runtime.store.listNames());
  try {
    for (const entry of await readdir(cli.paths.runtimeDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !isValidPodName(entry.name) || names.has(entry.name)) continue;
      const inside = await readdir(join(cli.paths.runtimeDir, entry.name)).catch(() => [] as string[]);
      if (inside.includes('sock') || inside.includes('process.json')) names.add(entry.name);
    }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  return [...names].sort();
}

interface PingAnswer {
  readonly status?: 'live' | 'stopped' | 'unreachable';
  readonly activity?: string;
  readonly queued?: number;
  readonly dropped?: number;
  readonly turns?: number;
  readonly pid?: number;
  readonly startedAt?: string;
}

const uptimeOf = (startedAt: string | null, now: number): number | null => {
  const started = startedAt === null ? NaN : Date.parse(startedAt);
  return Number.isNaN(started) ? null : Math.max(0, Math.round((now - started) / 1000));
};

/** The row of one pod: its record (if any), then what its socket says, then its process file. */
export async function podRow(cli: CliRuntime, name: string, now = Date.now()): Promise<PodRow & { readonly record: PodMetadata | null }> {
  let record: PodMetadata | null = null;
  let recordProblem: string | null = null;
  try {
    record = await cli.runtime.store.read(name);
  } catch (error) {
    recordProblem = `record: ${errorLine(error, 120)}`;
  }
  const live = (await cli.transport.probe(name)) ?? { status: 'stopped' as const };
  let ping: PingAnswer = {};
  if (live.status === 'live') {
    try {
      ping = (await cli.transport.request(name, 'ping')) as PingAnswer;
    } catch {
      // It went between the probe and the ping: the probe's answer stands.
    }
  }
  const recorded = live.status === 'stopped' ? null : await readPodProcess(cli.paths.runtimeDir, name).catch(() => null);
  const startedAt = ping.startedAt ?? recorded?.startedAt ?? null;
  const reason = [live.reason ?? null, recordProblem, record === null && recordProblem === null ? 'no record' : null].filter((r) => r !== null).join('; ');
  return {
    name,
    role: record?.role ?? null,
    workspace: record?.workspaceRoot ?? null,
    status: live.status,
    activity: live.activity ?? null,
    pid: ping.pid ?? recorded?.pid ?? null,
    startedAt: live.status === 'stopped' ? null : startedAt,
    uptime: live.status === 'stopped' ? null : uptimeOf(startedAt, now),
    queued: ping.queued ?? null,
    dropped: ping.dropped ?? null,
    turns: ping.turns ?? null,
    reason: reason === '' ? null : reason,
    record,
  };
}

/** Every known pod's row, sorted by name (or the rows of `names`). */
export async function collectPodRows(cli: CliRuntime, names?: readonly string[]): Promise<PodRow[]> {
  const all = names ?? (await knownPodNames(cli));
  const rows: PodRow[] = new Array(all.length);
  const now = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < all.length) {
      const i = next++;
      const { record: _record, ...row } = await podRow(cli, all[i]!, now);
      rows[i] = row;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, all.length) }, worker));
  return rows;
}

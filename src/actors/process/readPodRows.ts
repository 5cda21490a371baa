import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../../core/errors.js';
import { errorLine } from '../../core/text.js';
import type { PodMetadata, PodMetadataStore } from '../../core/types.js';
import { isValidPodName } from '../../core/validatePodName.js';
import type { SocketTransport } from './createSocketTransport.js';
import { readPodProcess } from './readPodProcess.js';

/** One pod of a home as an operator sees it (`podmesh ps`, `podmesh inspect`); the JSON fields are `ps`'s columns. */
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

/** What rows are read from: the home's records, the pods' sockets, and the runtime folder. */
export interface PodRowSource {
  readonly store: Pick<PodMetadataStore, 'read' | 'listNames'>;
  readonly transport: Pick<SocketTransport, 'probe' | 'request'>;
  /** The pods' process files; absent for pods served over NATS, which keep none on this host (a local pod's there is not theirs). */
  readonly runtimeDir?: string;
}

/** Pods probed at once: a thousand sockets are asked in waves, not in one storm. */
export const POD_ROW_CONCURRENCY = 32;

/**
 * The names of every pod a home knows: its records, and pods without one
 * whose runtime folder holds a socket or a process file (a folder left with
 * only a stale lock is no pod); without a runtime folder, the records only.
 */
export async function knownPodNames(source: Pick<PodRowSource, 'store' | 'runtimeDir'>): Promise<string[]> {
  const names = new Set(await source.store.listNames());
  const { runtimeDir } = source;
  if (runtimeDir === undefined) return [...names].sort();
  try {
    for (const entry of await readdir(runtimeDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !isValidPodName(entry.name) || names.has(entry.name)) continue;
      const inside = await readdir(join(runtimeDir, entry.name)).catch(() => [] as string[]);
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
export async function readPodRow(source: PodRowSource, name: string, now = Date.now()): Promise<PodRow & { readonly record: PodMetadata | null }> {
  let record: PodMetadata | null = null;
  let recordProblem: string | null = null;
  try {
    record = await source.store.read(name);
  } catch (error) {
    recordProblem = `record: ${errorLine(error, 120)}`;
  }
  const live = (await source.transport.probe(name)) ?? { status: 'stopped' as const };
  let ping: PingAnswer = {};
  if (live.status === 'live') {
    try {
      ping = (await source.transport.request(name, 'ping')) as PingAnswer;
    } catch {
      // It went between the probe and the ping: the probe's answer stands.
    }
  }
  const recorded = live.status === 'stopped' || source.runtimeDir === undefined ? null : await readPodProcess(source.runtimeDir, name).catch(() => null);
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

/** Runs `work` over `items`, {@link POD_ROW_CONCURRENCY} at a time (a thousand pods are asked in waves, not in one storm). */
export async function inWaves<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(POD_ROW_CONCURRENCY, items.length) }, worker));
}

/** Every known pod's row, sorted by name (or the rows of `names`), each with its record, read in waves. */
export async function readPodRows(source: PodRowSource, names?: readonly string[]): Promise<(PodRow & { readonly record: PodMetadata | null })[]> {
  const all = names ?? (await knownPodNames(source));
  const rows: (PodRow & { readonly record: PodMetadata | null })[] = new Array(all.length);
  const now = Date.now();
  await inWaves(all, async (name, i) => {
    rows[i] = await readPodRow(source, name, now);
  });
  return rows;
}

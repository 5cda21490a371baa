import { errorLine } from '../core/text.js';
import { INSPECTOR_PROTOCOL_VERSION, type HelloEvent, type InspectorEvent, type PodView } from '../core/inspectorProtocol.js';
import type { PodMetadata, PodStatus } from '../core/types.js';
import { inWaves, type PodRow, type PodRowSource, readPodRow } from '../actors/process/readPodRows.js';
import { machineCharts } from '../machines/machineCharts.js';
import type { InspectorFeed } from './inspectorFeed.js';

/** How long a burst of marked pods settles before they are read. */
export const MARK_SETTLE_MS = 100;

const ACTIVITIES = new Set(['idle', 'running', 'paused']);

/** An activity the page knows, else null (what a pod says comes over a wire). */
const viewActivity = (activity: string | null | undefined): PodView['activity'] =>
  activity !== null && activity !== undefined && ACTIVITIES.has(activity) ? (activity as PodView['activity']) : null;

/** The inspector's view of a `ps` row and its record. */
function viewOf(row: PodRow, record: PodMetadata | null): PodView {
  return {
    name: row.name,
    role: row.role,
    workspace: row.workspace,
    status: row.status,
    activity: viewActivity(row.activity),
    pid: row.pid,
    queued: row.queued,
    dropped: row.dropped,
    turns: row.turns,
    peers: record?.peers ?? [],
    spawnedChildren: record?.spawnedChildren ?? [],
    reason: row.reason,
  };
}

const sameView = (a: PodView | undefined, b: PodView): boolean => a !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * The rows of `podmesh ps` as a feed keeps them, whatever keeps them live
 * (a home's sockets and files, NATS heartbeats and KV): the home and the
 * NATS feed differ in what they hear, not in what a row becomes.
 */
export interface PodRowFeed {
  /** The rows as shown now, by name. */
  readonly rows: ReadonlyMap<string, PodView>;
  isClosed(): boolean;
  /** Reads one pod's row again; reads of one name never overlap (one asked for meanwhile follows). */
  read(name: string): Promise<void>;
  /** Reads `name` soon, with every pod marked within {@link MARK_SETTLE_MS}: one read per burst of changes. */
  mark(name: string): void;
  /** What a pod pushed of itself (a snapshot, a heartbeat): its row follows at once; one that came up is read whole. */
  heard(name: string, status: PodStatus, activity: string | undefined): void;
  /** Drops a pod's row: it is known no more. */
  remove(name: string): void;
  /** Drops the rows not in `names` and reads the names without a row. */
  sync(names: readonly string[]): Promise<void>;
  /** Reads every live row again (pings for the counters). */
  refreshLive(): Promise<void>;
  /** Runs `fn` after `ms` unless the feed closed by then. */
  later(ms: number, fn: () => void): void;
  /** Runs `task` every `ms`, the next run only once this one ended; a failure is a warning on the stream. */
  every(ms: number, task: () => Promise<void>, what: string): void;
  warn(message: string, error: unknown): void;
  /** The feed over these rows, in mode `home` from `source`; its close ends the timers, then runs `release`. */
  feed(source: string, release: () => void | Promise<void>): InspectorFeed;
}

/** The rows read from `source`: none yet (`sync` reads the first). */
export function createPodRowFeed(source: PodRowSource): PodRowFeed {
  const rows = new Map<string, PodView>();
  const listeners = new Set<(events: InspectorEvent[]) => void>();
  const reading = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const marked = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const emit = (events: InspectorEvent[]): void => {
    if (closed || events.length === 0) return;
    for (const listener of listeners) listener(events);
  };
  const put = (view: PodView): void => {
    if (sameView(rows.get(view.name), view)) return;
    rows.set(view.name, view);
    emit([{ type: 'podmesh.pod', at: Date.now(), pod: view }]);
  };
  const warn = (message: string, error: unknown): void =>
    emit([{ type: 'podmesh.diagnostic', at: Date.now(), level: 'warn', message, fields: { error: errorLine(error, 200) } }]);

  const read = (name: string): Promise<void> => {
    const running = reading.get(name);
    if (running !== undefined) {
      again.add(name);
      return running;
    }
    const work = (async () => {
      try {
        const { record, ...row } = await readPodRow(source, name);
        if (!closed) put(viewOf(row, record));
      } catch (error) {
        warn(`could not read pod ${name}`, error);
      } finally {
        reading.delete(name);
        if (again.delete(name) && !closed) void read(name);
      }
    })();
    reading.set(name, work);
    return work;
  };

  const later = (ms: number, fn: () => void): void => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, ms);
    timer.unref();
    timers.add(timer);
  };
  const every = (ms: number, task: () => Promise<void>, what: string): void =>
    later(ms, () => {
      task()
        .catch((error) => warn(`could not ${what}`, error))
        .finally(() => every(ms, task, what));
    });

  const remove = (name: string): void => {
    if (!rows.delete(name)) return;
    emit([{ type: 'podmesh.podRemoved', at: Date.now(), name }]);
  };

  const readMarked = async (): Promise<void> => {
    const names = [...marked];
    marked.clear();
    await inWaves(names, read);
  };

  return {
    rows,
    isClosed: () => closed,
    read,
    mark(name) {
      if (closed) return;
      if (marked.size === 0) later(MARK_SETTLE_MS, () => void readMarked().catch((error) => warn('could not read changed pods', error)));
      marked.add(name);
    },
    heard(name, status, activity) {
      const row = rows.get(name);
      if (row === undefined || closed) return;
      if (status === 'stopped') {
        put({ ...row, status, activity: null, pid: null, queued: null, dropped: null, turns: null, reason: null });
        return;
      }
      // A pod that came up since its row was read: the row's pid and counts are of the pod that was not there,
      // so it is read whole (a ping) rather than shown live with a stale pid.
      if (status === 'live' && row.status !== 'live') {
        void read(name);
        return;
      }
      put({ ...row, status, activity: viewActivity(activity), reason: status === 'live' ? null : row.reason });
    },
    remove,
    async sync(names) {
      const known = new Set(names);
      for (const name of [...rows.keys()]) if (!known.has(name)) remove(name);
      await inWaves(
        names.filter((name) => !rows.has(name)),
        read,
      );
    },
    refreshLive: () =>
      inWaves(
        [...rows.values()].filter((row) => row.status === 'live').map((row) => row.name),
        read,
      ),
    later,
    every,
    warn,
    feed(from, release) {
      let charts: Record<string, unknown> | undefined;
      const hello = (): HelloEvent => {
        charts ??= machineCharts();
        return { type: 'podmesh.hello', version: INSPECTOR_PROTOCOL_VERSION, mode: 'home', source: from, machines: charts };
      };
      return {
        hello,
        pods: () => [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        subscribe(listener) {
          listeners.add(listener);
          return () => void listeners.delete(listener);
        },
        async close() {
          if (closed) return;
          closed = true;
          for (const timer of timers) clearTimeout(timer);
          timers.clear();
          listeners.clear();
          await release();
          await Promise.allSettled([...reading.values()]);
        },
      };
    },
  };
}

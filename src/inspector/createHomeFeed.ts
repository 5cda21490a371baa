import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { isValidPodName } from '../core/validatePodName.js';
import { errorLine } from '../core/text.js';
import { INSPECTOR_PROTOCOL_VERSION, type HelloEvent, type InspectorEvent, type PodView } from '../core/inspectorProtocol.js';
import type { PodMetadata } from '../core/types.js';
import { createFsPodStore } from '../actors/stores/createFsPodStore.js';
import { createSocketTransport } from '../actors/process/createSocketTransport.js';
import { podSocketPath } from '../actors/process/podPaths.js';
import type { PodSnapshotMessage } from '../actors/process/podProtocol.js';
import { knownPodNames, POD_ROW_CONCURRENCY, readPodRow, type PodRow, type PodRowSource } from '../actors/process/readPodRows.js';
import { machineCharts } from '../machines/machineCharts.js';
import type { InspectorFeed } from './inspectorFeed.js';

/** Options of {@link createHomeFeed}. */
export interface HomeFeedOptions {
  /** The home (`PODMESH_HOME`): records in `<home>/pods`. */
  readonly home: string;
  /** The runtime folder: the pods' sockets and process files. */
  readonly runtimeDir: string;
  /** How often names are listed again and pods that are not live are looked at (default 2,000 ms). */
  readonly relistMs?: number;
  /** How often live pods are pinged for their counters and their records read (default 5,000 ms). */
  readonly refreshMs?: number;
}

/** Gap between a pod's connection ending and the look at what became of it (its socket is removed just after). */
const AFTER_CLOSE_MS = 100;
/** The files whose change is worth reading a pod again: its record, its socket, its process file. */
const WATCHED_FILES = new Set(['metadata.json', 'sock', 'process.json']);
/** How long a burst of watched changes settles before the marked pods are read. */
const WATCH_SETTLE_MS = 100;
/** With both folders watched, quiet pods' sockets are also stat'ed every this many listings (a missed event). */
const QUIET_EVERY = 15;

const ACTIVITIES = new Set(['idle', 'running', 'paused']);

/** The inspector's view of a `ps` row and its record. */
function viewOf(row: PodRow, record: PodMetadata | null): PodView {
  return {
    name: row.name,
    role: row.role,
    workspace: row.workspace,
    status: row.status,
    activity: row.activity !== null && ACTIVITIES.has(row.activity) ? (row.activity as PodView['activity']) : null,
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

/** Runs `work` over `items`, {@link POD_ROW_CONCURRENCY} at a time. */
async function inWaves<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(POD_ROW_CONCURRENCY, items.length) }, worker));
}

/**
 * The feed of a home's pods (`podmesh inspect` without a trace): the rows of
 * `podmesh ps` with peers and children, kept live without a polling storm.
 * One connection per live pod stays open and the snapshot the pod pushes on
 * every change of status or activity updates its row at once (a connection
 * that ends is looked at again after {@link AFTER_CLOSE_MS} ms). Every
 * `relistMs` the names are listed (two `readdir`s). A pod whose record,
 * socket or process file changes is read again (the home's `pods/` and the
 * runtime dir are watched, `fs.watch` recursive), so a stopped pod's peers
 * stay true; a stat of quiet pods' sockets catches a missed event every
 * {@link QUIET_EVERY} listings (every listing when a folder cannot be watched). Every `refreshMs` the live pods are pinged for their queued, dropped
 * and turn counts and their records read, 32 at a time.
 */
export async function createHomeFeed(options: HomeFeedOptions): Promise<InspectorFeed> {
  const home = resolve(options.home);
  const runtimeDir = resolve(options.runtimeDir);
  const relistMs = options.relistMs ?? 2000;
  const refreshMs = options.refreshMs ?? 5000;
  const transport = createSocketTransport({ runtimeDir });
  const source: PodRowSource = { store: createFsPodStore(join(home, 'pods')), transport, runtimeDir };
  const rows = new Map<string, PodView>();
  const listeners = new Set<(events: InspectorEvent[]) => void>();
  const reading = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let charts: Record<string, unknown> | undefined;

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

  /** Reads one pod's row again; reads of one name never overlap (one asked for meanwhile follows). */
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

  const onSnapshot = (name: string, snapshot: PodSnapshotMessage | null): void => {
    const row = rows.get(name);
    if (row === undefined || closed) return;
    if (snapshot === null) {
      // A pod that said it stopped is stopped; otherwise see whether it went or crashed.
      if (row.status === 'stopped') put({ ...row, activity: null, pid: null, queued: null, dropped: null, turns: null, reason: null });
      else later(AFTER_CLOSE_MS, () => void read(name));
      return;
    }
    // A pod that came up since its row was read: the row's pid and counts are of the pod that was not there,
    // so it is read whole (a ping) rather than shown live with a stale pid.
    if (snapshot.status === 'live' && row.status !== 'live') {
      void read(name);
      return;
    }
    const activity = snapshot.activity !== undefined && ACTIVITIES.has(snapshot.activity) ? snapshot.activity : null;
    put({ ...row, status: snapshot.status, activity, reason: snapshot.status === 'live' ? null : row.reason });
  };
  const unsubscribeSnapshots = transport.onSnapshot(onSnapshot);

  // Changes in the home are heard, not polled: a record written (peers, children) or a socket that comes
  // or goes marks its pod, and marked pods are read again shortly after (one read per burst of changes).
  const marked = new Set<string>();
  const readMarked = async (): Promise<void> => {
    const names = [...marked];
    marked.clear();
    await inWaves(names, read);
  };
  const mark = (filename: string | null): void => {
    const parts = filename?.split(sep) ?? [];
    const name = parts[0];
    // Only what changes a row: a record, a socket, a process file, a pod's folder. A live pod refreshes its
    // lock every second: those events must not become a read per pod per second.
    if (parts.length > 2 || (parts.length === 2 && !WATCHED_FILES.has(parts[1]!))) return;
    if (name === undefined || closed || !isValidPodName(name) || name.startsWith('.')) return;
    if (marked.size === 0) later(WATCH_SETTLE_MS, () => void readMarked().catch((error) => warn('could not read changed pods', error)));
    marked.add(name);
  };
  const watchers: FSWatcher[] = [];
  for (const folder of [join(home, 'pods'), runtimeDir]) {
    try {
      const watcher = watch(folder, { recursive: true }, (_event, filename) => mark(typeof filename === 'string' ? filename : null));
      watcher.on('error', () => watcher.close());
      watcher.unref();
      watchers.push(watcher);
    } catch {
      // Not there yet (no pod started) or not watchable: the periodic listing still finds what changed.
    }
  }
  let relists = 0;

  const relist = async (): Promise<void> => {
    const names = await knownPodNames(source);
    const known = new Set(names);
    for (const name of [...rows.keys()]) {
      if (known.has(name)) continue;
      rows.delete(name);
      emit([{ type: 'podmesh.podRemoved', at: Date.now(), name }]);
    }
    const fresh = names.filter((name) => !rows.has(name));
    const quiet = names.filter((name) => rows.get(name)?.status !== undefined && rows.get(name)!.status !== 'live');
    await inWaves(fresh, read);
    // A missed watch event is caught up here, but rarely: a stat per quiet pod every QUIET_EVERY lists.
    relists += 1;
    if (watchers.length === 2 && relists % QUIET_EVERY !== 0) return;
    await inWaves(quiet, async (name) => {
      const row = rows.get(name);
      if (row === undefined) return;
      if (row.status === 'unreachable') return read(name);
      let socket = false;
      try {
        await stat(podSocketPath(runtimeDir, name));
        socket = true;
      } catch {
        // no socket: still stopped
      }
      if (socket) await read(name);
    });
  };

  const refresh = async (): Promise<void> => {
    const live = [...rows.values()].filter((row) => row.status === 'live').map((row) => row.name);
    await inWaves(live, read);
  };

  /** Runs `task` every `ms`, the next run only once this one ended. */
  const every = (ms: number, task: () => Promise<void>, what: string): void =>
    later(ms, () => {
      task()
        .catch((error) => warn(`could not ${what}`, error))
        .finally(() => every(ms, task, what));
    });

  // The first rows, before any page connects.
  await inWaves(await knownPodNames(source), read);
  every(relistMs, relist, 'list the pods of the home');
  every(refreshMs, refresh, 'refresh the live pods');

  const hello = (): HelloEvent => {
    charts ??= machineCharts();
    return { type: 'podmesh.hello', version: INSPECTOR_PROTOCOL_VERSION, mode: 'home', source: home, machines: charts };
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
      unsubscribeSnapshots();
      for (const watcher of watchers) watcher.close();
      listeners.clear();
      transport.close();
      await Promise.allSettled([...reading.values()]);
    },
  };
}

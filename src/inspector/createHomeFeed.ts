import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { isValidPodName } from '../core/validatePodName.js';
import { createFsPodStore } from '../actors/stores/createFsPodStore.js';
import { createSocketTransport } from '../actors/process/createSocketTransport.js';
import { podSocketPath } from '../actors/process/podPaths.js';
import { inWaves, knownPodNames, type PodRowSource } from '../actors/process/readPodRows.js';
import { createPodRowFeed } from './createPodRowFeed.js';
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
/** With both folders watched, quiet pods' sockets are also stat'ed every this many listings (a missed event). */
const QUIET_EVERY = 15;

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
  const feed = createPodRowFeed(source);
  const { rows, read } = feed;

  const unsubscribeSnapshots = transport.onSnapshot((name, snapshot) => {
    if (!rows.has(name)) return;
    if (snapshot !== null) return feed.heard(name, snapshot.status, snapshot.activity);
    // A pod that said it stopped is stopped; otherwise see whether it went or crashed.
    if (rows.get(name)?.status === 'stopped') feed.heard(name, 'stopped', undefined);
    else feed.later(AFTER_CLOSE_MS, () => void read(name));
  });

  // Changes in the home are heard, not polled: a record written (peers, children) or a socket that comes
  // or goes marks its pod, and marked pods are read again shortly after (one read per burst of changes).
  const mark = (filename: string | null): void => {
    const parts = filename?.split(sep) ?? [];
    const name = parts[0];
    // Only what changes a row: a record, a socket, a process file, a pod's folder. A live pod refreshes its
    // lock every second: those events must not become a read per pod per second.
    if (parts.length > 2 || (parts.length === 2 && !WATCHED_FILES.has(parts[1]!))) return;
    if (name === undefined || !isValidPodName(name) || name.startsWith('.')) return;
    feed.mark(name);
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
    const quiet = names.filter((name) => rows.get(name)?.status !== undefined && rows.get(name)!.status !== 'live');
    await feed.sync(names);
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

  // The first rows, before any page connects.
  await feed.sync(await knownPodNames(source));
  feed.every(relistMs, relist, 'list the pods of the home');
  feed.every(refreshMs, feed.refreshLive, 'refresh the live pods');

  return feed.feed(home, () => {
    unsubscribeSnapshots();
    for (const watcher of watchers) watcher.close();
    transport.close();
  });
}

import { validatePodName } from '../../core/validatePodName.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { METADATA_FILE } from '../../actors/stores/createFsPodStore.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { formatDuration, printJson, statusCell, table } from '../cliOutput.js';
import { requirePod } from './requirePod.js';
import { podRow } from './collectPodRows.js';

/**
 * The record's times: `created` is the birth of the pod's folder (an atomic
 * write replaces the record file, the folder stays; its change time where the
 * file system keeps no birth time), `updated` the record file's last write.
 */
async function recordTimes(podsDir: string, name: string): Promise<{ created: string | null; updated: string | null }> {
  try {
    const [folder, file] = await Promise.all([stat(join(podsDir, name)), stat(join(podsDir, name, METADATA_FILE))]);
    const born = folder.birthtimeMs > 0 ? folder.birthtime : folder.ctime;
    return { created: born.toISOString(), updated: file.mtime.toISOString() };
  } catch {
    return { created: null, updated: null };
  }
}

/** `podmesh pod show <name>`: the durable record (role, workspace, peers, children, times) and the live state. */
export async function podShow(context: CliContext, rawName: string): Promise<number> {
  validatePodName(rawName); // names are checked before any folder
  const paths = await cliPaths(context);
  return withRuntime(paths, async (cli) => {
    const name = await requirePod(cli, rawName);
    const { record, ...row } = await podRow(cli, name);
    const times = await recordTimes(paths.podsDir, name);
    const shown = {
      ...row,
      peers: record?.peers ?? [],
      spawnedChildren: record?.spawnedChildren ?? [],
      ...(record?.pendingPeers === undefined ? {} : { pendingPeers: record.pendingPeers }),
      ...times,
    };
    if (context.json) {
      printJson(context, shown);
      return 0;
    }
    const list = (items: readonly string[]): string => (items.length === 0 ? '-' : items.join(', '));
    const lines: [string, string | ReturnType<typeof statusCell>][] = [
      ['name', name],
      ['role', shown.role ?? '-'],
      ['workspace', shown.workspace ?? '-'],
      ['peers', list(shown.peers)],
      ['spawned children', list(shown.spawnedChildren)],
      ...(shown.pendingPeers === undefined ? [] : [['pending peers', list(shown.pendingPeers)] as [string, string]]),
      ['created', times.created ?? '-'],
      ['updated', times.updated ?? '-'],
      ['status', statusCell(context, shown.status)],
      ['activity', shown.activity ?? '-'],
      ['pid', shown.pid === null ? '-' : String(shown.pid)],
      ['uptime', shown.uptime === null ? '-' : formatDuration(shown.uptime)],
      ['queued', shown.queued === null ? '-' : String(shown.queued)],
      ['dropped', shown.dropped === null ? '-' : String(shown.dropped)],
      ['turns', shown.turns === null ? '-' : String(shown.turns)],
      ...(shown.reason === null ? [] : [['reason', shown.reason] as [string, string]]),
    ];
    context.io.out(table(lines.map(([key, value]) => [`${key}:`, value])));
    return 0;
  });
}

import { join } from 'node:path';
import { writeFileAtomic } from '../stores/writeFileAtomic.js';
import { readProcStat } from './processBelongsToPod.js';
import { MAX_ARGV_ITEM_CHARS, MAX_ARGV_ITEMS, PROCESS_RECORD_FILE, type PodProcessRecord } from './readPodProcess.js';

/** This process as the record of pod `name`, started at `startedAt`: its pid, its start ticks on Linux, its `argv` bounded. */
export async function currentPodProcess(name: string, startedAt: Date): Promise<PodProcessRecord> {
  const stat = await readProcStat('self');
  const argv = process.argv.slice(0, MAX_ARGV_ITEMS).map((item) => (item.length > MAX_ARGV_ITEM_CHARS ? item.slice(0, MAX_ARGV_ITEM_CHARS) : item));
  return { pid: process.pid, startedAt: startedAt.toISOString(), ...(stat === undefined ? {} : { startTicks: stat.startTicks }), name, argv };
}

/**
 * Writes `record` to `<podDir>/process.json`, atomically and owner-only
 * (0600, see writeFileAtomic.ts). The caller holds the name's lock and has
 * checked `podDir` (ensurePodRuntimeDir).
 */
export async function writePodProcess(podDir: string, record: PodProcessRecord): Promise<void> {
  await writeFileAtomic(join(podDir, PROCESS_RECORD_FILE), `${JSON.stringify(record)}\n`);
}

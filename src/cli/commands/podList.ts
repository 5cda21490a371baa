import { setTimeout as sleep } from 'node:timers/promises';
import { validatePodName } from '../../core/validatePodName.js';
import { secondsOption } from '../cliArgs.js';
import { cliPaths, withRuntime, type CliContext } from '../cliContext.js';
import { formatDuration, printJson, printJsonLine, statusCell, table, type Cell } from '../cliOutput.js';
import { requirePod } from './findPod.js';
import { collectPodRows, type PodRow } from './podRows.js';

const dash = (value: string | number | null): string => (value === null ? '-' : String(value));

/** The `ps` table of `rows`. */
export function podTable(context: CliContext, rows: readonly PodRow[]): string {
  const head: Cell[] = ['NAME', 'ROLE', 'WORKSPACE', 'STATUS', 'ACTIVITY', 'PID', 'UPTIME', 'QUEUED', 'DROPPED', 'REASON'];
  const body = rows.map((r): Cell[] => [
    r.name,
    dash(r.role),
    dash(r.workspace),
    statusCell(context, r.status),
    dash(r.activity),
    dash(r.pid),
    r.uptime === null ? '-' : formatDuration(r.uptime),
    dash(r.queued),
    dash(r.dropped),
    r.reason ?? '',
  ]);
  return table([head, ...body]);
}

/** Options of `podmesh ps`. */
export interface PsFlags {
  readonly watch?: boolean;
  /** Seconds between refreshes of `--watch`. */
  readonly interval?: string;
  readonly role?: string;
}

/**
 * `podmesh ps` (also `pod ls` without `--as`, `pod ps`): every pod the home
 * knows, with its status, pid, uptime and queue; `--watch` redraws it until
 * Ctrl-C (in place on a terminal; under `--json` one JSON line per refresh).
 */
export async function podPs(context: CliContext, flags: PsFlags): Promise<number> {
  const paths = await cliPaths(context);
  const interval = Math.max(100, secondsOption(flags.interval, '--interval') ?? 2000);
  return withRuntime(paths, async (cli) => {
    const collect = async (): Promise<PodRow[]> => (await collectPodRows(cli)).filter((r) => flags.role === undefined || r.role === flags.role);
    if (flags.watch !== true) {
      const rows = await collect();
      if (context.json) printJson(context, { pods: rows });
      else context.io.out(rows.length === 0 ? `no pods in ${paths.home}\n` : podTable(context, rows));
      return 0;
    }
    let stopped = false;
    const stop = () => (stopped = true);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      while (!stopped) {
        const rows = await collect();
        if (context.json) printJsonLine(context, { at: new Date().toISOString(), pods: rows });
        else {
          const text = `${new Date().toTimeString().slice(0, 8)}  ${rows.length} pods in ${paths.home} (every ${interval / 1000} s; Ctrl-C to stop)\n${podTable(context, rows)}`;
          // On a terminal the table is redrawn in place (home, clear); elsewhere each refresh follows the last.
          context.io.out(context.io.stdoutTty ? `\x1b[H\x1b[2J${text}` : `${text}\n`);
        }
        for (let waited = 0; waited < interval && !stopped; waited += 100) await sleep(100);
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return 0;
  });
}

/** `podmesh pod ls --as <self>`: the pods `self` sees, and how. */
export async function podLsAs(context: CliContext, rawSelf: string): Promise<number> {
  validatePodName(rawSelf); // names are checked before any folder
  const paths = await cliPaths(context);
  return withRuntime(paths, async (cli) => {
    const self = await requirePod(cli, rawSelf);
    const items = await cli.runtime.discovery(self).listVisible();
    const rows = items.map((i) => ({
      name: i.name,
      visibility: i.visibility,
      record: i.state,
      status: i.live?.status ?? null,
      activity: i.live?.activity ?? null,
      reason: i.live?.reason ?? null,
    }));
    if (context.json) printJson(context, { self, pods: rows });
    else {
      const body = rows.map((r): Cell[] => [r.name, r.visibility, r.record, r.status === null ? '-' : statusCell(context, r.status), dash(r.activity), r.reason ?? '']);
      context.io.out(table([['NAME', 'VISIBILITY', 'RECORD', 'STATUS', 'ACTIVITY', 'REASON'], ...body]));
    }
    return 0;
  });
}

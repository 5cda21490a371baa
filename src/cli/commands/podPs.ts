import { setTimeout as sleep } from 'node:timers/promises';
import { redactUrl } from '../../core/text.js';
import { secondsOption } from '../cliArgs.js';
import { interruption } from '../interruption.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { formatDuration, plural, printJson, printJsonLine, statusCell, table, type Cell } from '../cliOutput.js';
import { collectPodRows, type PodRow } from './collectPodRows.js';

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
  const where = paths.nats === undefined ? `in ${paths.home}` : `on NATS ${redactUrl(paths.nats)}`;
  return withRuntime(paths, async (cli) => {
    const collect = async (): Promise<PodRow[]> => (await collectPodRows(cli)).filter((r) => flags.role === undefined || r.role === flags.role);
    if (flags.watch !== true) {
      const rows = await collect();
      if (context.json) printJson(context, { pods: rows });
      else context.io.out(rows.length === 0 ? `no ${flags.role === undefined ? 'pods' : `${flags.role}s`} ${where}\n` : podTable(context, rows));
      return 0;
    }
    const signal = interruption();
    try {
      while (!signal.interrupted()) {
        const rows = await collect();
        if (context.json) printJsonLine(context, { at: new Date().toISOString(), pods: rows });
        else {
          const text = `${new Date().toTimeString().slice(0, 8)}  ${plural(rows.length, flags.role ?? 'pod')} ${where} (every ${interval / 1000} s; Ctrl-C to stop)\n${podTable(context, rows)}`;
          // On a terminal the table is redrawn in place (home, clear); elsewhere each refresh follows the last.
          context.io.out(context.io.stdoutTty ? `\x1b[H\x1b[2J${text}` : `${text}\n`);
        }
        for (let waited = 0; waited < interval && !signal.interrupted(); waited += 100) await sleep(100);
      }
    } finally {
      signal.dispose();
    }
    return 0;
  });
}

import { validatePodName } from '../../core/validatePodName.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { printJson, statusCell, table, type Cell } from '../cliOutput.js';
import { requirePod } from './requirePod.js';

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
      const body = rows.map((r): Cell[] => [r.name, r.visibility, r.record, r.status === null ? '-' : statusCell(context, r.status), r.activity ?? '-', r.reason ?? '']);
      context.io.out(table([['NAME', 'VISIBILITY', 'RECORD', 'STATUS', 'ACTIVITY', 'REASON'], ...body]));
    }
    return 0;
  });
}

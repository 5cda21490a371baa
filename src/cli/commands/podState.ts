import { validatePodName } from '../../core/validatePodName.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { plural, printJson } from '../cliOutput.js';
import { requireLive } from './requireLive.js';

interface StateAnswer {
  readonly status?: string;
  readonly activity?: string;
  readonly pendingNotices?: string[];
  readonly pendingNoticesOmitted?: number;
  readonly dropped?: number;
  readonly turns?: number;
}

/** `podmesh pod state <name>`: a running pod's status and every queued notice in full. */
export async function podState(context: CliContext, rawName: string): Promise<number> {
  validatePodName(rawName); // names are checked before any folder
  const paths = await cliPaths(context);
  return withRuntime(paths, async (cli) => {
    const name = await requireLive(cli, rawName);
    const result = (await cli.transport.request(name, 'state')) as StateAnswer;
    if (context.json) {
      printJson(context, { name, ...result });
      return 0;
    }
    const omitted = result.pendingNoticesOmitted ?? 0;
    const queued = (result.pendingNotices?.length ?? 0) + omitted;
    context.io.out(`pod ${name}: ${result.status}/${result.activity ?? '-'}, ${plural(queued, 'queued notice')}, ${result.dropped ?? 0} dropped, ${plural(result.turns ?? 0, 'turn')}\n`);
    for (const [i, notice] of (result.pendingNotices ?? []).entries()) context.io.out(`--- ${i + 1}\n${notice}\n`);
    if (omitted > 0) context.io.out(`--- ${omitted} newer notices not shown (they did not fit the state answer)\n`);
    return 0;
  });
}


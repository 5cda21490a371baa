import { validatePodName } from '../../core/validatePodName.js';
import { UsageError } from '../cliArgs.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { printJson } from '../cliOutput.js';
import { requireLive } from './requireLive.js';

/** `podmesh pod run|pause|resume <name>`: asks a live pod to run a turn, pause or resume; prints its status after. */
export async function podControl(context: CliContext, method: 'run' | 'pause' | 'resume', rawName: string, flags: { readonly input?: string } = {}): Promise<number> {
  let params: Record<string, unknown> | undefined;
  if (flags.input !== undefined) {
    try {
      params = { input: JSON.parse(flags.input) as unknown };
    } catch {
      throw new UsageError('--input must be JSON (a string needs its quotes: --input \'"text"\')');
    }
  }
  validatePodName(rawName); // names are checked before any folder
  const paths = await cliPaths(context);
  return withRuntime(paths, async (cli) => {
    const name = await requireLive(cli, rawName);
    const result = (await cli.transport.request(name, method, params)) as { status?: string; activity?: string };
    const did = method === 'run' ? 'a turn was requested' : method === 'pause' ? 'paused' : 'resumed';
    if (context.json) printJson(context, { name, method, status: result.status ?? null, activity: result.activity ?? null });
    else context.io.out(`pod ${name}: ${did} (now ${result.status}/${result.activity ?? '-'})\n`);
    return 0;
  });
}

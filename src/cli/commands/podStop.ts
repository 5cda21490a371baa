import { validatePodName } from '../../core/validatePodName.js';
import { stopPodProcess } from '../../actors/process/stopPodProcess.js';
import { secondsOption } from '../cliArgs.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { printJson } from '../cliOutput.js';
import { requirePod } from './requirePod.js';

/** Options of `pod stop` and `orchestrator stop`. */
export interface StopFlags {
  readonly force?: boolean;
  /** Seconds to wait for a clean stop before `--force` kills (default 10). */
  readonly timeout?: string;
}

/**
 * Stops pod `rawName` and waits until it has gone. Idempotent: a pod that is
 * not running exits 0 with a note, as `docker stop` does. `--force` ends a
 * hung pod with SIGKILL once the grace period is over, by its recorded pid,
 * after checking that the pid is still that pod's process.
 */
export async function stopNamedPod(context: CliContext, rawName: string, flags: StopFlags, { requireKnown = true }: { readonly requireKnown?: boolean } = {}): Promise<number> {
  validatePodName(rawName); // names are checked before any folder
  const paths = await cliPaths(context);
  const graceMs = secondsOption(flags.timeout, '--timeout') ?? 10_000;
  return withRuntime(paths, async (cli) => {
    const name = requireKnown ? await requirePod(cli, rawName) : rawName;
    const result = await stopPodProcess(paths.runtimeDir, name, { graceMs, force: flags.force === true, transport: cli.transport });
    if (context.json) printJson(context, { name, ...result });
    else if (result.outcome === 'not-running') context.io.out(`pod ${name} is not running (nothing to stop)\n`);
    else if (result.outcome === 'killed') context.io.out(`pod ${name} killed (pid ${result.pid}, SIGKILL)\n`);
    else context.io.out(`pod ${name} stopped${result.pid === undefined ? '' : ` (pid ${result.pid})`}\n`);
    return 0;
  });
}

import { validatePodName } from '../../core/validatePodName.js';
import { PodmeshError } from '../../core/errors.js';
import { STATE_NOTICE_BYTES } from '../../actors/process/podStateAnswer.js';
import { UsageError } from '../cliArgs.js';
import { cliPaths, withRuntime, type CliContext, type CliRuntime } from '../cliContext.js';
import { printJson } from '../cliOutput.js';
import { requirePod } from './findPod.js';

const MIB = 1024 * 1024;

/** `name`, known to the home and live; else a one-line error saying what it is and what to do. */
async function requireLive(cli: CliRuntime, rawName: string): Promise<string> {
  const name = await requirePod(cli, rawName);
  const live = await cli.transport.probe(name);
  if (live?.status === 'live') return name;
  const hint = live?.status === 'unreachable' ? `; end it with podmesh pod stop ${name} --force` : `; start it with podmesh pod start ${name}`;
  throw new PodmeshError('pod-not-live', `pod ${name} is ${live?.status ?? 'stopped'}${live?.reason === undefined ? '' : ` (${live.reason})`}${hint}`);
}

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
    if (context.json) return printJson(context, { name, ...result }), 0;
    const omitted = result.pendingNoticesOmitted ?? 0;
    const queued = (result.pendingNotices?.length ?? 0) + omitted;
    context.io.out(`pod ${name}: ${result.status}/${result.activity ?? '-'}, ${queued} queued notices, ${result.dropped ?? 0} dropped, ${result.turns ?? 0} turns\n`);
    for (const [i, notice] of (result.pendingNotices ?? []).entries()) context.io.out(`--- ${i + 1}\n${notice}\n`);
    if (omitted > 0) context.io.out(`--- ${omitted} newer notices not shown (a state answer holds at most ${STATE_NOTICE_BYTES / MIB} MiB of them)\n`);
    return 0;
  });
}

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

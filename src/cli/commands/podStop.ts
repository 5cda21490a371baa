import { validatePodName } from '../../core/validatePodName.js';
import { PodmeshError } from '../../core/errors.js';
import type { SocketTransport } from '../../actors/process/createSocketTransport.js';
import { stopPodProcess, type StopResult } from '../../actors/process/stopPodProcess.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { secondsOption } from '../cliArgs.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime, type CliRuntime } from '../cliRuntime.js';
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
    const result =
      cli.nats === undefined
        ? await stopPodProcess(paths.runtimeDir, name, { graceMs, force: flags.force === true, transport: cli.transport as SocketTransport })
        : await stopOverNats(cli, name, graceMs, flags.force === true);
    if (context.json) printJson(context, { name, ...result });
    else if (result.outcome === 'not-running') context.io.out(`pod ${name} is not running (nothing to stop)\n`);
    else if (result.outcome === 'killed') context.io.out(`pod ${name} killed (pid ${result.pid}, SIGKILL)\n`);
    else context.io.out(`pod ${name} stopped${result.pid === undefined ? '' : ` (pid ${result.pid})`}\n`);
    return 0;
  });
}

/**
 * Stops a pod served over NATS: its host may be another machine, so the
 * stop is the protocol's `stop` request, then a wait (up to `graceMs`) until
 * nobody answers for the name. No `--force`: a pid means nothing off its host.
 */
async function stopOverNats(cli: CliRuntime, name: string, graceMs: number, force: boolean): Promise<StopResult> {
  if (force) throw new PodmeshError('invalid-argument', `pod stop --force ends a process by its pid on this host; a pod on NATS is stopped with a request (podmesh pod stop ${name} --nats …)`);
  const before = await cli.transport.probe(name);
  if (before === undefined || before.status === 'stopped') return { outcome: 'not-running' };
  if (before.status === 'unreachable') throw new PodmeshError('pod-not-live', `pod ${name} does not answer over NATS (${before.reason ?? 'no answer'}): stop it on its host with podmesh pod stop ${name} --force`);
  const ping = (await cli.transport.request(name, 'ping').catch(() => undefined)) as { pid?: number } | undefined;
  await cli.transport.request(name, 'stop');
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if ((await cli.transport.probe(name))?.status !== 'live') return { outcome: 'stopped', ...(typeof ping?.pid === 'number' ? { pid: ping.pid } : {}) };
    await sleep(50);
  }
  throw new PodmeshError('timeout', `pod ${name} still answers over NATS ${graceMs / 1000} s after its stop request`);
}

import { rm, rmdir } from 'node:fs/promises';
import { errorCode, PodmeshError } from '../../core/errors.js';
import { errorLine } from '../../core/text.js';
import { validatePodName } from '../../core/validatePodName.js';
import { acquirePodLock, type PodLock } from '../../actors/process/acquirePodLock.js';
import { ensurePodRuntimeDir } from '../../actors/process/podPaths.js';
import type { RemovedPod } from '../../actors/runtime/removePod.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, openRuntime } from '../cliRuntime.js';
import { printJson } from '../cliOutput.js';
import { requirePod } from './requirePod.js';
import { podLogPath } from './startDetached.js';

/**
 * `podmesh pod rm <name>`: removes a stopped pod's record, and the pod from
 * its peers' and parent's lists (runtime.removePod). A live or unreachable
 * pod is refused; so is one whose journal still holds accepted notices,
 * unless `--discard-notices`.
 */
export async function podRemove(context: CliContext, rawName: string, flags: { readonly discardNotices?: boolean }): Promise<number> {
  validatePodName(rawName); // names are checked before any folder
  const paths = await cliPaths(context);
  const cli = await openRuntime(paths, {}, { journal: true });
  try {
    const name = await requirePod(cli, rawName);
    const live = await cli.transport.probe(name);
    if (live !== undefined && live.status !== 'stopped') {
      const hint = live.status === 'live' ? `stop it first: podmesh pod stop ${name}` : `end it first: podmesh pod stop ${name} --force`;
      throw new PodmeshError('pod-running', `pod ${name} is ${live.status}${live.reason === undefined ? '' : ` (${live.reason})`}: ${hint}`);
    }
    // Held for the whole removal: a `pod start` of this name meanwhile waits for it, then finds no record.
    const podDir = await ensurePodRuntimeDir(paths.runtimeDir, name);
    let lock: PodLock;
    try {
      lock = await acquirePodLock(podDir, () => undefined);
    } catch (error) {
      if (errorCode(error) === 'pod-already-running') throw new PodmeshError('pod-running', `pod ${name} has just started: stop it first: podmesh pod stop ${name}`);
      throw error;
    }
    let removed: RemovedPod;
    try {
      removed = await cli.runtime.removePod(name, { discardNotices: flags.discardNotices === true });
    } catch (error) {
      if (errorCode(error) === 'notices-pending') throw new PodmeshError('notices-pending', `${errorLine(error, 400)} (podmesh pod rm ${name} --discard-notices)`);
      throw error;
    } finally {
      await lock.release();
    }
    // The pod's runtime folder goes with it once empty (a pod starting meanwhile keeps it), and its log.
    await rmdir(podDir).catch(() => undefined);
    await rm(podLogPath(paths, name), { force: true });
    if (context.json) printJson(context, removed);
    else {
      const also = [
        removed.peersUpdated.length === 0 ? '' : `removed from the peers of ${removed.peersUpdated.join(', ')}`,
        removed.parentsUpdated.length === 0 ? '' : `from the children of ${removed.parentsUpdated.join(', ')}`,
        removed.noticesDiscarded === 0 ? '' : `${removed.noticesDiscarded} queued notices discarded`,
      ].filter((s) => s !== '');
      context.io.out(`pod ${name} removed${also.length === 0 ? '' : `; ${also.join('; ')}`}\n`);
    }
    return 0;
  } finally {
    await cli.close();
  }
}

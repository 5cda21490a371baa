import { validatePodName } from '../../core/validatePodName.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { printJson } from '../cliOutput.js';
import { requirePod } from './requirePod.js';

/** `podmesh peer add --as <self> <peer>` (also `podmesh peer --as …`): makes two existing pods hold each other. */
export async function peerAdd(context: CliContext, rawSelf: string, rawPeer: string): Promise<number> {
  validatePodName(rawSelf); // names are checked before any folder
  validatePodName(rawPeer);
  const paths = await cliPaths(context);
  return withRuntime(paths, async (cli) => {
    const self = await requirePod(cli, rawSelf);
    const peer = await requirePod(cli, rawPeer);
    const relation = await cli.runtime.discovery(self).registerPeer(peer);
    if (context.json) printJson(context, relation);
    else context.io.out(`${relation.source} <-> ${relation.peer}: peers\n`);
    return 0;
  });
}

/** `podmesh peer rm --as <self> <peer>`: ends the relation in both records. */
export async function peerRemove(context: CliContext, rawSelf: string, rawPeer: string): Promise<number> {
  validatePodName(rawSelf); // names are checked before any folder
  validatePodName(rawPeer);
  const paths = await cliPaths(context);
  return withRuntime(paths, async (cli) => {
    const self = await requirePod(cli, rawSelf);
    const peer = validatePodName(rawPeer);
    const result = await cli.runtime.discovery(self).unregisterPeer(peer);
    if (context.json) printJson(context, result);
    else context.io.out(result.removed ? `${self} and ${peer} are no longer peers\n` : `${self} and ${peer} were not peers (nothing changed)\n`);
    return 0;
  });
}

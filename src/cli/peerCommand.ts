import { validatePodName } from '../core/validatePodName.js';
import type { CliIo } from './cliIo.js';
import { COMMON_HELP, COMMON_OPTIONS, openRuntime, parseCommand, UsageError } from './cliArgs.js';

const HELP = `usage: podmesh peer --as <self> <peer>

Makes <self> and <peer> hold each other as peers (both records must exist;
one-directional relations are repaired, nothing is written when both already
hold each other).

${COMMON_HELP}
`;

/** `podmesh peer --as <self> <peer>`. */
export async function peerCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { ...COMMON_OPTIONS, as: { type: 'string' } });
  if (values.help) return io.out(HELP), 0;
  if (values.as === undefined || positionals.length !== 1) throw new UsageError('usage: podmesh peer --as <self> <peer>');
  const self = validatePodName(values.as);
  const peer = validatePodName(positionals[0]);
  const cli = openRuntime(values);
  try {
    const relation = await cli.runtime.discovery(self).registerPeer(peer);
    io.out(values.json ? JSON.stringify(relation) + '\n' : `${relation.source} <-> ${relation.peer}: peers\n`);
    return 0;
  } finally {
    await cli.close();
  }
}

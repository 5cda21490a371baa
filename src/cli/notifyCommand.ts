import { formatOutcome } from '../core/formatOutcome.js';
import { validatePodName } from '../core/validatePodName.js';
import type { CliIo } from './cliIo.js';
import { COMMON_HELP, COMMON_OPTIONS, openRuntime, parseCommand, UsageError } from './cliArgs.js';

const HELP = `usage: podmesh notify --as <self> <peer> <message> [--auto-run]

Sends <message> from <self> to <peer>, only if <peer> is a live peer of <self>,
and prints the outcome (delivered, skipped-missing, skipped-not-visible,
skipped-not-peer, skipped-not-live, send-failed). By default the notice is weak
(autoRun=false: queued, no turn starts); --auto-run asks the peer to run a turn.
Exit status 0 when delivered, 1 otherwise.

${COMMON_HELP}
`;

/** `podmesh notify --as <self> <peer> <message> [--auto-run]`. */
export async function notifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { ...COMMON_OPTIONS, as: { type: 'string' }, 'auto-run': { type: 'boolean' } });
  if (values.help) return io.out(HELP), 0;
  if (values.as === undefined || positionals.length !== 2) throw new UsageError('usage: podmesh notify --as <self> <peer> <message> [--auto-run]');
  const self = validatePodName(values.as);
  const [peer, message] = positionals as [string, string];
  const cli = openRuntime(values);
  try {
    const outcome = await cli.runtime.discovery(self).notifyLivePeer(peer, message, { autoRun: values['auto-run'] === true });
    io.out(values.json ? JSON.stringify(outcome) + '\n' : `${outcome.type}: ${formatOutcome(outcome)}\n`);
    return outcome.type === 'delivered' ? 0 : 1;
  } finally {
    await cli.close();
  }
}

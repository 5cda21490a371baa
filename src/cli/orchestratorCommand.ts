import { join, resolve } from 'node:path';
import { formatOutcome } from '../core/formatOutcome.js';
import type { PeerEnsureOutcome } from '../machines/orchestratorMachine.js';
import { createTicketBoard } from '../tickets/createTicketBoard.js';
import { startOrchestrator } from '../tickets/startOrchestrator.js';
import { workspacePodNames } from '../tickets/workspacePodNames.js';
import type { CliIo } from './cliIo.js';
import { COMMON_HELP, COMMON_OPTIONS, HOST_HELP, HOST_OPTIONS, hostOptions, openRuntime, parseCommand, UsageError } from './cliArgs.js';
import { servePod } from './podCommand.js';

const HELP = `usage: podmesh orchestrator start [--workspace DIR] [--buffer-size N] [--no-journal]

Runs the workspace's orchestrator pod in the foreground (named after DIR's
basename, default the current folder). It ensures the peer relation with the
workspace's companion at start and before every ticket lifecycle event, then
sends the companion a weak notice (autoRun=false). Tickets live in
<home>/tickets/<orchestrator>/. Run ticket tools with \`podmesh ticket\`.
SIGTERM or SIGINT (Ctrl-C) stop it cleanly.

${HOST_HELP}

${COMMON_HELP}
`;

/** One line for an ensure outcome. */
export function describeEnsure(ensure: PeerEnsureOutcome): string {
  if (ensure.type === 'ensured') return 'peer ensured';
  if (ensure.type === 'companion-missing') return 'companion missing (nothing spawned)';
  return `ensure failed (${ensure.code ?? ensure.error})`;
}

/** `podmesh orchestrator start`. */
export async function orchestratorCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === undefined) return io.out(HELP), sub === undefined ? 2 : 0;
  if (sub !== 'start') throw new UsageError(`unknown orchestrator command ${JSON.stringify(sub)} (try --help)`);
  const { values, positionals } = parseCommand(rest, { ...COMMON_OPTIONS, workspace: { type: 'string' }, ...HOST_OPTIONS });
  if (values.help) return io.out(HELP), 0;
  if (positionals.length > 0) throw new UsageError('orchestrator start takes no positional arguments (try --help)');
  const workspaceRoot = resolve(values.workspace ?? process.cwd());
  const names = workspacePodNames(workspaceRoot);
  const host = hostOptions(values);
  const cli = openRuntime(values, host.runtime, { journal: host.journal });
  try {
    const tickets = createTicketBoard({ dir: join(cli.paths.ticketsDir, names.orchestrator) });
    const orchestrator = await startOrchestrator(cli.runtime, { workspaceRoot, tickets });
    orchestrator.actor.on('ticket.handled', ({ event, ensure, delivery }) => {
      io.out(`ticket ${event.ticket} ${event.kind}: ${describeEnsure(ensure)}; ${delivery.type}: ${formatOutcome(delivery)}\n`);
    });
    // The answer carries the result and the hook; the ticket itself is in the result's content.
    const tools = async (tool: unknown, args: unknown) => {
      const { result, hook } = await orchestrator.callTool(tool, args);
      return { result, hook };
    };
    const { server, done } = await servePod(cli, names.orchestrator, io, { tools });
    io.out(`orchestrator ${names.orchestrator} live at ${server.socketPath}; companion ${names.companion}: ${describeEnsure(orchestrator.installed)}\n`);
    return await done;
  } catch (error) {
    await cli.close();
    throw error;
  }
}

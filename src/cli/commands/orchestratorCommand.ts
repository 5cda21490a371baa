import { join } from 'node:path';
import { createTicketBoard } from '../../tickets/createTicketBoard.js';
import { startOrchestrator } from '../../tickets/startOrchestrator.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, openRuntime } from '../cliRuntime.js';
import { describeEnsure, describeHook } from '../describeHook.js';
import { printJsonLine, printJson } from '../cliOutput.js';
import { startDetached } from './startDetached.js';
import { podPs } from './podPs.js';
import { hostArgs, hostOptions, type HostFlags } from './podStart.js';
import { servePod } from './servePod.js';
import { stopNamedPod, type StopFlags } from './podStop.js';
import { workspaceOf } from './workspaceOf.js';

/** `podmesh orchestrator start`: the workspace's orchestrator pod, in the foreground or with `--detach`. */
export async function orchestratorStart(context: CliContext, flags: HostFlags & { readonly workspace?: string }): Promise<number> {
  const workspace = await workspaceOf(flags.workspace);
  const { names } = workspace;
  const host = hostOptions(flags);
  const paths = await cliPaths(context, { create: true });
  if (flags.detach === true) {
    const args = ['orchestrator', 'start', '--workspace', workspace.root, '--home', paths.home, '--runtime-dir', paths.runtimeDir, ...hostArgs(flags)];
    const cli = await openRuntime(paths);
    try {
      const started = await startDetached(paths, cli.transport, names.orchestrator, args);
      if (context.json) printJson(context, { ...started, workspace: workspace.root, companion: names.companion });
      else context.io.out(`orchestrator ${names.orchestrator} of ${workspace.root} started in the background (pid ${started.pid}); logs: podmesh pod logs ${names.orchestrator}\n`);
      return 0;
    } finally {
      await cli.close();
    }
  }
  const cli = await openRuntime(paths, host.runtime, { journal: host.journal });
  try {
    const tickets = createTicketBoard({ dir: join(paths.ticketsDir, names.orchestrator) });
    const orchestrator = await startOrchestrator(cli.runtime, {
      workspaceRoot: workspace.root,
      tickets,
      ...(workspace.name === undefined ? {} : { name: workspace.name }),
    });
    orchestrator.actor.on('ticket.handled', ({ event, ensure, delivery }) => {
      if (context.json) printJsonLine(context, { at: new Date().toISOString(), event: 'ticket', ticket: event.ticket, kind: event.kind, ensure, delivery });
      else context.io.out(`ticket ${event.ticket} ${event.kind}: ${describeHook(names.companion, { ensure, delivery })}\n`);
    });
    // The answer carries the result and the hook; the ticket itself is in the result's content.
    const tools = async (tool: unknown, args: unknown) => {
      const { result, hook } = await orchestrator.callTool(tool, args);
      return { result, hook };
    };
    const { server, done } = await servePod(context, cli, names.orchestrator, { tools, quiet: flags.quiet === true });
    if (context.json) {
      printJsonLine(context, { event: 'live', name: names.orchestrator, pid: process.pid, address: server.address, workspace: workspace.root, companion: names.companion, ensure: orchestrator.installed });
    } else {
      context.io.out(`orchestrator ${names.orchestrator} of ${workspace.root} live at ${server.address} (pid ${process.pid}); companion ${names.companion}: ${describeEnsure(orchestrator.installed)}\n`);
    }
    return await done;
  } catch (error) {
    await cli.close();
    throw error;
  }
}

/** `podmesh orchestrator ls`: the `ps` table of the orchestrators only. */
export function orchestratorLs(context: CliContext, flags: { readonly watch?: boolean; readonly interval?: string }): Promise<number> {
  return podPs(context, { ...flags, role: 'orchestrator' });
}

/** `podmesh orchestrator stop [--workspace DIR]`: stops the workspace's orchestrator (idempotent; `--force` for a hung one). */
export async function orchestratorStop(context: CliContext, flags: StopFlags & { readonly workspace?: string }): Promise<number> {
  const { names } = await workspaceOf(flags.workspace);
  // Idempotent also before its first start: a workspace's orchestrator has a name, run or not.
  return stopNamedPod(context, names.orchestrator, flags, { requireKnown: false });
}

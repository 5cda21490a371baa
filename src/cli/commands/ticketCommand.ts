import { join } from 'node:path';
import { PodmeshError } from '../../core/errors.js';
import type { HookResult, ToolCall } from '../../tickets/startOrchestrator.js';
import { readTicket, readTicketList } from '../../tickets/readTicketBoard.js';
import type { Ticket } from '../../tickets/types.js';
import { UsageError } from '../cliArgs.js';
import { type CliContext } from '../cliContext.js';
import { cliPaths, withRuntime } from '../cliRuntime.js';
import { printJson, table } from '../cliOutput.js';
import { describeHook } from '../describeHook.js';
import { workspaceOf } from './workspaceOf.js';

/** Flags of the ticket commands. */
export interface TicketFlags {
  readonly workspace?: string;
  readonly title?: string;
  readonly body?: string;
  readonly event?: string;
  readonly review?: string;
  readonly to?: string;
  readonly resolution?: string;
}

/** The orchestrator tool and its arguments for a ticket command that changes a ticket. */
function toolCall(sub: string, id: string | undefined, flags: TicketFlags): { tool: string; args: Record<string, unknown> } {
  const need = (flag: keyof TicketFlags): string => {
    const value = flags[flag];
    if (typeof value !== 'string') throw new UsageError(`ticket ${sub} needs --${flag}`);
    return value;
  };
  const optional = (flag: keyof TicketFlags) => (typeof flags[flag] === 'string' ? { [flag]: flags[flag] } : {});
  switch (sub) {
    case 'create':
      return { tool: 'create', args: { title: need('title'), ...optional('body') } };
    case 'comment':
      return { tool: 'comment', args: { ticket: id, event: need('event'), body: need('body') } };
    case 'review':
      return { tool: 'review', args: { ticket: id, review: need('review'), ...optional('body') } };
    case 'state':
      return { tool: 'setState', args: { ticket: id, to: need('to') } };
    case 'ready':
      return { tool: 'intakeReady', args: { ticket: id } };
    case 'close':
      return { tool: 'close', args: { ticket: id, resolution: need('resolution') } };
    default:
      throw new UsageError(`unknown ticket command ${JSON.stringify(sub)} (try podmesh ticket --help)`);
  }
}

/** A ticket in full, as text. */
function renderTicket(t: Ticket): string {
  let out = `${t.id} [${t.state}] ${t.title}\n${t.body ? `\n${t.body}\n` : ''}`;
  for (const entry of t.thread) out += `\n-- ${entry.kind}/${entry.event} (${entry.at})\n${entry.body}\n`;
  if (t.resolution !== undefined) out += `\n-- resolution\n${t.resolution}\n`;
  return out;
}

/** A tool's content, parsed: the tools answer JSON text, the CLI answers objects. */
function parseContent(content: string): Record<string, unknown> {
  try {
    const value = JSON.parse(content) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text: content };
  }
}

/**
 * `podmesh ticket list|show` read the ticket files (no orchestrator needed);
 * the other ticket commands run a tool in the workspace's live orchestrator,
 * whose lifecycle events notify the companion.
 */
export async function ticketCommand(context: CliContext, sub: string, id: string | undefined, flags: TicketFlags): Promise<number> {
  const { names, root } = await workspaceOf(flags.workspace);
  const paths = await cliPaths(context);
  const dir = join(paths.ticketsDir, names.orchestrator);
  if (sub === 'list') {
    const tickets = await readTicketList(dir);
    if (context.json) printJson(context, { workspace: root, dir, tickets });
    else context.io.out(tickets.length === 0 ? `no tickets in ${dir}\n` : table([['ID', 'STATE', 'TITLE'], ...tickets.map((t) => [t.id, t.state, t.title])]));
    return 0;
  }
  if (sub === 'show') {
    const ticket = await readTicket(dir, id!);
    if (ticket === null) throw new PodmeshError('unknown-ticket', `no ticket ${id} in ${dir}`);
    if (context.json) printJson(context, { ticket });
    else context.io.out(renderTicket(ticket));
    return 0;
  }
  const call = toolCall(sub, id, flags);
  return withRuntime(paths, async (cli) => {
    const live = await cli.transport.probe(names.orchestrator);
    if (live?.status !== 'live') {
      throw new PodmeshError(
        'pod-not-live',
        `orchestrator ${names.orchestrator} of ${root} is ${live?.status ?? 'stopped'}${live?.reason === undefined ? '' : ` (${live.reason})`}: start it with podmesh orchestrator start -d --workspace ${root}`,
      );
    }
    const { result, hook } = (await cli.transport.request(names.orchestrator, 'tool', call, { timeoutMs: 15_000 })) as ToolCall;
    const content = parseContent(result.content);
    if (result.isError) {
      const error = content.error as { code?: unknown } | undefined;
      const code = typeof error?.code === 'string' ? error.code : 'invalid-input';
      if (context.json) printJson(context, { ok: false, code, message: result.summary, content });
      else context.io.err(`podmesh: ${result.summary}\n`);
      return 1;
    }
    if (context.json) {
      printJson(context, { summary: result.summary, content, hook: hook as HookResult | null });
      return 0;
    }
    let out = `${result.summary}\n`;
    if (sub === 'create' && typeof content.ticket === 'string') out += `ticket ${content.ticket}\n`;
    if (hook !== null) out += `${describeHook(names.companion, hook)}\n`;
    context.io.out(out);
    return 0;
  });
}

import { resolve } from 'node:path';
import { formatOutcome } from '../core/formatOutcome.js';
import type { HookResult, ToolCall } from '../tickets/startOrchestrator.js';
import type { ToolResult } from '../tickets/types.js';
import { workspacePodNames } from '../tickets/workspacePodNames.js';
import type { CliIo } from './cliIo.js';
import { COMMON_HELP, COMMON_OPTIONS, openRuntime, parseCommand, table, UsageError } from './cliArgs.js';
import { describeEnsure } from './orchestratorCommand.js';

const HELP = `usage: podmesh ticket <command> [--workspace DIR] ...

Runs a ticket tool in the workspace's orchestrator (which must be running:
podmesh orchestrator start). Lifecycle commands notify the companion.
  create --title T [--body B]
  comment <id> --event comment|plan|decision|implementation_report --body B
  review <id> --review approve|request_changes [--body B]
  state <id> --to ready|queued|inprogress|done
  ready <id>                       planning -> ready (intake ready)
  close <id> --resolution R
  list
  show <id>
  --workspace DIR     the workspace (default the current folder)

${COMMON_HELP}
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  workspace: { type: 'string' },
  title: { type: 'string' },
  body: { type: 'string' },
  event: { type: 'string' },
  review: { type: 'string' },
  to: { type: 'string' },
  resolution: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseCommand<typeof OPTIONS>>['values'];

/** The orchestrator tool and its arguments for a ticket command. */
function toolCall(sub: string, ids: string[], values: Values): { tool: string; args: Record<string, unknown> } {
  const id = (): string => {
    if (ids.length !== 1) throw new UsageError(`ticket ${sub} takes one ticket id`);
    return ids[0]!;
  };
  const need = (flag: keyof Values): string => {
    const value = values[flag];
    if (typeof value !== 'string') throw new UsageError(`ticket ${sub} needs --${flag}`);
    return value;
  };
  const optional = (flag: keyof Values) => (typeof values[flag] === 'string' ? { [flag]: values[flag] } : {});
  switch (sub) {
    case 'create':
      return { tool: 'create', args: { title: need('title'), ...optional('body') } };
    case 'comment':
      return { tool: 'comment', args: { ticket: id(), event: need('event'), body: need('body') } };
    case 'review':
      return { tool: 'review', args: { ticket: id(), review: need('review'), ...optional('body') } };
    case 'state':
      return { tool: 'setState', args: { ticket: id(), to: need('to') } };
    case 'ready':
      return { tool: 'intakeReady', args: { ticket: id() } };
    case 'close':
      return { tool: 'close', args: { ticket: id(), resolution: need('resolution') } };
    case 'list':
      return { tool: 'list', args: {} };
    case 'show':
      return { tool: 'show', args: { ticket: id() } };
    default:
      throw new UsageError(`unknown ticket command ${JSON.stringify(sub)} (try podmesh ticket --help)`);
  }
}

function render(sub: string, result: ToolResult, hook: HookResult | null): string {
  let out = `${result.isError ? 'error: ' : ''}${result.summary}\n`;
  const content = JSON.parse(result.content) as Record<string, unknown>;
  if (sub === 'list' && Array.isArray(content.tickets)) {
    const rows = (content.tickets as { id: string; state: string; title: string }[]).map((t) => [t.id, t.state, t.title]);
    out += table([['ID', 'STATE', 'TITLE'], ...rows]);
  } else if (sub === 'show' && typeof content.item === 'object' && content.item !== null) {
    const t = content.item as { id: string; title: string; state: string; body: string; thread: { kind: string; event: string; body: string }[]; resolution?: string };
    out += `${t.id} [${t.state}] ${t.title}\n${t.body ? `\n${t.body}\n` : ''}`;
    for (const entry of t.thread) out += `\n-- ${entry.kind}/${entry.event}\n${entry.body}\n`;
    if (t.resolution !== undefined) out += `\n-- resolution\n${t.resolution}\n`;
  } else if (sub === 'create' && typeof content.ticket === 'string') {
    out += `ticket ${content.ticket}\n`;
  }
  if (hook !== null) out += `companion: ${describeEnsure(hook.ensure)}; ${hook.delivery.type}: ${formatOutcome(hook.delivery)}\n`;
  return out;
}

/** `podmesh ticket <command>`: a ticket tool run by the workspace's orchestrator. */
export async function ticketCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') return io.out(HELP), sub === undefined ? 2 : 0;
  const { values, positionals } = parseCommand(rest, OPTIONS);
  if (values.help) return io.out(HELP), 0;
  const call = toolCall(sub, positionals, values);
  const names = workspacePodNames(resolve(values.workspace ?? process.cwd()));
  const cli = openRuntime(values);
  try {
    const live = await cli.transport.probe(names.orchestrator);
    if (live?.status !== 'live') {
      throw new Error(`orchestrator ${names.orchestrator} is ${live?.status ?? 'stopped'}: start it with podmesh orchestrator start --workspace DIR`);
    }
    const { result, hook } = (await cli.transport.request(names.orchestrator, 'tool', call, { timeoutMs: 15_000 })) as ToolCall;
    io.out(values.json ? JSON.stringify({ result, hook }, null, 2) + '\n' : render(sub, result, hook));
    return result.isError ? 1 : 0;
  } finally {
    await cli.close();
  }
}

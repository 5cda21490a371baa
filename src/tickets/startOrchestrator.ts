/**
 * The orchestrator hook (docs/behaviour.md §6), a client of the runtime: it
 * spawns the orchestrator pod and starts the orchestrator actor in the
 * runtime's system like any user would, and the runtime knows nothing of it.
 */
import { join, resolve } from 'node:path';
import { fromPromise, type Actor } from 'xstate';
import { PodmeshError, RuntimeStoppedError } from '../core/errors.js';
import { errorLine } from '../core/text.js';
import type { WeakNotifyOutcome } from '../core/types.js';
import type { DiagnosticFields } from '../actors/runtime/createDiagnostics.js';
import type { PodHandle } from '../actors/runtime/createPodHandle.js';
import type { PodRuntime } from '../actors/runtime/createPodRuntime.js';
import {
  orchestratorMachine,
  type EnsureReport,
  type HookResult,
  type NotifyCompanionInput,
  type OrchestratorEmitted,
  type PeerEnsureOutcome,
  type TicketLifecycleEvent,
} from '../machines/orchestratorMachine.js';
import { createTicketBoard, type TicketBoard } from './createTicketBoard.js';
import { checkWorkspaceClash, workspaceClashError } from './checkWorkspaceClash.js';
import { checkWorkspaceFolder } from './findWorkspace.js';
import { createTicketToolRunner, toolsOf, type TicketTools } from './createTicketTools.js';
import type { LifecycleKind } from './ticketNotice.js';
import { buildTicketNotice, lifecycleEvent } from './ticketNotice.js';
import { isTicketToolMethod, TICKET_TOOL_METHODS } from './ticketToolNames.js';
import { TicketError } from './ticketError.js';
import type { Ticket, ToolResult } from './types.js';
import { workspacePodNames } from './workspacePodNames.js';

export type { HookResult, PeerEnsureOutcome } from '../machines/orchestratorMachine.js';

/** Options of {@link startOrchestrator}. */
export interface StartOrchestratorOptions {
  /** The workspace root, an existing folder; its basename names the orchestrator and the companion unless `name` is given. */
  readonly workspaceRoot: string;
  /** The workspace's name (the first line of its `.podmesh-workspace`); names the pods instead of the basename. */
  readonly name?: string;
  /**
   * The ticket board; default a board in `<workspaceRoot>/.podmesh/tickets`
   * (in memory for a `virtual` workspace). The default folder is made on the
   * first ticket, inside the existing workspace, never the workspace itself.
   */
  readonly tickets?: TicketBoard;
  /**
   * A workspace of a simulated world (no folder on this machine): its root is
   * not checked on disk, and the default board is in memory. Default `false`.
   */
  readonly virtual?: boolean;
}

/** A tool's result, the ticket it wrote or read, and what the hook did for it (`null`: no lifecycle event). */
export interface ToolCall {
  readonly result: ToolResult;
  /** The ticket as the tool left it; absent for `list` and failures. */
  readonly ticket?: Ticket;
  readonly hook: HookResult | null;
}

/** A running orchestrator. */
export interface Orchestrator {
  /** The orchestrator pod's name. */
  readonly name: string;
  /** The companion it notifies. */
  readonly companion: string;
  /** The workspace root, resolved; the orchestrator's record holds the same. */
  readonly workspaceRoot: string;
  /** Where its tickets are persisted (`board.dir`): by default `<workspaceRoot>/.podmesh/tickets`; `undefined` in memory. */
  readonly ticketsDir: string | undefined;
  readonly pod: PodHandle;
  readonly board: TicketBoard;
  /** What the ensure at start came to. */
  readonly installed: PeerEnsureOutcome;
  /** Ticket tools; each resolves after the hook has run for its result. */
  readonly tools: TicketTools;
  /** Runs the tool named `method` (a `TicketTools` method) and the hook; `TicketError` `invalid-input` for an unknown method. */
  callTool(method: unknown, args: unknown): Promise<ToolCall>;
  /** Runs the hook on a tool result made elsewhere; `null` when it is not a lifecycle event. */
  handleToolResult(result: unknown): Promise<HookResult | null>;
  readonly actor: Actor<typeof orchestratorMachine>;
}

/** The system id of a workspace's orchestrator actor. */
export const orchestratorSystemId = (name: string): string => `orchestrator:${name}`;

function hookFields(companion: string, event: TicketLifecycleEvent | undefined): DiagnosticFields {
  return event === undefined ? { companion } : { companion, ticket: event.ticket, event: event.kind };
}

/** The diagnostic of one ensure: debug when ensured or the companion is missing, warn when it failed. */
function reportEnsure(runtime: PodRuntime, { companion, ensure, event }: EnsureReport): void {
  const fields = hookFields(companion, event);
  const when = event === undefined ? 'at start' : 'for ticket event';
  if (ensure.type === 'ensured') {
    runtime.diagnostics.record('debug', 'orchestrator', `companion peer ensured ${when}`, { ...fields, outcome: 'ensured' });
  } else if (ensure.type === 'companion-missing') {
    runtime.diagnostics.record('debug', 'orchestrator', `companion metadata missing ${when}`, { ...fields, outcome: 'companion-missing' });
  } else {
    runtime.diagnostics.record('warn', 'orchestrator', `companion peer ensure failed ${when}`, {
      ...fields,
      outcome: 'ensure-failed',
      error: ensure.code ?? ensure.error,
    });
  }
}

// The runtime knows nothing of orchestrators, so this domain remembers the ones it
// started, per runtime and workspace (weakly: they go with their runtime).
const started = new WeakMap<PodRuntime, Map<string, Promise<Orchestrator>>>();

/**
 * Starts the workspace's orchestrator in `runtime`: its pod (named by
 * `workspacePodNames(workspaceRoot, name)`), and the orchestrator actor, which
 * ensures the companion peer at start and before every lifecycle event, then
 * sends the weak notice. It never spawns, starts or restores the companion.
 *
 * The workspace root must be an existing folder (else `PodmeshError`
 * `workspace-not-found`; it is never created), unless `virtual`. Tickets go to
 * `tickets` when given, else to `<workspaceRoot>/.podmesh/tickets` (made on
 * the first ticket; `orchestrator.ticketsDir` tells). When the orchestrator's
 * or the companion's record already belongs to another workspace root, it
 * rejects with `PodmeshError` `workspace-clash` before spawning anything. One
 * per workspace and runtime: a second call for the same root returns the
 * first orchestrator; for another root with the same names, it is a clash.
 */
export function startOrchestrator(runtime: PodRuntime, options: StartOrchestratorOptions): Promise<Orchestrator> {
  const workspaceRoot = resolve(options.workspaceRoot);
  const name = workspacePodNames(workspaceRoot, options.name).orchestrator;
  let byName = started.get(runtime);
  if (byName === undefined) started.set(runtime, (byName = new Map()));
  const running = byName.get(name);
  if (running !== undefined) {
    return running.then((orchestrator) => {
      if (orchestrator.workspaceRoot === workspaceRoot) return orchestrator;
      throw workspaceClashError(name, orchestrator.workspaceRoot, workspaceRoot);
    });
  }
  const orchestrator = start(runtime, { ...options, workspaceRoot });
  byName.set(name, orchestrator);
  orchestrator.catch(() => byName.delete(name));
  return orchestrator;
}

async function start(runtime: PodRuntime, options: StartOrchestratorOptions): Promise<Orchestrator> {
  const { workspaceRoot, tickets, virtual = false } = options;
  const names = workspacePodNames(workspaceRoot, options.name);
  if (!virtual) await checkWorkspaceFolder(workspaceRoot);
  await checkWorkspaceClash(runtime.store, workspaceRoot, [names.orchestrator, names.companion]);
  const pod = await runtime.spawnPod({ name: names.orchestrator, role: 'orchestrator', workspaceRoot });
  const board = tickets ?? createTicketBoard(virtual ? {} : { dir: join(workspaceRoot, '.podmesh', 'tickets') });
  // The ref of a notice is a path that opens: absolute, whatever the working directory.
  const boardDir = board.dir === undefined ? undefined : resolve(board.dir);

  const logic = orchestratorMachine.provide({
    actors: {
      notifyCompanion: fromPromise<WeakNotifyOutcome, NotifyCompanionInput>(({ input }) =>
        runtime
          .discovery(input.self)
          .sendWeakNotifyToLivePeer(input.companion, input.event.notice, { fields: hookFields(input.companion, input.event) }),
      ),
    },
    actions: { reportEnsure: (_, report: EnsureReport) => reportEnsure(runtime, report) },
  });
  const actor = runtime.startActor(logic, {
    id: orchestratorSystemId(names.orchestrator),
    systemId: orchestratorSystemId(names.orchestrator),
    input: { self: names.orchestrator, companion: names.companion },
  });

  // Events are handled one at a time in arrival order, so each `ticket.handled`
  // answers the oldest waiting call; a call waits for exactly that event.
  const waiting: { readonly event: TicketLifecycleEvent; resolve(result: HookResult): void; reject(error: Error): void }[] = [];
  let ended: Error | undefined;
  actor.on('ticket.handled', ({ event, ensure, delivery }: Extract<OrchestratorEmitted, { type: 'ticket.handled' }>) => {
    if (waiting[0]?.event === event) waiting.shift()!.resolve({ ...event, ensure, delivery });
  });
  const installed = new Promise<PeerEnsureOutcome>((resolve, reject) => {
    actor.on('orchestrator.installed', ({ ensure }: Extract<OrchestratorEmitted, { type: 'orchestrator.installed' }>) => resolve(ensure));
    // Stopped with the runtime, or failed: nothing waits for an actor that is gone.
    const end = (error: Error): void => {
      ended = error;
      reject(error);
      for (const waiter of waiting.splice(0)) waiter.reject(error);
    };
    actor.subscribe({
      complete: () => end(new RuntimeStoppedError()),
      error: (cause: unknown) => end(new PodmeshError('actor-failed', `the orchestrator actor failed (${errorLine(cause)})`, { cause })),
    });
  });

  const hook = (event: TicketLifecycleEvent): Promise<HookResult> => {
    if (ended !== undefined) return Promise.reject(ended);
    return new Promise<HookResult>((resolve, reject) => {
      waiting.push({ event, resolve, reject });
      actor.send({ type: 'ticket.lifecycle', event });
    });
  };

  const noticeFor = (ticket: Ticket, { kind, refFile }: LifecycleKind, summary: string): TicketLifecycleEvent => {
    const notice = buildTicketNotice({
      ticket: ticket.id,
      title: ticket.title,
      state: ticket.state,
      kind,
      summary,
      refFile,
      ...(boardDir === undefined ? {} : { dir: boardDir }),
    });
    return { ticket: ticket.id, kind, notice };
  };

  const handleToolResult = async (result: unknown): Promise<HookResult | null> => {
    const lifecycle = lifecycleEvent(result);
    if (lifecycle === null) return null;
    // A result from elsewhere: the state in a notice is the board's, read now; an unknown ticket does nothing.
    const ticket = await board.get(lifecycle.ticket).catch(() => undefined);
    if (ticket === undefined) return null;
    return hook(noticeFor(ticket, lifecycle, lifecycle.summary));
  };

  const run = createTicketToolRunner(board);
  const callTool = async (method: unknown, args: unknown): Promise<ToolCall> => {
    if (!isTicketToolMethod(method)) throw new TicketError('invalid-input', `the tool must be one of ${TICKET_TOOL_METHODS.join(', ')}`);
    const { result, ticket, lifecycle } = await run(method, args);
    const handled = ticket === undefined || lifecycle === null ? null : await hook(noticeFor(ticket, lifecycle, result.summary));
    return { result, ...(ticket === undefined ? {} : { ticket }), hook: handled };
  };

  return {
    name: names.orchestrator,
    companion: names.companion,
    workspaceRoot,
    ticketsDir: boardDir,
    pod,
    board,
    installed: await installed,
    tools: toolsOf(callTool),
    callTool,
    handleToolResult,
    actor,
  };
}

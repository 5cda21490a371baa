import { join } from 'node:path';
import { fromPromise, type Actor, type ActorRefFrom } from 'xstate';
import { podmeshErrorCode } from '../errors.js';
import {
  orchestratorMachine,
  type EnsureCompanionInput,
  type NotifyCompanionInput,
  type OrchestratorEmitted,
  type PeerEnsureOutcome,
  type TicketLifecycleEvent,
} from '../machines/orchestratorMachine.js';
import { orchestratorSystemId, type runtimeMachine } from '../machines/runtimeMachine.js';
import { errorLine } from '../text.js';
import { buildTicketNotice, lifecycleEvent } from '../ticketNotice.js';
import type { PeerRelation, PodMetadataStore, ToolResult, WeakNotifyDelivery } from '../types.js';
import { workspacePodNames } from '../workspacePodNames.js';
import type { DiagnosticFields, Diagnostics } from './createDiagnostics.js';
import type { WeakNotify } from './createDiscovery.js';
import type { PodHandle } from './createPodHandle.js';
import { createTicketBoard, type TicketBoard } from './createTicketBoard.js';
import { createTicketTools, type TicketTools } from './createTicketTools.js';

export interface StartOrchestratorOptions {
  /** The workspace root; its basename names the orchestrator and the companion. */
  readonly workspaceRoot: string;
  /** The ticket board; default a board in `<workspaceRoot>/.podmesh/tickets`. */
  readonly tickets?: TicketBoard;
}

/** What the hook did for one lifecycle event. */
export interface HookResult {
  readonly notice: string;
  readonly ensure: PeerEnsureOutcome;
  readonly delivery: WeakNotifyDelivery;
}

/** A running orchestrator (SPEC §6). */
export interface Orchestrator {
  /** The orchestrator pod's name. */
  readonly name: string;
  /** The companion it notifies. */
  readonly companion: string;
  readonly pod: PodHandle;
  readonly board: TicketBoard;
  /** What the ensure at start came to. */
  readonly installed: PeerEnsureOutcome;
  /** Ticket tools; each resolves after the hook has run for its result. */
  readonly tools: TicketTools;
  /** Runs the hook on a tool result made elsewhere; `null` when it is not a lifecycle event. */
  handleToolResult(result: unknown): Promise<HookResult | null>;
  readonly actor: ActorRefFrom<typeof orchestratorMachine>;
}

/** What the orchestrator wiring needs from its runtime. */
export interface OrchestratorDeps {
  /** The runtime's root actor (created after this wiring, hence a getter). */
  root(): Actor<typeof runtimeMachine>;
  readonly store: PodMetadataStore;
  readonly diagnostics: Diagnostics;
  spawnPod(options: { name: string; role?: string; workspaceRoot?: string }): Promise<PodHandle>;
  requestEnsure(self: string, peer: string, mode: 'ensure'): Promise<PeerRelation | null>;
  readonly weakNotify: WeakNotify;
  assertRunning(): void;
  /** Aborted when the runtime stops, so nothing waits for an actor that is gone. */
  readonly stopSignal: AbortSignal;
}

/** Settles `executor`'s promise, or rejects it with the stop error once the runtime stops. */
function untilStopped<T>(signal: AbortSignal, executor: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    executor((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}

function hookFields(companion: string, event: TicketLifecycleEvent | undefined): DiagnosticFields {
  return event === undefined ? { companion } : { companion, ticket: event.ticket, event: event.kind };
}

/**
 * The orchestrator wiring of a runtime: the orchestrator machine with its
 * actors bound to the runtime (for the root machine to spawn), and the
 * runtime's `startOrchestrator`.
 */
export function createOrchestratorWiring(deps: OrchestratorDeps) {
  const { diagnostics } = deps;
  const running = new Map<string, Promise<Orchestrator>>();
  let nextEventId = 1;

  const ensureCompanionPeer = fromPromise<PeerEnsureOutcome, EnsureCompanionInput>(async ({ input }) => {
    const fields = hookFields(input.companion, input.event);
    const when = input.event === undefined ? 'at start' : 'for ticket event';
    try {
      const relation = await deps.requestEnsure(input.self, input.companion, 'ensure');
      if (relation === null) {
        diagnostics.record('debug', 'orchestrator', `companion metadata missing ${when}`, { ...fields, outcome: 'companion-missing' });
        return { type: 'companion-missing' };
      }
      diagnostics.record('debug', 'orchestrator', `companion peer ensured ${when}`, { ...fields, outcome: 'ensured' });
      return { type: 'ensured', relation };
    } catch (error) {
      const code = podmeshErrorCode(error);
      const outcome: PeerEnsureOutcome = { type: 'failed', error: errorLine(error), ...(code === undefined ? {} : { code }) };
      diagnostics.record('warn', 'orchestrator', `companion peer ensure failed ${when}`, {
        ...fields,
        outcome: 'ensure-failed',
        error: code ?? outcome.error,
      });
      return outcome;
    }
  });

  const notifyCompanion = fromPromise<WeakNotifyDelivery, NotifyCompanionInput>(({ input }) =>
    deps.weakNotify(input.self, input.companion, input.event.notice, hookFields(input.companion, input.event)),
  );

  const wired = orchestratorMachine.provide({ actors: { ensureCompanionPeer, notifyCompanion } });

  const start = async ({ workspaceRoot, tickets }: StartOrchestratorOptions): Promise<Orchestrator> => {
    deps.assertRunning();
    const names = workspacePodNames(workspaceRoot);
    const pod = await deps.spawnPod({ name: names.orchestrator, role: 'orchestrator', workspaceRoot });
    const board = tickets ?? createTicketBoard({ dir: join(workspaceRoot, '.podmesh', 'tickets') });
    deps.assertRunning();

    const id = orchestratorSystemId(names.orchestrator);
    const root = deps.root();
    root.send({ type: 'orchestrator.spawn', input: { self: names.orchestrator, companion: names.companion } });
    const actor = root.system.get(id) as ActorRefFrom<typeof wired>;
    const handled = new Map<number, (result: HookResult) => void>();
    const installed = untilStopped<PeerEnsureOutcome>(deps.stopSignal, (resolve) => {
      actor.on('orchestrator.installed', (event: Extract<OrchestratorEmitted, { type: 'orchestrator.installed' }>) => resolve(event.ensure));
    });
    actor.on('ticket.handled', (event: Extract<OrchestratorEmitted, { type: 'ticket.handled' }>) => {
      const resolve = handled.get(event.event.requestId);
      handled.delete(event.event.requestId);
      resolve?.({ notice: event.event.notice, ensure: event.ensure, delivery: event.delivery });
    });

    const handleToolResult = async (result: unknown): Promise<HookResult | null> => {
      const lifecycle = lifecycleEvent(result);
      if (lifecycle === null) return null;
      // The state in a notice is the board's, re-read now; an unknown ticket does nothing.
      const ticket = await board.get(lifecycle.ticket).catch(() => undefined);
      if (ticket === undefined) return null;
      deps.assertRunning();
      const notice = buildTicketNotice({
        ticket: ticket.id,
        title: ticket.title,
        state: ticket.state,
        kind: lifecycle.kind,
        summary: (result as ToolResult).summary,
        refFile: lifecycle.refFile,
      });
      const event: TicketLifecycleEvent = { requestId: nextEventId++, ticket: ticket.id, kind: lifecycle.kind, notice };
      return untilStopped<HookResult>(deps.stopSignal, (resolve) => {
        handled.set(event.requestId, resolve);
        actor.send({ type: 'ticket.lifecycle', event });
      });
    };

    const plain = createTicketTools(board);
    // Each tool resolves once the hook has run for its result.
    const hooked =
      (tool: (args?: unknown) => Promise<ToolResult>) =>
      async (args?: unknown): Promise<ToolResult> => {
        const result = await tool(args);
        await handleToolResult(result);
        return result;
      };
    const tools: TicketTools = {
      create: hooked(plain.create),
      comment: hooked(plain.comment),
      review: hooked(plain.review),
      setState: hooked(plain.setState),
      intakeReady: hooked(plain.intakeReady),
      close: hooked(plain.close),
      list: hooked(plain.list),
      show: hooked(plain.show),
    };

    return {
      name: names.orchestrator,
      companion: names.companion,
      pod,
      board,
      installed: await installed,
      tools,
      handleToolResult,
      actor,
    };
  };

  const startOrchestrator = (options: StartOrchestratorOptions): Promise<Orchestrator> => {
    const key = workspacePodNames(options.workspaceRoot).orchestrator;
    let orchestrator = running.get(key);
    if (orchestrator === undefined) {
      orchestrator = start(options);
      running.set(key, orchestrator);
      orchestrator.catch(() => running.delete(key));
    }
    return orchestrator;
  };
  return { machine: wired, startOrchestrator };
}

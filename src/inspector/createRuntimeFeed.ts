import type { AnyEventObject, InspectionEvent } from 'xstate';
import type { DiagnosticRecord } from '../actors/runtime/createDiagnostics.js';
import type { PodMetadata, PodMetadataStore } from '../core/types.js';
import type {
  DiagnosticEvent,
  NoticeEvent,
  DecisionEvent,
  HelloEvent,
  InspectorEvent,
  PodView,
  XstateActorEvent,
} from '../core/inspectorProtocol.js';
import { INSPECTOR_PROTOCOL_VERSION } from '../core/inspectorProtocol.js';
import { decisionOf, decisionsIn } from '../machines/decisionOf.js';
import { createRing } from './createRing.js';
import { machineCharts } from '../machines/machineCharts.js';
import type { PodContext } from '../machines/podMachine.js';
import type { InspectorFeed } from './inspectorFeed.js';
import { podViewOf } from './podViewOf.js';

/** Decisions a runtime feed keeps for a page that connects later (a ring: the oldest go first). */
export const KEPT_DECISIONS = 10_000;
/** Actors other than pods a runtime feed keeps for a page that connects later (the newest). */
export const KEPT_ACTORS = 1000;
/** Notices and diagnostics a runtime feed keeps for a page that connects later (the newest). */
export const KEPT_NOTICES = 1000;
export const KEPT_DIAGNOSTICS = 200;
/** How often a watched runtime's diagnostics ring is read for new records. */
export const DIAGNOSTICS_POLL_MS = 500;
/** Characters of a notice's message the stream carries. */
const NOTICE_CHARS = 2000;

/** Characters of JSON an event's payload may take in the stream; a larger one is sent as `{ type, truncated: true }`. */
export const EVENT_JSON_CHARS = 2000;
/**
 * Raw inspection events held before they are translated at once, even inside one long burst of
 * microtasks (a loop of awaited in-memory notifies never yields to `setImmediate`). Small, so the
 * events and the snapshots they hold die young instead of being promoted and collected late.
 */
const RAW_LIMIT = 256;

/** What a runtime feed reads of an actor (xstate's `ActorRefLike` plus the fields every `Actor` has). */
interface InspectedActor {
  readonly id: string;
  readonly logic?: { readonly id?: unknown; readonly config?: unknown; toJSON?(): unknown };
  readonly _parent?: { readonly id: string };
}

/** Options of {@link createRuntimeFeed}. */
export interface RuntimeFeedOptions {
  /** What the hello names as the source (default the program's `argv[1]`). */
  readonly source?: string;
  /** Wall clock of `at` (default `Date.now`). */
  readonly now?: () => number;
}

/** A feed that an xstate `inspect` callback fills. */
export interface RuntimeFeed extends InspectorFeed {
  /** Give it to `createPodRuntime({ inspect })` (or `createActor(…, { inspect })`): it only queues the event. */
  readonly inspect: (event: InspectionEvent) => void;
  /**
   * Fills the rows' role, workspace, peers and children from a runtime's
   * store, when it reads without a promise (`readNow`: the memory store);
   * other stores leave them empty (a read per row change would be I/O per notify).
   */
  watchStore(store: Pick<PodMetadataStore, 'readNow'>): void;
  /** Streams the new records of a runtime's diagnostics ring (read every {@link DIAGNOSTICS_POLL_MS} ms, off the notify path). */
  watchDiagnostics(diagnostics: { recent(): readonly DiagnosticRecord[] }): void;
}

/** The ticket a ticket notice names (its `ticket: <id>` line), or null. */
const ticketOf = (message: string): string | null => /(?:^|\n)ticket: ([^\n]{1,64})(?:\n|$)/.exec(message)?.[1] ?? null;

const machineIdOf = (actor: InspectedActor): string | null =>
  actor.logic !== undefined && actor.logic.config !== undefined && typeof actor.logic.id === 'string' ? actor.logic.id : null;

const isPodActor = (actor: InspectedActor, snapshot: unknown): snapshot is { value: unknown; context: PodContext; status: string } =>
  actor.logic?.id === 'pod' && Array.isArray((snapshot as { context?: { buffer?: unknown } } | undefined)?.context?.buffer);

/** An event's payload as the stream carries it: JSON-safe and at most {@link EVENT_JSON_CHARS} characters. */
function boundedEvent(event: AnyEventObject): { type: string; [key: string]: unknown } {
  const type = typeof event.type === 'string' ? event.type : 'unknown';
  try {
    const json = JSON.stringify(event);
    if (json !== undefined && json.length <= EVENT_JSON_CHARS) return JSON.parse(json) as { type: string };
  } catch {
    // A payload JSON cannot encode (a cycle, a BigInt): only its type is shown.
  }
  return { type, truncated: true };
}

/** A snapshot's state value, JSON-safe (a machine's value is; other logic may have none). */
const valueOf = (snapshot: unknown): unknown => {
  const value = (snapshot as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' || (typeof value === 'object' && value !== null) ? value : null;
};

/**
 * The feed of an embedded runtime: `inspect` only pushes xstate's raw event
 * onto an array (the notify path pays a push), and on the next turn of the
 * event loop the array is translated into the protocol: pod snapshots into
 * `podmesh.pod` rows (one per pod per batch, the newest), the
 * decisions the runtime sends its discovery actor (in `weakNotify.decisions` batches) into
 * `podmesh.decision`, and — only while a page listens — the other actors'
 * `@xstate.actor`, `@xstate.event` (payload bounded) and `@xstate.snapshot`
 * (state value only, never the context). With nobody listening it keeps the
 * newest snapshot of each pod, the last {@link KEPT_DECISIONS} decisions and
 * the last {@link KEPT_ACTORS} other actors, for a page that connects later.
 */
export function createRuntimeFeed(options: RuntimeFeedOptions = {}): RuntimeFeed {
  const now = options.now ?? Date.now;
  const source = options.source ?? process.argv[1] ?? 'a podmesh runtime';
  const listeners = new Set<(events: InspectorEvent[]) => void>();
  let raw: InspectionEvent[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let closed = false;

  // What is kept with nobody listening.
  const pods = new Map<string, { value: unknown; context: PodContext }>();
  const decisions = createRing<DecisionEvent>(KEPT_DECISIONS);
  const actors = new Map<string, XstateActorEvent>();
  const notices = createRing<NoticeEvent>(KEPT_NOTICES);
  const diagnosticsKept = createRing<DiagnosticEvent>(KEPT_DIAGNOSTICS);
  let diagnosticsTimer: NodeJS.Timeout | undefined;
  // Kept across watch calls: watching the same runtime again sends no record twice.
  let lastSeq = 0;
  let charts: Record<string, unknown> | undefined;
  const seenLogic = new Map<string, { toJSON?(): unknown }>();

  const machines = (): Record<string, unknown> => {
    charts ??= machineCharts();
    const all: Record<string, unknown> = { ...charts };
    for (const [id, logic] of seenLogic) {
      if (id in all) continue;
      try {
        all[id] = JSON.parse(JSON.stringify(logic.toJSON?.() ?? null)) as unknown;
      } catch {
        all[id] = null; // a definition JSON cannot encode: named, not drawn
      }
    }
    return all;
  };

  // A watched runtime's store gives the rows what the actor does not hold: role, workspace, peers, children.
  let store: Pick<PodMetadataStore, 'readNow'> | undefined;
  const recordFields = (name: string): Partial<PodView> => {
    let record: PodMetadata | null = null;
    try {
      record = store?.readNow?.(name) ?? null;
    } catch {
      // A corrupt record: the row shows the actor alone.
    }
    if (record === null) return { pid: process.pid };
    return {
      pid: process.pid,
      role: record.role ?? null,
      workspace: record.workspaceRoot ?? null,
      peers: record.peers,
      spawnedChildren: record.spawnedChildren,
    };
  };

  const hello = (): HelloEvent => ({ type: 'podmesh.hello', version: INSPECTOR_PROTOCOL_VERSION, mode: 'runtime', source, machines: machines() });

  const translate = (): void => {
    scheduled = undefined;
    const batch = raw;
    raw = [];
    if (batch.length === 0) return;
    const listening = listeners.size > 0;
    const at = now();
    const out: InspectorEvent[] = [];
    const changedPods = new Set<string>();
    let newMachine = false;
    for (const event of batch) {
      const actor = event.actorRef as unknown as InspectedActor;
      switch (event.type) {
        case '@xstate.snapshot': {
          if (isPodActor(actor, event.snapshot)) {
            pods.set(actor.id, event.snapshot);
            changedPods.add(actor.id);
          } else if (listening) {
            out.push({ type: '@xstate.snapshot', at, actorId: actor.id, machineId: machineIdOf(actor), status: event.snapshot.status, value: valueOf(event.snapshot) });
          }
          break;
        }
        case '@xstate.event': {
          const type = event.event.type;
          const batch = decisionsIn(event.event);
          if (batch !== undefined) {
            for (const decided of batch) {
              const decision = decisionOf(decided, at);
              decisions.push(decision);
              if (listening) out.push(decision);
            }
          } else if (type === 'pod.notify' && actor.logic?.id === 'pod') {
            // A notice the pod received (the sender is not in the event: an in-process notify has no source actor).
            const { message, autoRun } = event.event as unknown as { message: string; autoRun: boolean };
            const notice: NoticeEvent = {
              type: 'podmesh.notice',
              at,
              pod: actor.id,
              from: (event.sourceRef as InspectedActor | undefined)?.id ?? null,
              ticket: ticketOf(message),
              autoRun: autoRun === true,
              message: message.length > NOTICE_CHARS ? `${message.slice(0, NOTICE_CHARS)}…` : message,
            };
            notices.push(notice);
            if (listening) out.push(notice);
          } else if (listening && actor.logic?.id !== 'pod') {
            // A pod's events show as its row; the others as xstate's event, bounded.
            out.push({ type: '@xstate.event', at, actorId: actor.id, sourceId: (event.sourceRef as InspectedActor | undefined)?.id ?? null, event: boundedEvent(event.event) });
          }
          break;
        }
        case '@xstate.actor': {
          const machineId = machineIdOf(actor);
          if (machineId !== null && !seenLogic.has(machineId)) {
            seenLogic.set(machineId, actor.logic!);
            if (charts === undefined || !(machineId in charts)) newMachine = true;
          }
          if (machineId === 'pod') break;
          const started: XstateActorEvent = { type: '@xstate.actor', at, actorId: actor.id, machineId, parentId: actor._parent?.id ?? null };
          actors.delete(actor.id);
          actors.set(actor.id, started);
          if (actors.size > KEPT_ACTORS) actors.delete(actors.keys().next().value!);
          if (listening) out.push(started);
          break;
        }
        default:
          break; // microsteps, actions and transitions are not part of the stream
      }
    }
    if (!listening) return;
    for (const name of changedPods) out.push({ type: 'podmesh.pod', at, pod: podViewOf(name, pods.get(name)!, recordFields(name)) });
    if (newMachine) out.unshift(hello());
    if (out.length === 0) return;
    for (const listener of listeners) listener(out);
  };

  return {
    inspect(event) {
      // Microsteps, actions and transitions are not part of the stream: not even kept until the next turn.
      const { type } = event;
      if (closed || (type !== '@xstate.snapshot' && type !== '@xstate.event' && type !== '@xstate.actor')) return;
      raw.push(event);
      if (raw.length >= RAW_LIMIT) translate();
      else scheduled ??= setImmediate(translate);
    },
    hello,
    pods: (): PodView[] => [...pods].map(([name, snapshot]) => podViewOf(name, snapshot, recordFields(name))),
    recent() {
      return [...actors.values(), ...decisions.toArray(), ...notices.toArray(), ...diagnosticsKept.toArray()];
    },
    watchStore(watched) {
      store = watched;
    },
    watchDiagnostics(diagnostics) {
      if (diagnosticsTimer !== undefined) clearInterval(diagnosticsTimer);
      diagnosticsTimer = setInterval(() => {
        const fresh = diagnostics.recent().filter((record) => record.seq > lastSeq);
        if (fresh.length === 0) return;
        lastSeq = fresh.at(-1)!.seq;
        const events = fresh.map(
          (record): DiagnosticEvent => ({
            type: 'podmesh.diagnostic',
            at: record.at,
            level: record.level,
            message: `${record.scope}: ${record.message}`,
            fields: record.fields as Record<string, unknown>,
          }),
        );
        for (const event of events) diagnosticsKept.push(event);
        for (const listener of listeners) listener(events);
      }, DIAGNOSTICS_POLL_MS);
      diagnosticsTimer.unref();
    },
    subscribe(listener) {
      // Whatever is queued now belongs to the state the page is about to read.
      translate();
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      closed = true;
      if (diagnosticsTimer !== undefined) clearInterval(diagnosticsTimer);
      if (scheduled !== undefined) clearImmediate(scheduled);
      scheduled = undefined;
      raw = [];
      listeners.clear();
    },
  };
}

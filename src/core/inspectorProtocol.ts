/**
 * The inspector's data formats (docs/inspector.md), version 1: the live
 * event stream a `podmesh inspect` page reads, and the recorded trace a
 * simulation writes with `--record`. Pure types, so the runtime, the
 * simulation, the server and the page (a browser bundle) share one
 * definition. The stream keeps xstate's inspection events
 * (`@xstate.actor`, `@xstate.event`, `@xstate.snapshot`, bounded) and adds
 * podmesh's own (`podmesh.*`).
 */
import type { WeakNotifyOutcomeType } from './types.js';

/** Version of both formats; a reader refuses a higher one. */
export const INSPECTOR_PROTOCOL_VERSION = 1;
/** The `format` field of a recorded trace's header line. */
export const TRACE_FORMAT = 'podmesh-trace';

/** Where a stream comes from. */
export type InspectorMode = 'home' | 'runtime' | 'replay';

/** One pod as the inspector shows it (a row of the pod list). */
export interface PodView {
  readonly name: string;
  readonly role: string | null;
  readonly workspace: string | null;
  readonly status: 'live' | 'stopped' | 'unreachable';
  readonly activity: 'idle' | 'running' | 'paused' | null;
  readonly pid: number | null;
  readonly queued: number | null;
  readonly dropped: number | null;
  readonly turns: number | null;
  readonly peers: readonly string[];
  readonly spawnedChildren: readonly string[];
  /** Why it is not live, or a record problem; null otherwise. */
  readonly reason: string | null;
}

/** First event of every stream and trace: what it is and the statecharts it may name. */
export interface HelloEvent {
  readonly type: 'podmesh.hello';
  readonly version: typeof INSPECTOR_PROTOCOL_VERSION;
  readonly mode: InspectorMode;
  /** The home folder (or the NATS server, its credentials redacted), the program, or the trace file. */
  readonly source: string;
  /** Each machine's `machine.toJSON()` (xstate's definition), by machine id. */
  readonly machines: Readonly<Record<string, unknown>>;
}

/** Every pod at once (replaces the list). */
export interface PodsEvent {
  readonly type: 'podmesh.pods';
  readonly at: number;
  readonly pods: readonly PodView[];
}

/** One pod, new or changed (replaces its row). */
export interface PodEvent {
  readonly type: 'podmesh.pod';
  readonly at: number;
  readonly pod: PodView;
}

/** A pod that is gone from the home or the runtime. */
export interface PodRemovedEvent {
  readonly type: 'podmesh.podRemoved';
  readonly at: number;
  readonly name: string;
}

/** One weak notify decision: the path it took through `weakNotifyMachine` and the facts it saw. */
export interface DecisionEvent {
  readonly type: 'podmesh.decision';
  readonly at: number;
  readonly self: string;
  readonly peer: string;
  readonly autoRun: boolean;
  /** The final state of weakNotifyMachine it ended in. */
  readonly state: string;
  readonly outcome: WeakNotifyOutcomeType;
  /** The states it passed, first to last (the final state included). */
  readonly path: readonly string[];
  readonly facts: Readonly<Record<string, unknown>>;
  /** The ticket the notify was about, when its caller named one (added within version 1: optional). */
  readonly ticket?: string;
}

/** A notice a pod accepted (a ticket notice names its ticket). Message bounded to 2,000 characters. */
export interface NoticeEvent {
  readonly type: 'podmesh.notice';
  readonly at: number;
  readonly pod: string;
  readonly from: string | null;
  readonly ticket: string | null;
  readonly autoRun: boolean;
  readonly message: string;
}

/** One entry of a runtime's diagnostics ring. */
export interface DiagnosticEvent {
  readonly type: 'podmesh.diagnostic';
  readonly at: number;
  readonly level: 'debug' | 'warn';
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** A simulation step (replay only): what the workload or a fault did. */
export interface StepEvent {
  readonly type: 'podmesh.step';
  readonly at: number;
  readonly step: number;
  readonly action: string;
}

/** An invariant checked after a step (replay only); `ok: false` carries the failure. */
export interface InvariantEvent {
  readonly type: 'podmesh.invariant';
  readonly at: number;
  readonly step: number;
  readonly name: string;
  readonly ok: boolean;
  readonly message?: string;
}

/** xstate's `@xstate.actor`: an actor started. */
export interface XstateActorEvent {
  readonly type: '@xstate.actor';
  readonly at: number;
  readonly actorId: string;
  readonly machineId: string | null;
  readonly parentId: string | null;
}

/** xstate's `@xstate.event`: an event reached an actor (its payload bounded to 2,000 characters of JSON). */
export interface XstateEventEvent {
  readonly type: '@xstate.event';
  readonly at: number;
  readonly actorId: string;
  readonly sourceId: string | null;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
}

/** xstate's `@xstate.snapshot`: an actor's new state (its value; the context is left out, it can be large). */
export interface XstateSnapshotEvent {
  readonly type: '@xstate.snapshot';
  readonly at: number;
  readonly actorId: string;
  readonly machineId: string | null;
  readonly status: string;
  readonly value: unknown;
}

/** Anything the stream or a trace carries. `at` is ms since the epoch (live) or simulated ms (replay). */
export type InspectorEvent =
  | HelloEvent
  | PodsEvent
  | PodEvent
  | PodRemovedEvent
  | DecisionEvent
  | NoticeEvent
  | DiagnosticEvent
  | StepEvent
  | InvariantEvent
  | XstateActorEvent
  | XstateEventEvent
  | XstateSnapshotEvent;

/** What the live feed sends as one server-sent event (`data:` line): events in the order they happened. */
export interface InspectorBatch {
  readonly events: readonly InspectorEvent[];
}

/** First line of a recorded trace (JSON lines). */
export interface TraceHeader {
  readonly format: typeof TRACE_FORMAT;
  readonly version: typeof INSPECTOR_PROTOCOL_VERSION;
  readonly scenario: string;
  readonly seed: number;
  readonly pods: number;
  readonly steps: number;
  readonly machines: Readonly<Record<string, unknown>>;
}

/** Every later line: one step and the events it caused (step 0: the initial `podmesh.pods`). */
export interface TraceStep {
  readonly step: number;
  readonly at: number;
  readonly events: readonly InspectorEvent[];
}

import type { SimulatedClock } from 'xstate';
import type { PodMetadata, PodMetadataStore, PodTransport, WeakNotifyOutcome } from '../core/types.js';
import type { PodDiscovery } from '../actors/runtime/createDiscovery.js';
import type { FaultyStore } from '../testing/createFaultyStore.js';
import type { FaultyTransport } from '../testing/createFaultyTransport.js';
import type { PodRuntime } from '../actors/runtime/createPodRuntime.js';
import type { Random } from './createRandom.js';
import type { TicketTools } from '../tickets/createTicketTools.js';
import type { Scenario } from './parseScenario.js';
import type { HookResult, Orchestrator } from '../tickets/startOrchestrator.js';

/** One workspace of a simulation: its orchestrator, its companion and its tickets. */
export interface SimWorkspace {
  readonly index: number;
  readonly label: string;
  readonly companion: string;
  readonly orchestrator: Orchestrator;
  readonly tools: TicketTools;
  readonly tickets: string[];
  /** Hook results in the order the orchestrator emitted them. */
  readonly handled: HookResult[];
  /** Records taken away by faults, to put back later. */
  deleted?: PodMetadata;
  corrupted?: PodMetadata;
}

/**
 * The records as faults and invariant checks see them, behind the runtime's
 * back: the memory store itself, or the run's KV bucket over NATS.
 */
export interface SimRecords extends PodMetadataStore {
  /** Stores `text` as `name`'s record as it is, valid or not (a torn write). */
  writeRaw(name: string, text: string): Promise<void>;
}

/** Everything a simulation step can touch. */
export interface SimWorld {
  readonly scenario: Scenario;
  readonly clock: SimulatedClock;
  readonly random: Random;
  /** The raw records, for faults and invariant checks that act behind the runtime's back. */
  readonly records: SimRecords;
  readonly faultyStore: FaultyStore;
  /** The runtime of orchestrators and workers. */
  readonly main: PodRuntime;
  /** The runtime of companions (the main one when companions are not remote). */
  readonly companions: PodRuntime;
  readonly transport?: FaultyTransport;
  readonly workspaces: SimWorkspace[];
  /** Worker pods and their spawned children, in creation order. */
  readonly pods: string[];
  discovery(self: string): PodDiscovery;
  /** Turns started so far, by any pod. */
  turnStarts: number;
  nextChild: number;
}

/** A weak notify that happened in a step, and where its target lives. */
export interface ObservedNotify {
  readonly self: string;
  readonly target: string;
  readonly delivery: WeakNotifyOutcome;
  readonly host: PodRuntime;
}

/** The companion's state before a lifecycle step. */
export interface CompanionBefore {
  readonly name: string;
  readonly record: 'present' | 'missing' | 'unreadable';
  readonly status: 'live' | 'stopped' | 'unreachable' | 'none';
  /** Whether the main runtime ran an actor by that name. */
  readonly inMain: boolean;
}

/** What one step did, for the trace and the invariant checks. */
export interface StepObservation {
  line: string;
  readonly notifies: ObservedNotify[];
  readonly ensured: { self: string; peer: string }[];
  /** The step may start turns on purpose (a `run`). */
  startsTurns: boolean;
  readonly turnStartsBefore: number;
  lifecycle?: CompanionBefore;
  passive?: { writes: number; diagnostics: number; handled: number; accepted: number };
}

/** Seams a test may replace with a deliberately broken part, to prove an invariant check works. */
export interface SimulationInjection {
  wrapStore?(store: FaultyStore): FaultyStore;
  wrapTransport?(transport: PodTransport): PodTransport;
  wrapDiscovery?(discovery: PodDiscovery, world: SimWorld): PodDiscovery;
  wrapTools?(tools: TicketTools, workspace: { orchestrator: Orchestrator; companion: string }, world: () => SimWorld): TicketTools;
}

/** The companion's pod in whichever runtime runs companions. */
export function companionPod(world: SimWorld, workspace: SimWorkspace) {
  return world.companions.pod(workspace.companion);
}

/** A raw record as the world sees it behind the runtime's back: the record, `null` when missing, or `'unreadable'`. */
export async function peekRecord(world: SimWorld, name: string): Promise<PodMetadata | null | 'unreadable'> {
  try {
    return await world.records.read(name);
  } catch {
    return 'unreadable';
  }
}

/** A raw record, or `null` when it is missing or unreadable. */
export async function readableRecord(world: SimWorld, name: string): Promise<PodMetadata | null> {
  const record = await peekRecord(world, name);
  return record === 'unreadable' ? null : record;
}

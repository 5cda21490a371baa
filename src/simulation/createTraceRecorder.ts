import type { InspectionEvent } from 'xstate';
import {
  INSPECTOR_PROTOCOL_VERSION,
  TRACE_FORMAT,
  type DecisionEvent,
  type InspectorEvent,
  type PodView,
  type TraceHeader,
  type TraceStep,
} from '../core/inspectorProtocol.js';
import { decisionOf, decisionsIn } from '../machines/decisionOf.js';
import { machineCharts } from '../machines/machineCharts.js';
import type { Scenario } from './parseScenario.js';
import { peekRecord, type SimWorld } from './simulationWorld.js';

const NO_NAMES: readonly string[] = Object.freeze([]);

/** What a step tells the recorder, besides what it heard through `inspect`. */
export interface RecordedStep {
  readonly step: number;
  /** What the workload or a fault did (the step's trace line without its invariant marks). */
  readonly action: string;
  /** Pods the step spawned. */
  readonly spawned: readonly string[];
  /** Names the step touched (notify targets, ensured pairs); only the world's pods among them get a row. */
  readonly touched: Iterable<string>;
  readonly failures: readonly { readonly name: string; readonly message: string }[];
}

/** Writes a simulation's run as the trace of docs/inspector.md, one JSON line at a time. */
export interface TraceRecorder {
  /** The `inspect` option of the simulation's runtimes: hears decisions and pod changes. */
  readonly inspect: (event: InspectionEvent) => void;
  /** The header line and step 0 (every pod). */
  start(world: SimWorld): Promise<void>;
  /** One step's line. */
  step(world: SimWorld, step: RecordedStep): Promise<void>;
}

/** A pod of the simulated world as the inspector shows it; from its actor and its raw record. */
async function podView(world: SimWorld, name: string): Promise<PodView> {
  const handle = world.main.pod(name) ?? world.companions.pod(name);
  const record = await peekRecord(world, name);
  const live = handle?.liveness() ?? { status: 'stopped' as const };
  const context = handle?.actor.getSnapshot().context;
  const readable = record === 'unreadable' ? null : record;
  const reasons = [live.reason, record === 'unreadable' ? 'record: unreadable' : record === null ? 'no record' : undefined].filter((r) => r !== undefined);
  return {
    name,
    role: readable?.role ?? null,
    workspace: readable?.workspaceRoot ?? null,
    status: live.status,
    activity: live.activity ?? null,
    pid: null,
    queued: context?.buffer.length ?? null,
    dropped: context?.dropped ?? null,
    turns: context?.turns ?? null,
    peers: readable?.peers ?? NO_NAMES,
    spawnedChildren: readable?.spawnedChildren ?? NO_NAMES,
    reason: reasons.length === 0 ? null : reasons.join('; '),
  };
}

/** Every pod of the world, in a fixed order: each workspace's orchestrator and companion, then the workers and children. */
function allPods(world: SimWorld): string[] {
  return [...world.workspaces.flatMap((w) => [w.orchestrator.pod.name, w.companion]), ...world.pods];
}

/**
 * The recorder behind `podmesh simulate --record`: a header line (format,
 * version, scenario, seed, pods, steps, machines), step 0 with `podmesh.pods`
 * of every pod, then one line per step: `podmesh.step`, its
 * `podmesh.decision`s (heard from the runtimes' `weakNotify.decisions` batches),
 * `podmesh.pod` rows of the pods whose row it changed, and `podmesh.invariant` for each
 * failure (a step without one passed every check). `at` is simulated time,
 * so a seed gives the same bytes every run.
 */
export function createTraceRecorder(scenario: Scenario, clock: () => number, write: (line: string) => void): TraceRecorder {
  let decisions: DecisionEvent[] = [];
  let changed = new Set<string>();
  // Each pod's row as last written: a row that did not change is not written again (a 100,000-pod trace stays small).
  const written = new Map<string, string>();

  const line = (step: TraceStep): void => write(JSON.stringify(step));

  return {
    inspect(event) {
      const batch = event.type === '@xstate.event' ? decisionsIn(event.event) : undefined;
      if (batch !== undefined) {
        // The runtimes report decisions in batches; the simulation flushes them before each step is written.
        for (const decided of batch) decisions.push(decisionOf(decided, clock()));
      } else if (event.type === '@xstate.snapshot' && (event.actorRef as { logic?: { id?: unknown } }).logic?.id === 'pod') {
        changed.add((event.actorRef as unknown as { id: string }).id);
      }
    },
    async start(world) {
      const header: TraceHeader = {
        format: TRACE_FORMAT,
        version: INSPECTOR_PROTOCOL_VERSION,
        scenario: scenario.name,
        seed: scenario.seed,
        pods: scenario.pods,
        steps: scenario.steps,
        machines: machineCharts(),
      };
      write(JSON.stringify(header));
      const pods: PodView[] = [];
      for (const name of allPods(world)) {
        const view = await podView(world, name);
        written.set(name, JSON.stringify(view));
        pods.push(view);
      }
      line({ step: 0, at: clock(), events: [{ type: 'podmesh.pods', at: clock(), pods }] });
      decisions = [];
      changed = new Set();
    },
    async step(world, { step, action, spawned, touched, failures }) {
      const at = clock();
      const events: InspectorEvent[] = [{ type: 'podmesh.step', at, step, action }, ...decisions];
      for (const name of spawned) written.set(name, '');
      for (const name of touched) changed.add(name);
      for (const name of [...changed].filter((n) => written.has(n)).sort()) {
        const view = await podView(world, name);
        const json = JSON.stringify(view);
        if (written.get(name) === json) continue;
        written.set(name, json);
        events.push({ type: 'podmesh.pod', at, pod: view });
      }
      for (const failure of failures) events.push({ type: 'podmesh.invariant', at, step, name: failure.name, ok: false, message: failure.message });
      decisions = [];
      changed = new Set();
      line({ step, at, events });
    },
  };
}

import { createHash } from 'node:crypto';
import { SimulatedClock } from 'xstate';
import { errorLine } from '../core/text.js';
import { WEAK_NOTIFY_OUTCOME_TYPES } from '../core/decideWeakNotify.js';
import type { WeakNotifyOutcomeType } from '../core/types.js';
import { workspacePodNames } from '../tickets/workspacePodNames.js';
import { createFaultyStore } from '../testing/createFaultyStore.js';
import { createFaultyTransport, type FaultyTransport } from '../testing/createFaultyTransport.js';
import { createMemoryPodStore } from '../actors/stores/createMemoryPodStore.js';
import { createPodRuntime, type PodRuntime } from '../actors/runtime/createPodRuntime.js';
import { createRandom } from './createRandom.js';
import { createRuntimeTransport } from '../testing/createRuntimeTransport.js';
import { createTicketBoard } from '../tickets/createTicketBoard.js';
import { createTraceRecorder, type TraceRecorder } from './createTraceRecorder.js';
import { startOrchestrator } from '../tickets/startOrchestrator.js';
import { FAULT_KINDS, parseScenario, ScenarioError, type FaultKind, type Scenario, type WorkloadKind } from './parseScenario.js';
import { INVARIANTS } from './simulationInvariants.js';
import { openNatsBackend, type NatsBackend, type SimulationNats } from './openNatsBackend.js';
import { applyFault, WORKLOAD } from './simulationSteps.js';
import type { SimulationInjection, SimWorkspace, SimWorld, StepObservation } from './simulationWorld.js';

export type { SimulationInjection } from './simulationWorld.js';
export type { SimulationNats } from './openNatsBackend.js';

/** Options of {@link createSimulation}. */
export interface SimulationOptions {
  /** The scenario: a parsed {@link Scenario} or its JSON value (validated here). */
  readonly scenario: Scenario | unknown;
  /** Seed of the run; default the scenario's. */
  readonly seed?: number;
  /** Total pods; default the scenario's. */
  readonly pods?: number;
  /** Broken parts for tests of the invariant checks. */
  readonly inject?: SimulationInjection;
  /** Called as setup and steps advance (`phase` is `spawn` or `steps`). */
  readonly onProgress?: (phase: 'spawn' | 'steps', done: number, total: number) => void;
  /**
   * Records the run as the inspector's trace (docs/inspector.md): called with
   * each line (no newline), the header first. The same seed gives the same lines.
   */
  readonly onTraceLine?: (line: string) => void;
  /**
   * Runs the scenario over a real NATS server: the records in a KV bucket of
   * the run's own (destroyed at the end), and, with `remoteCompanions`, the
   * companions served over NATS to the orchestrators' runtime. The same seed
   * gives the same trace as in memory.
   */
  readonly nats?: SimulationNats;
}

/** How one invariant fared over a run. */
export interface InvariantReport {
  readonly name: string;
  readonly description: string;
  /** Steps it applied to. */
  readonly checks: number;
  /** Total failures; `failures` keeps the first 100 of them. */
  readonly failed: number;
  readonly failures: { readonly step: number; readonly message: string }[];
}

/** What a run came to: the outcome histogram, the invariants, and the deterministic trace. */
export interface SimulationResult {
  readonly scenario: string;
  readonly seed: number;
  readonly pods: number;
  readonly steps: number;
  /** Where the records and the companions' transport were: in memory, or on a NATS server. */
  readonly backend: 'memory' | 'nats';
  readonly ok: boolean;
  /** Weak notify outcomes by type (lifecycle events and direct notifies). */
  readonly histogram: Record<WeakNotifyOutcomeType, number>;
  /** Steps by action. */
  readonly actions: Record<string, number>;
  readonly invariants: InvariantReport[];
  /** One line per setup event and step; the same seed and scenario give the same lines. */
  readonly trace: string[];
  /** sha256 of the trace lines joined by newlines. */
  readonly traceHash: string;
}

/** A deterministic simulation run. */
export interface Simulation {
  run(): Promise<SimulationResult>;
}

const DELIVERY_TIMEOUT_MS = 5000;
const FAILURES_KEPT = 100;
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function emptyHistogram(): Record<WeakNotifyOutcomeType, number> {
  return Object.fromEntries(WEAK_NOTIFY_OUTCOME_TYPES.map((type) => [type, 0])) as Record<WeakNotifyOutcomeType, number>;
}

/**
 * A simulation (issue #3): workspaces with an orchestrator and a companion,
 * worker pods, a seeded workload and faults on a `SimulatedClock`, and the
 * invariants checked after every step. Nothing reads the wall clock or
 * `Math.random`, so a seed and a scenario always give the same trace.
 */
export function createSimulation(options: SimulationOptions): Simulation {
  const base = parseScenario(options.scenario);
  const scenario: Scenario = {
    ...base,
    seed: options.seed ?? base.seed,
    pods: options.pods ?? base.pods,
  };
  if (!Number.isInteger(scenario.pods) || scenario.pods < 2 * scenario.workspaces) {
    throw new ScenarioError('pods', `must be an integer of at least ${2 * scenario.workspaces} (two per workspace)`);
  }
  return { run: () => runSimulation(scenario, options) };
}

async function buildWorld(
  scenario: Scenario,
  options: SimulationOptions,
  trace: string[],
  clock: SimulatedClock,
  recorder: TraceRecorder | undefined,
  nats: NatsBackend | undefined,
): Promise<SimWorld> {
  const inject = options.inject ?? {};
  const random = createRandom(scenario.seed);
  const records = nats?.records ?? createMemoryPodStore();
  const store = nats?.store ?? records;
  const faultyStore = inject.wrapStore?.(createFaultyStore(store)) ?? createFaultyStore(store);
  let turnStarts = 0;
  const turn = () => void (world.turnStarts = ++turnStarts);
  const common = { store: faultyStore, clock, turn, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS, ...(recorder === undefined ? {} : { inspect: recorder.inspect }) };

  let companions: PodRuntime | undefined;
  let transport: FaultyTransport | undefined;
  if (scenario.remoteCompanions) {
    companions = createPodRuntime(common);
    const remote = companions;
    transport = createFaultyTransport(nats?.transport ?? createRuntimeTransport(() => remote), {
      onHang: () => clock.increment(DELIVERY_TIMEOUT_MS),
    });
  }
  const main = createPodRuntime({ ...common, ...(transport === undefined ? {} : { transport: inject.wrapTransport?.(transport) ?? transport }) });
  const world: SimWorld = {
    scenario,
    clock,
    random,
    records,
    faultyStore,
    main,
    companions: companions ?? main,
    ...(transport === undefined ? {} : { transport }),
    workspaces: [],
    pods: [],
    discovery: (self) => (inject.wrapDiscovery === undefined ? main.discovery(self) : inject.wrapDiscovery(main.discovery(self), world)),
    turnStarts: 0,
    nextChild: 0,
  };

  try {
    await populateWorld(world, scenario, options, trace, nats);
  } catch (error) {
    await stopWorld(world).catch(() => undefined);
    throw error;
  }
  return world;
}

/** Stops the world's runtimes, the companions' whatever the main one did. */
async function stopWorld(world: SimWorld): Promise<void> {
  try {
    await world.main.stop();
  } finally {
    if (world.companions !== world.main) await world.companions.stop();
  }
}

/** The workspaces, their orchestrators and companions, and the workers of a new world. */
async function populateWorld(world: SimWorld, scenario: Scenario, options: SimulationOptions, trace: string[], nats: NatsBackend | undefined): Promise<void> {
  const { main, records, random, clock, faultyStore } = world;
  const inject = options.inject ?? {};
  const companions = world.companions === main ? undefined : world.companions;
  for (let i = 0; i < scenario.workspaces; i += 1) {
    const label = `ws-${String(i).padStart(4, '0')}`;
    const workspaceRoot = `/sim/${label}`;
    const names = workspacePodNames(workspaceRoot);
    const mode = scenario.initialPeers === 'mixed' ? random.pick(['reciprocal', 'one-directional', 'none'] as const) : scenario.initialPeers;
    const companionPeers = mode === 'none' || (mode === 'one-directional' && i % 2 === 1) ? [] : [names.orchestrator];
    const orchestratorPeers = mode === 'reciprocal' || (mode === 'one-directional' && i % 2 === 1) ? [names.companion] : [];
    await records.write({ name: names.orchestrator, role: 'orchestrator', workspaceRoot, peers: orchestratorPeers, spawnedChildren: [] });
    await records.write({ name: names.companion, role: 'companion', workspaceRoot, peers: companionPeers, spawnedChildren: [] });
    await world.companions.spawnPod({ name: names.companion });
    if (nats !== undefined && companions !== undefined) await nats.serve(companions, names.companion);
    const tickets = createTicketBoard({ now: () => clock.now(), random: () => random.next() });
    // `/sim/…` is a folder of the simulated world only: it is not looked for on disk.
    const orchestrator = await startOrchestrator(main, { workspaceRoot, tickets, virtual: true });
    const handled: SimWorkspace['handled'] = [];
    orchestrator.actor.on('ticket.handled', ({ event, ensure, delivery }) => void handled.push({ ...event, ensure, delivery }));
    const tools = inject.wrapTools?.(orchestrator.tools, { orchestrator, companion: names.companion }, () => world) ?? orchestrator.tools;
    world.workspaces.push({ index: i, label, companion: names.companion, orchestrator, tools, tickets: [], handled });
    trace.push(`setup ${label} peers=${mode} ensure-at-start=${orchestrator.installed.type}`);
  }

  const workers = scenario.pods - 2 * scenario.workspaces;
  const spawns = Array.from({ length: workers }, (_, i) => ({ name: `w-${i}`, role: 'worker' }));
  await main.spawnPods(spawns, {
    onProgress: (done, total) => {
      if (done % 1000 === 0 || done === total) options.onProgress?.('spawn', done, total);
    },
  });
  for (const spawn of spawns) world.pods.push(spawn.name);
  // Neighbouring workers start as peers, so direct notifies have somewhere to go.
  if (scenario.initialPeers !== 'none') {
    for (let i = 0; i + 1 < workers; i += 2) {
      await records.setPeers(`w-${i}`, [`w-${i + 1}`]);
      await records.setPeers(`w-${i + 1}`, [`w-${i}`]);
    }
  }
  trace.push(`setup workers=${workers} store-writes=${faultyStore.writes}`);
}

async function runSimulation(scenario: Scenario, options: SimulationOptions): Promise<SimulationResult> {
  const trace: string[] = [`scenario ${scenario.name} seed=${scenario.seed} pods=${scenario.pods} steps=${scenario.steps}`];
  const clock = new SimulatedClock();
  const recorder = options.onTraceLine === undefined ? undefined : createTraceRecorder(scenario, () => clock.now(), options.onTraceLine);
  const nats = options.nats === undefined ? undefined : await openNatsBackend(options.nats);
  let world: SimWorld;
  try {
    world = await buildWorld(scenario, options, trace, clock, recorder, nats);
  } catch (error) {
    await nats?.close();
    throw error;
  }
  const histogram = emptyHistogram();
  const actions: Record<string, number> = {};
  const reports: InvariantReport[] = INVARIANTS.map((inv) => ({ name: inv.name, description: inv.description, checks: 0, failed: 0, failures: [] }));
  const weights: Record<WorkloadKind | FaultKind, number> = { ...scenario.workload, ...scenario.faults };
  const schedule = [...scenario.schedule];
  const faults = new Set<string>(FAULT_KINDS);

  try {
    await recorder?.start(world);
    for (let step = 0; step < scenario.steps; step += 1) {
      world.clock.increment(scenario.stepMs);
      while (schedule.length > 0 && schedule[0]!.step === step) {
        const planned = schedule.shift()!;
        trace.push(`#${step} scheduled ${await applyFault(world, planned.fault, world.workspaces[planned.workspace]!)}`);
      }
      const action = world.random.weighted(weights);
      const obs: StepObservation = { line: 'idle', notifies: [], ensured: [], startsTurns: false, turnStartsBefore: world.turnStarts };
      const podsBefore = world.pods.length;
      try {
        if (action !== undefined && faults.has(action)) {
          obs.line = await applyFault(world, action as FaultKind, world.random.pick(world.workspaces));
        } else if (action !== undefined) {
          await WORKLOAD[action as WorkloadKind](world, obs);
        }
      } catch (error) {
        // Steps catch what the runtime may throw; anything else is a bug worth a trace line, not a crash.
        obs.line = `${action} threw ${errorLine(error, 120)}`;
      }
      await settle();
      actions[action ?? 'idle'] = (actions[action ?? 'idle'] ?? 0) + 1;
      for (const n of obs.notifies) histogram[n.delivery.type] += 1;
      const done = obs.line;
      const failed: { name: string; message: string }[] = [];
      for (const [i, invariant] of INVARIANTS.entries()) {
        const failures = await invariant.check(world, obs);
        if (failures === undefined) continue;
        const report = reports[i]!;
        (report as { checks: number }).checks += 1;
        for (const message of failures) {
          (report as { failed: number }).failed += 1;
          if (report.failures.length < FAILURES_KEPT) report.failures.push({ step, message });
          obs.line += ` !${invariant.name}`;
          if (recorder !== undefined) failed.push({ name: invariant.name, message });
        }
      }
      trace.push(`#${step} ${obs.line}`);
      if (recorder !== undefined) {
        const spawned = world.pods.slice(podsBefore);
        const touched = new Set<string>(spawned);
        for (const n of obs.notifies) touched.add(n.self).add(n.target);
        for (const e of obs.ensured) touched.add(e.self).add(e.peer);
        if (obs.lifecycle !== undefined) touched.add(obs.lifecycle.name);
        // The runtimes report decisions in batches: the step's last ones are sent now, so the step holds them all.
        world.main.flushDecisions();
        world.companions.flushDecisions();
        // Trace step 0 is the setup: simulation step k is trace step k + 1.
        await recorder.step(world, { step: step + 1, action: done, spawned, touched, failures: failed });
      }
      options.onProgress?.('steps', step + 1, scenario.steps);
    }
  } finally {
    try {
      await stopWorld(world);
    } finally {
      await nats?.close();
    }
  }
  trace.push(`end histogram=${JSON.stringify(histogram)}`);
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    pods: scenario.pods,
    steps: scenario.steps,
    backend: nats === undefined ? 'memory' : 'nats',
    ok: reports.every((r) => r.failed === 0),
    histogram,
    actions,
    invariants: reports,
    trace,
    traceHash: createHash('sha256').update(trace.join('\n')).digest('hex'),
  };
}

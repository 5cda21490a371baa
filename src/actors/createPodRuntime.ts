import { createActor, fromPromise, initialTransition, type Actor, type AnyActorRef, type InspectionEvent, type Observer, type Snapshot } from 'xstate';
import type { PeerEnsureMode, PeerEnsureRequest, PeerEnsureResult } from '../machines/discoveryMachine.js';
import { discoveryMachine } from '../machines/discoveryMachine.js';
import type { PodContext, PodEvent, PodInput } from '../machines/podMachine.js';
import { DISCOVERY_SYSTEM_ID, runtimeMachine } from '../machines/runtimeMachine.js';
import type { PeerRelation, PodLiveness, PodMetadataStore, PodTransport } from '../types.js';
import { validatePodName } from '../validatePodName.js';
import { createDiagnostics, type DiagnosticRecord, type Diagnostics } from './createDiagnostics.js';
import { createDiscovery, createWeakNotify, type DiscoveryDeps, type PodDiscovery } from './createDiscovery.js';
import { createMemoryPodStore } from './createMemoryPodStore.js';
import { createPodHandle, livenessOf, notifyPodActor, type PodActorRef, type PodHandle } from './createPodHandle.js';
import { createWeakNotifyDecider } from './createWeakNotifyDecider.js';
import { ensureExistingPeer } from './ensureExistingPeer.js';
import { preparePodRecord } from './preparePodRecord.js';
import { wirePodMachine } from './wirePodMachine.js';
import { createOrchestratorWiring, type Orchestrator, type StartOrchestratorOptions } from './startOrchestrator.js';
import { withTimeout, type TimerClock } from './withTimeout.js';

/** What a turn handler receives (SPEC §3). */
export interface TurnArgs {
  readonly pod: PodHandle;
  readonly input: unknown;
  /** Drained notices, oldest first, each rendered as `[Notification]` + newline + message. */
  readonly notices: readonly string[];
  /** Aborted when the turn is interrupted (stop, pause, disconnect). */
  readonly signal: AbortSignal;
}

/** The user's code for one turn of a pod. */
export type TurnHandler = (args: TurnArgs) => Promise<void> | void;

/** A clock as xstate takes it, plus the current time for diagnostics. */
export type RuntimeClock = TimerClock & { now(): number };

export interface PodRuntimeOptions {
  /** Metadata store; default an in-memory one. */
  readonly store?: PodMetadataStore;
  /** An xstate inspection observer: sees every pod, the discovery actor, orchestrators and decisions. */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Turn handler; the default only records turns in the pod's history. */
  readonly turn?: TurnHandler;
  /** Notify buffer capacity of each pod (default 128). */
  readonly notifyBufferSize?: number;
  /** Turns kept in each pod's history (default 1,000). */
  readonly historyLimit?: number;
  /** Diagnostic records kept (default 1,000). */
  readonly diagnosticsLimit?: number;
  /** Time source for timers and diagnostics (for example xstate's `SimulatedClock`). */
  readonly clock?: RuntimeClock;
  /** Reaches pods this runtime does not run. */
  readonly transport?: PodTransport;
  /** How long a transport may take to acknowledge a notice (default 5,000 ms). */
  readonly deliveryTimeoutMs?: number;
  /** Largest weak notify message in UTF-8 bytes (default 1 MiB). */
  readonly maxMessageBytes?: number;
}

export interface SpawnPodOptions {
  readonly name: string;
  readonly role?: string;
  readonly workspaceRoot?: string;
  /** A pod that records this one as a spawned child; it must have a record. */
  readonly parent?: string;
}

/** A podmesh runtime: one xstate actor system holding its pods. */
export interface PodRuntime {
  readonly store: PodMetadataStore;
  /** The runtime's diagnostics: `recent()` records, the `count()` of all ever made, and per `levels()`. */
  readonly diagnostics: Pick<Diagnostics, 'recent' | 'count' | 'levels'>;
  /** The root actor of the runtime's actor system. */
  readonly actor: Actor<typeof runtimeMachine>;
  /** Creates the pod's record if absent and runs its actor (`live.idle`). */
  spawnPod(options: SpawnPodOptions): Promise<PodHandle>;
  /**
   * Spawns many pods in order (all names are validated first); the way to
   * start thousands. `onProgress` is called after each pod.
   */
  spawnPods(spawns: readonly SpawnPodOptions[], onProgress?: (done: number, total: number) => void): Promise<void>;
  /** The handle of a pod this runtime runs, else `undefined`. */
  pod(name: string): PodHandle | undefined;
  /** The discovery view of `self`. */
  discovery(self: string): PodDiscovery;
  /** Starts the workspace's orchestrator pod and its ticket hook. */
  startOrchestrator(options: StartOrchestratorOptions): Promise<Orchestrator>;
  /** Stops every actor; pending ensures reject. */
  stop(): Promise<void>;
}

/** Thrown by calls on a runtime that was stopped. */
export class RuntimeStoppedError extends Error {
  readonly code = 'runtime-stopped';
  constructor() {
    super('the podmesh runtime is stopped');
    this.name = 'RuntimeStoppedError';
  }
}

const defaultTurn: TurnHandler = () => undefined;

/** Creates a runtime (SPEC §3–8). */
export function createPodRuntime(options: PodRuntimeOptions = {}): PodRuntime {
  const store = options.store ?? createMemoryPodStore();
  const clock = options.clock;
  const diagnostics: Diagnostics = createDiagnostics({
    ...(options.diagnosticsLimit === undefined ? {} : { limit: options.diagnosticsLimit }),
    ...(clock === undefined ? {} : { now: () => clock.now() }),
  });
  const turn = options.turn ?? defaultTurn;
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5000;
  let stopped = false;
  const stopping = new AbortController();
  let nextRequestId = 1;
  const pendingEnsures = new Map<number, { resolve: (r: PeerEnsureResult) => void }>();

  // The runtime's own pods, for lookups and for stopping them (they are not root's spawned children).
  const pods = new Map<string, PodActorRef>();
  const podRef = (name: string): PodActorRef | undefined => pods.get(name);
  const handle = (name: string): PodHandle | undefined => {
    const ref = podRef(name);
    return ref === undefined ? undefined : createPodHandle(name, ref);
  };

  const wiredPod = wirePodMachine(diagnostics, async (input, signal) => {
    const pod = handle(input.pod);
    if (pod !== undefined) await turn({ pod, input: input.input, notices: input.notices, signal });
  });
  const wiredDiscovery = discoveryMachine.provide({
    actors: {
      ensurePeer: fromPromise<PeerEnsureResult, PeerEnsureRequest>(async ({ input }) => {
        try {
          const relation = await ensureExistingPeer(store, input.self, input.peer, input.mode);
          return { requestId: input.requestId, ok: true, relation };
        } catch (error) {
          return { requestId: input.requestId, ok: false, error };
        }
      }),
    },
  });

  const requestEnsure = (self: string, peer: string, mode: PeerEnsureMode): Promise<PeerRelation | null> => {
    if (stopped) return Promise.reject(new RuntimeStoppedError());
    const requestId = nextRequestId++;
    return new Promise<PeerEnsureResult>((resolve) => {
      pendingEnsures.set(requestId, { resolve });
      discovery().send({ type: 'peer.ensure', requestId, self, peer, mode });
    }).then((result) => {
      if (result.ok) return result.relation;
      throw result.error;
    });
  };

  const liveness = (name: string): PodLiveness | Promise<PodLiveness> => {
    const ref = podRef(name);
    if (ref !== undefined) return livenessOf(ref.getSnapshot());
    const transport = options.transport;
    if (transport === undefined) return { status: 'stopped' };
    return Promise.resolve(transport.probe(name)).then((live) => live ?? { status: 'stopped' });
  };

  const deliver = (name: string, message: string, autoRun: boolean): void | Promise<void> => {
    const ref = podRef(name);
    if (ref !== undefined) {
      notifyPodActor(ref, message, autoRun);
      return;
    }
    if (options.transport === undefined) throw new Error('no transport serves this pod');
    return withTimeout(Promise.resolve(options.transport.notify(name, message, { autoRun })), deliveryTimeoutMs, clock);
  };

  const inspecting = options.inspect !== undefined;
  const deps: DiscoveryDeps = {
    store,
    diagnostics,
    decider: createWeakNotifyDecider(),
    liveness,
    deliver,
    requestEnsure,
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
    ...(inspecting
      ? {
          reportDecision: (self, peer, delivery, state) =>
            discovery().send({ type: 'weakNotify.decided', self, peer, state, outcome: delivery.type }),
        }
      : {}),
  };
  const weakNotify = createWeakNotify(deps);

  const orchestrators = createOrchestratorWiring({
    root: () => root,
    store,
    diagnostics,
    spawnPod: (spawn) => spawnPod(spawn),
    requestEnsure,
    weakNotify,
    assertRunning: () => assertRunning(),
    stopSignal: stopping.signal,
  });

  const root = createActor(
    runtimeMachine.provide({ actors: { discovery: wiredDiscovery, orchestrator: orchestrators.machine } }),
    {
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
      ...(clock === undefined ? {} : { clock }),
    },
  );
  const discovery = (): AnyActorRef => root.system.get(DISCOVERY_SYSTEM_ID) as AnyActorRef;
  root.start();
  const discoveryActor = discovery() as AnyActorRef & {
    on(type: 'peer.ensured', fn: (e: { result: PeerEnsureResult }) => void): unknown;
  };
  discoveryActor.on('peer.ensured', ({ result }) => {
    const pending = pendingEnsures.get(result.requestId);
    pendingEnsures.delete(result.requestId);
    pending?.resolve(result);
  });

  const assertRunning = (): void => {
    if (stopped) throw new RuntimeStoppedError();
  };

  // Every pod starts in the same state with only its name differing, so the
  // initial transition is computed once and each pod starts from a copy of it
  // (a third cheaper than computing it per pod at 100,000 pods).
  const podInput: PodInput = { bufferSize: options.notifyBufferSize, historyLimit: options.historyLimit };
  const podTemplate = wiredPod.getPersistedSnapshot(initialTransition(wiredPod, podInput)[0]) as Snapshot<unknown>;
  // Shared by every pod until its first change (xstate's assign never mutates a context).
  Object.freeze((podTemplate as unknown as { context: PodContext }).context);

  /** Runs the pod's actor (a member of root's system), or starts it again if it was stopped. */
  const runPod = (name: string): PodActorRef => {
    let ref = podRef(name);
    if (ref === undefined) {
      // The pod's name is its actor id. No systemId: xstate registers one with a Map and a
      // WeakMap entry per actor, and the runtime's own map already finds pods.
      // `input` is ignored when a snapshot is given; the types ask for it.
      ref = createActor(wiredPod, { parent: root, id: name, snapshot: podTemplate, input: podInput });
      pods.set(name, ref);
      ref.start();
    } else if (livenessOf(ref.getSnapshot()).status === 'stopped') {
      ref.send({ type: 'pod.start' });
    }
    return ref;
  };

  const validateSpawn = (spawn: SpawnPodOptions): void => {
    validatePodName(spawn.name);
    if (spawn.parent !== undefined) validatePodName(spawn.parent);
  };

  const spawnPod = async (spawn: SpawnPodOptions): Promise<PodHandle> => {
    assertRunning();
    validateSpawn(spawn);
    await preparePodRecord(store, spawn);
    assertRunning();
    return createPodHandle(spawn.name, runPod(spawn.name));
  };

  const spawnPods = async (
    spawns: readonly SpawnPodOptions[],
    onProgress?: (done: number, total: number) => void,
  ): Promise<void> => {
    assertRunning();
    spawns.forEach(validateSpawn);
    let done = 0;
    for (const spawn of spawns) {
      await preparePodRecord(store, spawn);
      assertRunning();
      runPod(spawn.name);
      onProgress?.(++done, spawns.length);
    }
  };

  return {
    store,
    diagnostics,
    actor: root,
    spawnPod,
    spawnPods,
    pod: (name) => handle(validatePodName(name)),
    discovery: (self) => createDiscovery(self, deps, weakNotify),
    startOrchestrator: orchestrators.startOrchestrator,
    async stop() {
      if (stopped) return;
      stopped = true;
      // xstate refuses `stop()` on an actor with a parent; its own stop event is what stopChild uses.
      for (const ref of pods.values()) ref.send({ type: 'xstate.stop' } as unknown as PodEvent);
      root.stop();
      options.transport?.close?.();
      stopping.abort(new RuntimeStoppedError());
      for (const [requestId, pending] of pendingEnsures) {
        pending.resolve({ requestId, ok: false, error: new RuntimeStoppedError() });
      }
      pendingEnsures.clear();
    },
  };
}

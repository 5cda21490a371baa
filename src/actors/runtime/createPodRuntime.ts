import {
  createActor,
  fromPromise,
  toPromise,
  type Actor,
  type AnyActorLogic,
  type AnyActorRef,
  type InputFrom,
  type InspectionEvent,
  type Observer,
} from 'xstate';
import { RuntimeStoppedError } from '../../core/errors.js';
import { errorLine } from '../../core/text.js';
import type { NoticeJournal, PeerRelation, PodLiveness, PodMetadataStore, PodTransport } from '../../core/types.js';
import { validatePodName } from '../../core/validatePodName.js';
import {
  DISCOVERY_SYSTEM_ID,
  discoveryMachine,
  type PeerEnsureInput,
  type PeerEnsureReply,
  type PeerEnsureRequest,
  type WeakNotifyDecidedEvent,
} from '../../machines/discoveryMachine.js';
import { runtimeMachine, type ActorFailure } from '../../machines/runtimeMachine.js';
import { createMemoryPodStore } from '../stores/createMemoryPodStore.js';
import { createDiagnostics, type Diagnostics } from './createDiagnostics.js';
import { createDecisionReporter } from './createDecisionReporter.js';
import { createDiscovery, type PodDiscovery } from './createDiscovery.js';
import type { PodHandle, TurnHandler } from './createPodHandle.js';
import { createPodSet } from './createPodSet.js';
import { createWeakNotify } from './createWeakNotify.js';
import { ensureExistingPeer, ensurePeerResult } from './ensureExistingPeer.js';
import { preparePodRecord, type SpawnPodOptions } from './preparePodRecord.js';
import { removePod, type RemovedPod, type RemovePodOptions } from './removePod.js';
import { stopMember } from './stopMember.js';
import { unregisterPeer } from './unregisterPeer.js';
import { withTimeout, type TimerClock } from './withTimeout.js';

export type { SpawnPodOptions } from './preparePodRecord.js';
export type { RemovedPod, RemovePodOptions } from './removePod.js';
export type { TurnArgs, TurnHandler } from './createPodHandle.js';

/** A clock as xstate takes it, plus the current time for diagnostics. */
export type RuntimeClock = TimerClock & { now(): number };

/** Options of {@link createPodRuntime}; every one has a default. */
export interface PodRuntimeOptions {
  /** Metadata store; default an in-memory one. */
  readonly store?: PodMetadataStore;
  /** An xstate inspection observer: sees every pod, the discovery actor, every actor started in the system, and decisions. */
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
  /**
   * Keeps every pod's accepted notices until a turn consumes them, so they outlive the process: a
   * notice is acknowledged (a notify is `delivered`) only once it is durable, and a pod spawned again
   * starts with the queue it had (docs/behaviour.md §3). Default none: notices live in memory.
   */
  readonly journal?: NoticeJournal;
}

/** Options of {@link PodRuntime.startActor}. */
export interface StartActorOptions<TLogic extends AnyActorLogic> {
  /** The actor's id (default xstate's). */
  readonly id?: string;
  /** Registers the actor under this id, for `system.get`. */
  readonly systemId?: string;
  readonly input?: InputFrom<TLogic>;
}

/** A podmesh runtime: one xstate actor system holding its pods. */
export interface PodRuntime {
  readonly store: PodMetadataStore;
  /** The runtime's diagnostics: `record` one, the `recent()` records, the `count()` of all ever made, and per `levels()`. */
  readonly diagnostics: Pick<Diagnostics, 'record' | 'recent' | 'count' | 'levels'>;
  /** The root actor of the runtime's actor system. */
  readonly actor: Actor<typeof runtimeMachine>;
  /** Creates the pod's record if absent and runs its actor (`live.idle`). */
  spawnPod(options: SpawnPodOptions): Promise<PodHandle>;
  /**
   * Spawns many pods in order (all names are validated first); the way to
   * start thousands. `onProgress` is called after each pod.
   */
  spawnPods(spawns: readonly SpawnPodOptions[], options?: { readonly onProgress?: (done: number, total: number) => void }): Promise<void>;
  /**
   * Removes a stopped pod's record and its relations (docs/behaviour.md §4,
   * "Removing pods and relations"): `pod-running` when this runtime runs it or
   * its transport reports it live or unreachable, `state-missing` without a
   * record, `notices-pending` while it holds accepted notices unless
   * `discardNotices`. Every record that lists it is cleared first, the record is
   * deleted last, so a crash leaves what the next `removePod` finishes.
   */
  removePod(name: string, options?: RemovePodOptions): Promise<RemovedPod>;
  /** The handle of a pod this runtime runs, else `undefined`. */
  pod(name: string): PodHandle | undefined;
  /** The discovery view of `self`. */
  discovery(self: string): PodDiscovery;
  /**
   * Starts an actor in the runtime's system, beside the pods (its parent is
   * the root actor, so an inspector sees it), and stops it with the runtime.
   * How clients of the runtime (an orchestrator, say) join it.
   */
  startActor<TLogic extends AnyActorLogic>(logic: TLogic, options?: StartActorOptions<TLogic>): Actor<TLogic>;
  /** Stops an actor started with {@link PodRuntime.startActor} (xstate refuses `stop()` on a member of a system). */
  stopActor(actor: AnyActorRef): void;
  /**
   * Stops every pod and every actor of the system and closes the transport.
   * Afterwards `startActor` throws `RuntimeStoppedError`, `spawnPod`,
   * `spawnPods` and every ensure reject with it (one still running too), and
   * a weak notify answers `skipped-not-live`; reads (`pod`, `discovery`'s
   * inspections) go on answering.
   */
  stop(): Promise<void>;
  /**
   * With an inspector attached, decisions reach the discovery actor in
   * batches (`weakNotify.decisions`, at the next turn of the event loop or
   * every 64); this sends the waiting ones now. Without one it does nothing.
   */
  flushDecisions(): void;
}

const defaultTurn: TurnHandler = () => undefined;

// What every pod is once its runtime stopped: a notify then skips it instead of sending to a stopped actor.
const RUNTIME_STOPPED: PodLiveness = Object.freeze({ status: 'stopped', reason: 'the podmesh runtime is stopped' });

/** Creates a runtime (docs/behaviour.md §3–8). */
export function createPodRuntime(options: PodRuntimeOptions = {}): PodRuntime {
  const store = options.store ?? createMemoryPodStore();
  const { clock, transport } = options;
  const diagnostics: Diagnostics = createDiagnostics({
    ...(options.diagnosticsLimit === undefined ? {} : { limit: options.diagnosticsLimit }),
    ...(clock === undefined ? {} : { now: () => clock.now() }),
  });
  const turn = options.turn ?? defaultTurn;
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 5000;
  let stopped = false;
  const assertRunning = (): void => {
    if (stopped) throw new RuntimeStoppedError();
  };

  // Ensures that actors ask for with `peer.ensure` answer as data (see discoveryMachine).
  const root = createActor(
    runtimeMachine.provide({
      actions: {
        reportActorFailure: (_, { actorId, error }: ActorFailure) =>
          diagnostics.record('warn', 'runtime', 'an actor of the runtime failed; the runtime goes on', {
            actor: actorId,
            error: errorLine(error),
          }),
      },
      actors: {
        discovery: discoveryMachine.provide({
          actors: {
            ensurePeer: fromPromise<PeerEnsureReply, PeerEnsureRequest>(async ({ input }) => ({
              replyTo: input.replyTo,
              result: await ensurePeerResult(store, input.self, input.peer, input.mode),
            })),
          },
        }),
      },
    }),
    {
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
      ...(clock === undefined ? {} : { clock }),
    },
  );
  root.start();
  const discoveryActor = root.system.get(DISCOVERY_SYSTEM_ID) as AnyActorRef;

  // The runtime's own pods, and every other actor it started, for stopping them
  // (they are members of root's system, not its spawned children).
  const pods = createPodSet({
    root,
    diagnostics,
    turn,
    input: { bufferSize: options.notifyBufferSize, historyLimit: options.historyLimit },
    ...(options.journal === undefined ? {} : { journal: options.journal }),
  });
  const started = new Set<AnyActorRef>();

  /** Starts `logic` as a member of the system under `parent`; it is stopped with the runtime. */
  const join = <TLogic extends AnyActorLogic>(logic: TLogic, parent: AnyActorRef, start: StartActorOptions<TLogic> = {}): Actor<TLogic> => {
    assertRunning();
    const actor = createActor(logic, { ...start, parent } as Parameters<typeof createActor<TLogic>>[1]);
    started.add(actor);
    actor.subscribe({ complete: () => started.delete(actor), error: () => started.delete(actor) });
    actor.start();
    return actor;
  };

  // An ensure asked for by a caller rather than an actor runs as an actor of the
  // discovery actor too (an inspector sees it), and rejects with its typed error.
  const publicEnsure = fromPromise<PeerRelation | null, PeerEnsureInput>(({ input }) =>
    ensureExistingPeer(store, input.self, input.peer, input.mode),
  );
  const ensure = async (self: string, peer: string, mode: PeerEnsureInput['mode']): Promise<PeerRelation | null> => {
    const actor = join(publicEnsure, discoveryActor, { input: { self, peer, mode } });
    const relation = await toPromise(actor);
    // Stopped with the runtime before it finished: the caller must not take that for an answer.
    if (actor.getSnapshot().status !== 'done') throw new RuntimeStoppedError();
    return relation;
  };

  const liveness = (name: string): PodLiveness | Promise<PodLiveness> => {
    if (stopped) return RUNTIME_STOPPED;
    const ref = pods.ref(name);
    if (ref !== undefined) return pods.liveness(ref);
    if (transport === undefined) return { status: 'stopped' };
    return Promise.resolve(transport.probe(name)).then((live) => live ?? { status: 'stopped' });
  };

  const deliver = (name: string, message: string, autoRun: boolean, from: string): void | Promise<void> => {
    const ref = pods.ref(name);
    if (ref !== undefined) return pods.deliver(ref, name, message, autoRun);
    if (transport === undefined) throw new Error('no transport serves this pod');
    return withTimeout(Promise.resolve(transport.notify(name, message, { autoRun, from })), deliveryTimeoutMs, clock);
  };

  // Decisions go to the discovery actor in batches: an actor event per notify would double an inspected notify's cost.
  const decisions = options.inspect === undefined ? undefined : createDecisionReporter((event) => discoveryActor.send(event));

  const notify = createWeakNotify({
    store,
    diagnostics,
    liveness,
    deliver,
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
    // Every decision, to the discovery actor: the event is what an inspector shows.
    ...(decisions === undefined ? {} : { report: (event: WeakNotifyDecidedEvent) => decisions.report(event) }),
  });

  /** The queue a pod spawned anew starts with: what its journal kept, if the runtime keeps one. */
  const restoredQueue = async (name: string): Promise<readonly string[]> => {
    if (options.journal === undefined || pods.ref(name) !== undefined) return [];
    const { queue, skipped } = await options.journal.load(name);
    if (skipped > 0) {
      diagnostics.record('warn', 'pod', 'skipped damaged entries of the notice journal', { pod: name, outcome: `skipped ${skipped}` });
    }
    return queue;
  };

  const validateSpawn = (spawn: SpawnPodOptions): void => {
    validatePodName(spawn.name);
    if (spawn.parent !== undefined) validatePodName(spawn.parent);
  };

  return {
    store,
    // Only the public part: the hot-path `recordOwned` and `clear` stay inside.
    diagnostics: { record: diagnostics.record, recent: diagnostics.recent, count: diagnostics.count, levels: diagnostics.levels },
    actor: root,
    async spawnPod(spawn) {
      assertRunning();
      validateSpawn(spawn);
      await preparePodRecord(store, spawn);
      const restored = await restoredQueue(spawn.name);
      assertRunning();
      pods.run(spawn.name, restored);
      return pods.handle(spawn.name)!;
    },
    async spawnPods(spawns, { onProgress } = {}) {
      assertRunning();
      spawns.forEach(validateSpawn);
      let done = 0;
      for (const spawn of spawns) {
        await preparePodRecord(store, spawn);
        const restored = options.journal === undefined ? undefined : await restoredQueue(spawn.name);
        assertRunning();
        pods.run(spawn.name, restored);
        onProgress?.(++done, spawns.length);
      }
    },
    async removePod(name, remove) {
      assertRunning();
      const { journal } = options;
      return removePod({ store, diagnostics, pods, ...(transport === undefined ? {} : { transport }), ...(journal === undefined ? {} : { journal }) }, name, remove);
    },
    pod: (name) => pods.handle(validatePodName(name)),
    discovery: (self) =>
      createDiscovery(self, {
        store,
        liveness,
        ensure,
        notify,
        unregister: async (source, peer) => (assertRunning(), unregisterPeer(store, source, peer)),
      }),
    startActor: (logic, options) => join(logic, root, options),
    stopActor(actor) {
      if (started.has(actor)) stopMember(actor);
    },
    flushDecisions: () => decisions?.flush(),
    async stop() {
      if (stopped) return;
      stopped = true;
      // The waiting decisions first, while the discovery actor still runs.
      decisions?.flush();
      pods.stop();
      for (const actor of started) stopMember(actor);
      root.stop();
      transport?.close?.();
      await options.journal?.close?.();
    },
  };
}

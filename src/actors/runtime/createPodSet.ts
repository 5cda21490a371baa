import { createActor, initialTransition, type AnyActorRef, type Snapshot } from 'xstate';
import { errorLine } from '../../core/text.js';
import type { NoticeJournal, PodLiveness } from '../../core/types.js';
import { renderNotice, type PodContext, type PodInput } from '../../machines/podMachine.js';
import type { Diagnostics } from './createDiagnostics.js';
import { createPodHandle, livenessOf, notifyPodActor, type PodActorRef, type PodHandle, type TurnHandler } from './createPodHandle.js';
import { journalPodQueue, type PodQueueJournal } from './journalPodQueue.js';
import { stopMember } from './stopMember.js';
import { wirePodMachine } from './wirePodMachine.js';

/** The pods a runtime runs: their actors, handles, and (with a journal) their durable queues. */
export interface PodSet {
  /** The pod's actor, or `undefined` when this runtime does not run it. */
  ref(name: string): PodActorRef | undefined;
  handle(name: string): PodHandle | undefined;
  liveness(ref: PodActorRef): PodLiveness;
  /** Puts a notice into `ref`, the actor of pod `name` (see `PodHandle.receive`). */
  deliver(ref: PodActorRef, name: string, message: string, autoRun: boolean): void | Promise<void>;
  /** Runs the pod's actor, or starts it again if it was stopped; a new actor starts with `restored` queued. */
  run(name: string, restored?: readonly string[]): PodActorRef;
  /** Stops the pod's actor and forgets it (its record is being removed); a later `run` starts a new one. */
  forget(name: string): void;
  /** Stops every pod actor and stops following their queues. */
  stop(): void;
}

/** What the pods of a runtime share. */
export interface PodSetOptions {
  readonly root: AnyActorRef;
  readonly diagnostics: Diagnostics;
  readonly turn: TurnHandler;
  readonly input: PodInput;
  readonly journal?: NoticeJournal;
}

/** Creates the pod set of one runtime. */
export function createPodSet({ root, diagnostics, turn, input, journal }: PodSetOptions): PodSet {
  const pods = new Map<string, PodActorRef>();
  const queues = new Map<string, PodQueueJournal>();

  const handle = (name: string): PodHandle | undefined => {
    const ref = pods.get(name);
    return ref === undefined ? undefined : createPodHandle(name, ref, queues.get(name)?.settled);
  };

  const wiredPod = wirePodMachine(diagnostics, async (turnInput, signal) => {
    const pod = handle(turnInput.pod);
    if (pod !== undefined) await turn({ pod, input: turnInput.input, notices: turnInput.notices, signal });
  });
  // Every pod starts in the same state with only its name differing, so the
  // initial transition is computed once and each pod starts from a copy of it
  // (a third cheaper than computing it per pod at 100,000 pods).
  const template = wiredPod.getPersistedSnapshot(initialTransition(wiredPod, input)[0]) as Snapshot<unknown> & { context: PodContext };
  // Shared by every pod until its first change (xstate's assign never mutates a context).
  Object.freeze(template.context);

  /**
   * The template with `restored` in the buffer. Past its capacity (a turn's notices and a full
   * buffer came back together) the oldest go, counted in `dropped`, as an overflow would.
   */
  const restoredSnapshot = (restored: readonly string[]): Snapshot<unknown> => {
    const buffer = restored.slice(-template.context.bufferSize).map(renderNotice);
    const dropped = restored.length - buffer.length;
    return { ...template, context: { ...template.context, buffer, dropped } } as unknown as Snapshot<unknown>;
  };

  return {
    ref: (name) => pods.get(name),
    handle,
    liveness: (ref) => livenessOf(ref.getSnapshot()),
    // The notify path: no handle object per notice.
    deliver: (ref, name, message, autoRun) => notifyPodActor(ref, message, autoRun, queues.get(name)?.settled),
    run(name, restored = []) {
      let ref = pods.get(name);
      if (ref === undefined) {
        // The pod's name is its actor id. No systemId: xstate registers one with a Map and a
        // WeakMap entry per actor, and the runtime's own map already finds pods.
        // `input` is ignored when a snapshot is given; the types ask for it.
        const snapshot = restored.length === 0 ? template : restoredSnapshot(restored);
        ref = createActor(wiredPod, { parent: root, id: name, snapshot, input });
        pods.set(name, ref);
        if (journal !== undefined) {
          const { buffer: initial, dropped } = ref.getSnapshot().context;
          if (dropped > 0) {
            diagnostics.record('warn', 'pod', 'restored more notices than the buffer holds; the oldest were dropped', {
              pod: name,
              outcome: `dropped ${dropped}`,
            });
          }
          queues.set(
            name,
            // The journal holds `restored`: the drop is journaled as the drop it is.
            journalPodQueue(journal, name, ref, { initial, dropped }, (error) =>
              diagnostics.record('warn', 'pod', 'could not write the notice journal; notices since may not survive a crash', {
                pod: name,
                error: errorLine(error),
              }),
            ),
          );
        }
        ref.start();
      } else if (livenessOf(ref.getSnapshot()).status === 'stopped') {
        ref.send({ type: 'pod.start' });
      }
      return ref;
    },
    forget(name) {
      const ref = pods.get(name);
      if (ref === undefined) return;
      queues.get(name)?.stop();
      queues.delete(name);
      pods.delete(name);
      stopMember(ref);
    },
    stop() {
      for (const queue of queues.values()) queue.stop();
      for (const ref of pods.values()) stopMember(ref);
    },
  };
}

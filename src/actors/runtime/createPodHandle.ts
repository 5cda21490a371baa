import type { ActorRefFrom, SnapshotFrom } from 'xstate';
import { PodmeshError } from '../../core/errors.js';
import type { PodActivity, PodLiveness, PodStatus } from '../../core/types.js';
import type { PodHistoryItem, podMachine } from '../../machines/podMachine.js';

/** What a turn handler receives (docs/behaviour.md §3). */
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

/** A pod's actor as the runtime runs it. */
export type PodActorRef = ActorRefFrom<typeof podMachine>;

/** A running pod, as `runtime.pod(name)` returns it (docs/behaviour.md §3). */
export interface PodHandle {
  readonly name: string;
  readonly status: PodStatus;
  /** What it does while live, else `undefined`. */
  readonly activity: PodActivity | undefined;
  /** The xstate actor, for inspection and subscriptions. */
  readonly actor: PodActorRef;
  /** Status, activity and (when not live) the reason. */
  liveness(): PodLiveness;
  /**
   * Puts a notice that arrived for this pod into its buffer, as a transport's
   * receiving end does, and returns once the pod accepted it (the
   * acknowledgement). Throws when it did not: the pod is not live. Called
   * while the pod's actor is busy, it answers with a promise instead. Senders
   * use `discovery(self).sendWeakNotifyToLivePeer`, which checks first.
   */
  receive(message: string, options: { readonly autoRun: boolean }): void | Promise<void>;
  /** Rendered notices waiting in the buffer, oldest first. */
  pendingNotices(): readonly string[];
  /** The last completed or failed turns (bounded). */
  history(): readonly PodHistoryItem[];
  /** Starts a turn with `input` (queued behind a running one). */
  run(input?: unknown): void;
  /** Pauses; a running turn is aborted and its notices go back to the buffer. */
  pause(): void;
  resume(): void;
  /** Stops; a running turn is aborted, queued notices are kept. */
  stop(): void;
  /** Starts a stopped or unreachable pod again (`live.idle`). */
  start(): void;
  /** Marks a fault: the pod exists but cannot be reached. */
  disconnect(reason?: string): void;
  reconnect(): void;
}

// The liveness of every state without a reason, shared: a probe on the notify path allocates nothing.
const SHARED: Readonly<Record<string, PodLiveness>> = Object.freeze({
  idle: Object.freeze({ status: 'live', activity: 'idle' }),
  running: Object.freeze({ status: 'live', activity: 'running' }),
  paused: Object.freeze({ status: 'live', activity: 'paused' }),
  stopped: Object.freeze({ status: 'stopped' }),
  unreachable: Object.freeze({ status: 'unreachable' }),
});

/** Liveness read off a pod snapshot. */
export function livenessOf(snapshot: SnapshotFrom<typeof podMachine>): PodLiveness {
  const value = snapshot.value;
  if (typeof value === 'string') {
    const reason = snapshot.context.reason;
    return reason === undefined ? SHARED[value]! : { status: value, reason };
  }
  return SHARED[value.live]!;
}

/**
 * A handle over a pod actor: getters read its snapshot, methods send it
 * events. With `durable` (the runtime keeps a notice journal), `receive`
 * resolves only once the accepted notice is on disk too.
 */
export function createPodHandle(name: string, actor: PodActorRef, durable?: () => Promise<void>): PodHandle {
  return {
    name,
    actor,
    get status() {
      const value = actor.getSnapshot().value;
      return typeof value === 'string' ? value : 'live';
    },
    get activity() {
      const value = actor.getSnapshot().value;
      return typeof value === 'string' ? undefined : value.live;
    },
    liveness: () => livenessOf(actor.getSnapshot()),
    receive: (message, { autoRun }) => notifyPodActor(actor, message, autoRun, durable),
    pendingNotices: () => actor.getSnapshot().context.buffer,
    history: () => actor.getSnapshot().context.history,
    run: (input) => actor.send({ type: 'pod.run', input }),
    pause: () => actor.send({ type: 'pod.pause' }),
    resume: () => actor.send({ type: 'pod.resume' }),
    stop: () => actor.send({ type: 'pod.stop' }),
    start: () => actor.send({ type: 'pod.start' }),
    disconnect: (reason) => actor.send(reason === undefined ? { type: 'pod.disconnect' } : { type: 'pod.disconnect', reason }),
    reconnect: () => actor.send({ type: 'pod.reconnect' }),
  };
}

const notLive = (ref: PodActorRef): PodmeshError =>
  new PodmeshError('pod-not-live', `notice not accepted: pod is ${livenessOf(ref.getSnapshot()).status}`);

/**
 * Queues a notice in a pod actor and returns once the actor accepted it: in
 * process, that is the acknowledgement. Throws when it did not (not live).
 * Called while the actor is busy (from one of its own subscribers, say), the
 * event waits in xstate's mailbox until the actor is done, so the answer is a
 * promise settled on the next microtask, once the mailbox has been worked off.
 * With `durable` (the runtime keeps a notice journal) it resolves only once
 * `durable()` did too: the accepted notice is on disk.
 */
export function notifyPodActor(ref: PodActorRef, message: string, autoRun: boolean, durable?: () => Promise<void>): void | Promise<void> {
  const before = ref.getSnapshot().context.accepted;
  ref.send({ type: 'pod.notify', message, autoRun });
  if (ref.getSnapshot().context.accepted !== before) return durable?.();
  if (ref.getSnapshot().value === 'stopped' || ref.getSnapshot().value === 'unreachable') throw notLive(ref);
  const accepted = new Promise<void>((resolve, reject) =>
    queueMicrotask(() => (ref.getSnapshot().context.accepted !== before ? resolve() : reject(notLive(ref)))),
  );
  return durable === undefined ? accepted : accepted.then(durable);
}

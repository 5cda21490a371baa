import { assertEvent, assign, fromPromise, setup } from 'xstate';

/**
 * How a pod was created; `bufferSize` and `historyLimit` bound its memory. The
 * pod's name is its actor's id, not context: every idle pod can then share one
 * context object, which matters at 100,000 pods.
 */
export interface PodInput {
  readonly bufferSize?: number;
  readonly historyLimit?: number;
}

/** One completed or failed turn, as kept in the pod's bounded history. */
export interface PodHistoryItem {
  readonly turn: number;
  readonly input: unknown;
  readonly notices: readonly string[];
  readonly ok: boolean;
}

/** JSON-safe context of a pod actor. */
export interface PodContext {
  readonly bufferSize: number;
  readonly historyLimit: number;
  /** Rendered notices waiting for a turn, oldest first. */
  readonly buffer: readonly string[];
  /** Notices handed to the running turn; they go back to the buffer if it does not complete. */
  readonly turnNotices: readonly string[];
  /** Inputs of `pod.run` events waiting for their turn. */
  readonly inputs: readonly unknown[];
  /** Input of the running turn. */
  readonly turnInput: unknown;
  /** An autoRun notice asked for a turn while one could not start (a `pod.run` waits in `inputs`). */
  readonly runRequested: boolean;
  /** Count of notices ever accepted: the in-process acknowledgement of a notify. */
  readonly accepted: number;
  /** Count of notices dropped because the buffer was full. */
  readonly dropped: number;
  readonly turns: number;
  readonly history: readonly PodHistoryItem[];
  readonly reason?: string;
}

/** Events a pod understands. */
export type PodEvent =
  | { type: 'pod.notify'; message: string; autoRun: boolean }
  | { type: 'pod.run'; input?: unknown }
  | { type: 'pod.pause' }
  | { type: 'pod.resume' }
  | { type: 'pod.stop' }
  | { type: 'pod.start' }
  | { type: 'pod.disconnect'; reason?: string }
  | { type: 'pod.reconnect' };

/** What the `runTurn` actor receives. */
export interface TurnInput {
  readonly pod: string;
  readonly turn: number;
  readonly input: unknown;
  readonly notices: readonly string[];
}

/** Facts about an overflow, handed to the `reportOverflow` action. */
export interface OverflowReport {
  /** Notices dropped (oldest first); 0 when nothing had to go. */
  readonly dropped: number;
  readonly bufferSize: number;
  /** A notice that arrived, or an interrupted turn's notices put back in front of the buffer. */
  readonly cause: 'notify' | 'requeue';
}

// One shared empty list for every idle pod: 100,000 pods must not hold 500,000 empty arrays.
const EMPTY: readonly never[] = Object.freeze([]);

/** Notices a pod's buffer holds before the oldest is dropped. */
export const DEFAULT_NOTIFY_BUFFER_SIZE = 128;
/** Turns a pod's history keeps. */
export const DEFAULT_HISTORY_LIMIT = 1000;

const NOTICE_HEADER = '[Notification]\n';

/** How a notice looks to the turn that drains it (docs/behaviour.md §3). */
export function renderNotice(message: string): string {
  return `${NOTICE_HEADER}${message}`;
}

/** The message a rendered notice was made from (the inverse of {@link renderNotice}). */
export function noticeMessage(rendered: string): string {
  return rendered.startsWith(NOTICE_HEADER) ? rendered.slice(NOTICE_HEADER.length) : rendered;
}

/** A pod's queue as it must outlive the process: the running turn's notices (not consumed yet), then the buffer. */
export function pendingQueue(context: Pick<PodContext, 'turnNotices' | 'buffer'>): readonly string[] {
  return context.turnNotices.length === 0 ? context.buffer : [...context.turnNotices, ...context.buffer];
}

function keepNewest<T>(items: readonly T[], limit: number): readonly T[] {
  return items.length > limit ? items.slice(items.length - limit) : items;
}

const reportOverflow = {
  type: 'reportOverflow',
  params: ({ context }: { context: PodContext }): OverflowReport => ({ dropped: 1, bufferSize: context.bufferSize, cause: 'notify' }),
} as const;

// Measured before `requeueTurnNotices` runs: what putting the turn's notices back will drop.
const reportRequeueOverflow = {
  type: 'reportOverflow',
  params: ({ context }: { context: PodContext }): OverflowReport => ({
    dropped: Math.max(0, context.turnNotices.length + context.buffer.length - context.bufferSize),
    bufferSize: context.bufferSize,
    cause: 'requeue',
  }),
} as const;

// What a failed turn does, whether another turn follows or the pod goes idle.
const turnFailed = [
  'recordFailedTurn',
  {
    type: 'reportTurnFailure',
    params: ({ context, event }: { context: PodContext; event: { error: unknown } }) => ({ turn: context.turns, error: event.error }),
  },
  reportRequeueOverflow,
  'requeueTurnNotices',
] as const;

/**
 * A pod: `live` (`idle`, `running`, `paused`), `stopped` or `unreachable`,
 * with a bounded notify buffer. A turn is the `runTurn` actor, provided by the
 * runtime; leaving `running` before it completes stops it (aborting its
 * signal) and puts its notices back at the front of the buffer.
 */
export const podMachine = setup({
  types: {
    input: {} as PodInput,
    context: {} as PodContext,
    events: {} as PodEvent,
  },
  actors: {
    // Placeholder; the runtime provides the user's turn handler.
    runTurn: fromPromise<void, TurnInput>(async () => undefined),
  },
  actions: {
    queueNotice: assign(({ context, event }) => {
      assertEvent(event, 'pod.notify');
      const buffer = keepNewest([...context.buffer, renderNotice(event.message)], context.bufferSize);
      const dropped = context.buffer.length + 1 - buffer.length;
      return {
        buffer,
        accepted: context.accepted + 1,
        dropped: context.dropped + dropped,
        runRequested: context.runRequested || event.autoRun,
      };
    }),
    queueInput: assign(({ context, event }) => {
      assertEvent(event, 'pod.run');
      return { inputs: [...context.inputs, event.input] };
    }),
    takeTurnNotices: assign(({ context }) => ({
      turnNotices: context.buffer,
      turnInput: context.inputs[0],
      buffer: EMPTY,
      inputs: context.inputs.slice(1),
      runRequested: false,
      turns: context.turns + 1,
    })),
    recordTurn: assign(({ context }) => ({
      history: keepNewest(
        [...context.history, { turn: context.turns, input: context.turnInput, notices: context.turnNotices, ok: true }],
        context.historyLimit,
      ),
      turnNotices: EMPTY,
      turnInput: undefined,
    })),
    recordFailedTurn: assign(({ context }) => ({
      history: keepNewest(
        [...context.history, { turn: context.turns, input: context.turnInput, notices: context.turnNotices, ok: false }],
        context.historyLimit,
      ),
    })),
    requeueTurnNotices: assign(({ context }) => {
      const merged = [...context.turnNotices, ...context.buffer];
      const buffer = keepNewest(merged, context.bufferSize);
      return { buffer, turnNotices: EMPTY, dropped: context.dropped + merged.length - buffer.length };
    }),
    rememberReason: assign(({ event }) => {
      assertEvent(event, 'pod.disconnect');
      return { reason: event.reason ?? 'disconnected' };
    }),
    forgetReason: assign({ reason: undefined }),
    // Named no-op; the runtime provides one that records a warn diagnostic.
    reportOverflow: (_, _report: OverflowReport) => {},
    reportTurnFailure: (_, _failure: { turn: number; error: unknown }) => {},
  },
  guards: {
    // A queued input is a turn asked for, whatever else happened since.
    wantsRun: ({ context }) => context.runRequested || context.inputs.length > 0,
    isAutoRun: ({ event }) => event.type === 'pod.notify' && event.autoRun,
    willOverflow: ({ context }) => context.buffer.length >= context.bufferSize,
    isAutoRunOverflowing: ({ context, event }) =>
      event.type === 'pod.notify' && event.autoRun && context.buffer.length >= context.bufferSize,
  },
}).createMachine({
  id: 'pod',
  context: ({ input }) => ({
    bufferSize: Math.max(1, input.bufferSize ?? DEFAULT_NOTIFY_BUFFER_SIZE),
    historyLimit: Math.max(0, input.historyLimit ?? DEFAULT_HISTORY_LIMIT),
    buffer: EMPTY,
    turnNotices: EMPTY,
    inputs: EMPTY,
    turnInput: undefined,
    runRequested: false,
    accepted: 0,
    dropped: 0,
    turns: 0,
    history: EMPTY,
  }),
  initial: 'live',
  states: {
    live: {
      initial: 'idle',
      on: {
        'pod.notify': [{ guard: 'willOverflow', actions: ['queueNotice', reportOverflow] }, { actions: 'queueNotice' }],
        'pod.stop': { target: 'stopped' },
        'pod.disconnect': { target: 'unreachable', actions: 'rememberReason' },
      },
      states: {
        idle: {
          on: {
            // A weak notice falls through to live's handler: queued, still idle.
            'pod.notify': [
              { guard: 'isAutoRunOverflowing', target: 'running', actions: ['queueNotice', reportOverflow] },
              { guard: 'isAutoRun', target: 'running', actions: 'queueNotice' },
            ],
            'pod.run': { target: 'running', actions: 'queueInput' },
            'pod.pause': { target: 'paused' },
          },
        },
        running: {
          entry: 'takeTurnNotices',
          invoke: {
            src: 'runTurn',
            input: ({ context, self }) => ({
              pod: self.id,
              turn: context.turns,
              input: context.turnInput,
              notices: context.turnNotices,
            }),
            // No `always` on idle: eventless transitions are re-checked on every event, notifies included.
            onDone: [
              { guard: 'wantsRun', target: 'running', reenter: true, actions: 'recordTurn' },
              { target: 'idle', actions: 'recordTurn' },
            ],
            onError: [
              { guard: 'wantsRun', target: 'running', reenter: true, actions: turnFailed },
              { target: 'idle', actions: turnFailed },
            ],
          },
          on: {
            'pod.run': { actions: 'queueInput' },
            'pod.pause': { target: 'paused', actions: [reportRequeueOverflow, 'requeueTurnNotices'] },
            'pod.stop': { target: '#pod.stopped', actions: [reportRequeueOverflow, 'requeueTurnNotices'] },
            'pod.disconnect': { target: '#pod.unreachable', actions: [reportRequeueOverflow, 'requeueTurnNotices', 'rememberReason'] },
          },
        },
        paused: {
          on: {
            'pod.resume': [{ guard: 'wantsRun', target: 'running' }, { target: 'idle' }],
            'pod.run': { target: 'running', actions: 'queueInput' },
          },
        },
      },
    },
    stopped: {
      on: {
        'pod.start': { target: 'live' },
      },
    },
    unreachable: {
      on: {
        'pod.reconnect': { target: 'live', actions: 'forgetReason' },
        'pod.start': { target: 'live', actions: 'forgetReason' },
        'pod.stop': { target: 'stopped', actions: 'forgetReason' },
      },
    },
  },
});

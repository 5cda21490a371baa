import type { PodHandle } from './createPodHandle.js';
import type { PodRuntime } from './createPodRuntime.js';
import type { PodPingResult, PodSnapshotMessage } from '../../core/podMessages.js';
import { tryStringify } from '../../core/jsonLimits.js';

/** Turns of history a `state` answer looks at (the newest). */
export const HISTORY_IN_STATE = 100;
/** UTF-8 bytes of JSON the pending notices of a `state` answer may take; the rest are counted, not sent. */
export const STATE_NOTICE_BYTES = 16 * 1024 * 1024;
/** UTF-8 bytes of JSON the history items of a `state` answer may take; the rest are sent truncated. */
export const STATE_HISTORY_BYTES = 8 * 1024 * 1024;

/** UTF-8 bytes of JSON a `state` answer may give its pending notices and its history items. */
export interface StateBudget {
  readonly noticeBytes: number;
  readonly historyBytes: number;
}

/** The budget of a `state` answer on a Unix socket (its lines hold far more). */
const DEFAULT_STATE_BUDGET: StateBudget = { noticeBytes: STATE_NOTICE_BYTES, historyBytes: STATE_HISTORY_BYTES };

/** Room a `state` answer keeps outside its budget: counters, diagnostics levels, up to 100 truncated turns, the envelope. */
export const STATE_OVERHEAD_BYTES = 64 * 1024;

/**
 * The budget of a `state` answer that must fit `maxBytes` (a NATS server's
 * `max_payload`): two thirds for notices, one third for history, as on a
 * socket, after {@link STATE_OVERHEAD_BYTES}.
 */
export function stateBudgetWithin(maxBytes: number): StateBudget {
  const room = Math.max(0, maxBytes - STATE_OVERHEAD_BYTES);
  const noticeBytes = Math.min(STATE_NOTICE_BYTES, Math.floor((room * 2) / 3));
  return { noticeBytes, historyBytes: Math.min(STATE_HISTORY_BYTES, room - noticeBytes) };
}

/** A history item too large for the budget, or one that cannot be encoded. */
export interface TruncatedHistoryItem {
  readonly turn: number;
  readonly ok: boolean;
  readonly truncated: true;
}

/** What a pod says to a client: its status and activity. */
export function snapshotOf(pod: PodHandle): PodSnapshotMessage {
  const live = pod.liveness();
  return { type: 'snapshot', name: pod.name, status: live.status, ...(live.activity === undefined ? {} : { activity: live.activity }) };
}

/** What a `ping` tells of the process serving the pod. */
export interface PodProcessFacts {
  readonly pid: number;
  /** When the pod server started, ISO 8601 (as in `process.json`). */
  readonly startedAt: string;
}

/**
 * The result of a `ping`: the snapshot, plus what an operator's `ps` shows:
 * notices queued in the buffer, notices dropped, turns run, and the serving
 * process. Counters only, so it costs the same whatever the pod holds.
 */
export function pingAnswer(pod: PodHandle, facts: PodProcessFacts): PodPingResult {
  const context = pod.actor.getSnapshot().context;
  return { ...snapshotOf(pod), queued: context.buffer.length, dropped: context.dropped, turns: context.turns, pid: facts.pid, startedAt: facts.startedAt };
}

const jsonBytes = (json: string): number => Buffer.byteLength(json);

/**
 * The result of a `state` request, bounded so that it always encodes and
 * always fits its message (at most about 25 MiB on a socket whatever the pod
 * holds; a NATS server passes a budget within its `max_payload`): pending
 * notices, oldest first, while they fit `budget.noticeBytes`
 * (`pendingNoticesOmitted` counts the others); the last
 * {@link HISTORY_IN_STATE} turns, newest kept whole while they fit
 * `budget.historyBytes`, the others (and any that cannot be encoded) as
 * `{ turn, ok, truncated: true }`.
 */
export function podStateAnswer(pod: PodHandle, runtime: PodRuntime, budget: StateBudget = DEFAULT_STATE_BUDGET): Record<string, unknown> {
  const context = pod.actor.getSnapshot().context;
  const live = pod.liveness();

  let noticeBytes = 0;
  let sent = 0;
  for (const notice of context.buffer) {
    noticeBytes += jsonBytes(JSON.stringify(notice)) + 1;
    if (noticeBytes > budget.noticeBytes) break;
    sent += 1;
  }
  const pendingNotices = sent === context.buffer.length ? context.buffer : context.buffer.slice(0, sent);

  const recent = context.history.slice(-HISTORY_IN_STATE);
  const history: unknown[] = new Array(recent.length);
  let historyBytes = 0;
  for (let i = recent.length - 1; i >= 0; i -= 1) {
    const item = recent[i]!;
    const json = tryStringify(item);
    const bytes = json === undefined ? Infinity : jsonBytes(json) + 1;
    if (historyBytes + bytes <= budget.historyBytes) {
      historyBytes += bytes;
      history[i] = item;
    } else {
      const truncated: TruncatedHistoryItem = { turn: item.turn, ok: item.ok, truncated: true };
      history[i] = truncated;
    }
  }

  return {
    ...snapshotOf(pod),
    ...(live.reason === undefined ? {} : { reason: live.reason }),
    pendingNotices,
    ...(sent === context.buffer.length ? {} : { pendingNoticesOmitted: context.buffer.length - sent }),
    accepted: context.accepted,
    dropped: context.dropped,
    turns: context.turns,
    history,
    diagnostics: runtime.diagnostics.levels(),
  };
}

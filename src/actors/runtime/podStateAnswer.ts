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
 * always fits a response line (at most about 25 MiB whatever the pod holds):
 * pending notices, oldest first, while they fit {@link STATE_NOTICE_BYTES}
 * (`pendingNoticesOmitted` counts the others); the last
 * {@link HISTORY_IN_STATE} turns, newest kept whole while they fit
 * {@link STATE_HISTORY_BYTES}, the others (and any that cannot be encoded)
 * as `{ turn, ok, truncated: true }`.
 */
export function podStateAnswer(pod: PodHandle, runtime: PodRuntime): Record<string, unknown> {
  const context = pod.actor.getSnapshot().context;
  const live = pod.liveness();

  let noticeBytes = 0;
  let sent = 0;
  for (const notice of context.buffer) {
    noticeBytes += jsonBytes(JSON.stringify(notice)) + 1;
    if (noticeBytes > STATE_NOTICE_BYTES) break;
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
    if (historyBytes + bytes <= STATE_HISTORY_BYTES) {
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

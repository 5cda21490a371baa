import type { PodView } from '../core/inspectorProtocol.js';
import type { PodContext } from '../machines/podMachine.js';

const NO_NAMES: readonly string[] = Object.freeze([]);

/** The activity a pod machine's state value names (`{ live: 'idle' }` → `idle`), else null. */
function activityOf(value: unknown): PodView['activity'] {
  if (typeof value !== 'object' || value === null) return null;
  const live = (value as { live?: unknown }).live;
  return live === 'idle' || live === 'running' || live === 'paused' ? live : null;
}

/**
 * The row of an in-process pod from its actor's snapshot: status and activity
 * from the state value, counters from the context (never the buffer itself).
 * Role, workspace, peers and children are not in the snapshot; `extra` adds them when known.
 */
export function podViewOf(name: string, snapshot: { readonly value: unknown; readonly context: PodContext }, extra: Partial<PodView> = {}): PodView {
  const { value, context } = snapshot;
  const activity = activityOf(value);
  const status: PodView['status'] = activity !== null ? 'live' : value === 'unreachable' ? 'unreachable' : value === 'stopped' ? 'stopped' : 'live';
  return {
    name,
    role: null,
    workspace: null,
    status,
    activity,
    pid: null,
    queued: context.buffer.length,
    dropped: context.dropped,
    turns: context.turns,
    peers: NO_NAMES,
    spawnedChildren: NO_NAMES,
    reason: status === 'live' ? null : (context.reason ?? null),
    ...extra,
  };
}

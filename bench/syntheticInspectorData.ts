/**
 * Synthetic inspector data for the browser rows of the bench: a home of `count`
 * pods as the protocol's PodViews (workspaces of a companion and an
 * orchestrator, workers with a peer each), and a recorded trace of the same
 * pods (header, step 0's `podmesh.pods`, then `steps` steps of a pod change and
 * a weak-notify decision each). Deterministic: no clock, no randomness.
 */
import type { DecisionEvent, PodView, TraceHeader, TraceStep } from '../src/core/inspectorProtocol.js';

const STATUSES: readonly PodView['status'][] = ['live', 'live', 'live', 'stopped', 'unreachable'];
const ACTIVITIES: readonly NonNullable<PodView['activity']>[] = ['idle', 'idle', 'running', 'paused'];

export function syntheticPod(i: number, count: number): PodView {
  const workspaces = Math.max(1, Math.floor(count / 50));
  const status = STATUSES[i % STATUSES.length]!;
  const ws = i % workspaces;
  const role = i < workspaces ? 'companion' : i < 2 * workspaces ? 'orchestrator' : 'worker';
  const name = role === 'companion' ? `ws-${ws}` : role === 'orchestrator' ? `ws-${ws}-orchestrator` : `w-${i}`;
  const peer = role === 'companion' ? `ws-${ws}-orchestrator` : role === 'orchestrator' ? `ws-${ws}` : `w-${i % 2 === 0 ? i + 1 : i - 1}`;
  return {
    name,
    role,
    workspace: `/sim/ws-${String(ws).padStart(4, '0')}`,
    status,
    activity: status === 'live' ? ACTIVITIES[i % ACTIVITIES.length]! : null,
    pid: status === 'live' ? 10_000 + i : null,
    queued: status === 'live' ? i % 7 : null,
    dropped: status === 'live' ? i % 3 : null,
    turns: status === 'live' ? i % 11 : null,
    peers: [peer],
    spawnedChildren: [],
    reason: status === 'unreachable' ? 'its socket did not answer' : null,
  };
}

export function syntheticPods(count: number): PodView[] {
  return Array.from({ length: count }, (_, i) => syntheticPod(i, count));
}

function decision(at: number, self: string, peer: string): DecisionEvent {
  return {
    type: 'podmesh.decision',
    at,
    self,
    peer,
    autoRun: false,
    state: 'delivered',
    outcome: 'delivered',
    path: ['resolvingTarget', 'resolvingVisibility', 'checkingStore', 'checkingRelation', 'checkingLiveness', 'sending', 'delivered'],
    facts: { target: true, visibility: 'peer', store: null, liveness: { status: 'live' }, sent: null },
  };
}

/** The trace as JSON lines (header first), ready to write to a file. */
export function syntheticTraceLines(count: number, steps: number, machines: Readonly<Record<string, unknown>>): string[] {
  const pods = syntheticPods(count);
  const header: TraceHeader = { format: 'podmesh-trace', version: 1, scenario: `synthetic-${count}`, seed: 1, pods: count, steps, machines };
  const lines = [JSON.stringify(header), JSON.stringify({ step: 0, at: 0, events: [{ type: 'podmesh.pods', at: 0, pods }] } satisfies TraceStep)];
  for (let step = 1; step <= steps; step += 1) {
    const at = step * 1000;
    const i = (step * 7919) % count;
    const pod = pods[i]!;
    const changed: PodView = { ...pod, activity: pod.activity === 'running' ? 'idle' : 'running', status: 'live' };
    const events: TraceStep['events'] = [
      { type: 'podmesh.step', at, step, action: `run ${pod.name}` },
      { type: 'podmesh.pod', at, pod: changed },
      decision(at, pod.name, pod.peers[0] ?? pod.name),
      { type: 'podmesh.invariant', at, step, name: 'notices-arrive', ok: true },
    ];
    lines.push(JSON.stringify({ step, at, events } satisfies TraceStep));
  }
  return lines;
}

import { formatOutcome } from '../core/formatOutcome.js';
import type { PeerEnsureOutcome } from '../machines/orchestratorMachine.js';

/** One line for an ensure outcome. */
export function describeEnsure(ensure: PeerEnsureOutcome): string {
  if (ensure.type === 'ensured') return 'peer ensured';
  if (ensure.type === 'companion-missing') return 'companion missing (nothing spawned)';
  return `ensure failed (${ensure.code ?? ensure.error})`;
}

/** "companion yoi: peer ensured; notice delivered (queued without starting a turn)" — each word once. */
export function describeHook(companion: string, hook: { readonly ensure: PeerEnsureOutcome; readonly delivery: Parameters<typeof formatOutcome>[0] }): string {
  return `companion ${companion}: ${describeEnsure(hook.ensure)}; notice ${formatOutcome(hook.delivery)}`;
}


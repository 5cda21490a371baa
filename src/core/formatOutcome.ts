import { boundLine } from './text.js';
import type { WeakNotifyOutcome } from './types.js';

/** One line of display text for a weak notify outcome (errors and reasons made one line, bounded to 200). */
export function formatOutcome(outcome: WeakNotifyOutcome): string {
  switch (outcome.type) {
    case 'delivered':
      return 'delivered (queued without starting a turn)';
    case 'skipped-missing':
      return 'skipped: no metadata for the target';
    case 'skipped-not-visible':
      return 'skipped: target not visible from the sender';
    case 'skipped-not-peer':
      return `skipped: target is visible as ${outcome.visibility}, not as a peer`;
    case 'skipped-not-live':
      return `skipped: target is ${outcome.status}${outcome.reason === undefined ? '' : ` (${boundLine(outcome.reason, 200)})`}`;
    case 'send-failed':
      return `send failed: ${boundLine(outcome.error, 200)}`;
  }
}

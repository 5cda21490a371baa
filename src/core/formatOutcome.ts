import { boundLine } from './text.js';
import type { WeakNotifyOutcome } from './types.js';

/** How the notice whose outcome is formatted was sent. */
export interface FormatOutcomeOptions {
  /** The notice asked for a turn (`notifyLivePeer(…, { autoRun: true })`); default a weak notify. */
  readonly autoRun?: boolean;
}

/**
 * One line of display text for a notify outcome (errors and reasons made one
 * line, bounded to 200). `delivered` says whether a turn was asked for, so
 * pass `{ autoRun: true }` for a notice sent with it.
 */
export function formatOutcome(outcome: WeakNotifyOutcome, options?: FormatOutcomeOptions): string {
  switch (outcome.type) {
    case 'delivered':
      return options?.autoRun === true ? 'delivered (queued; a turn was requested)' : 'delivered (queued without starting a turn)';
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

import { walkWeakNotify, type WeakNotifyDecision, type WeakNotifyGatherers } from '../../core/decideWeakNotify.js';
import { errorLine } from '../../core/text.js';
import type { PodLiveness, PodMetadata, PodMetadataStore, WeakNotifyOutcome } from '../../core/types.js';
import { isValidPodName } from '../../core/validatePodName.js';
import { visibilityOf } from '../../core/visibilityOf.js';
import type { DiagnosticFields, Diagnostics } from './createDiagnostics.js';

/** How a notify is sent: weak (`autoRun: false`, the default) or asking for a turn. */
export interface NotifyOptions {
  /** `true` queues the notice and asks the peer to run a turn: that is not a weak notify. */
  readonly autoRun?: boolean;
  /** Extra bounded fields for the notify's diagnostic (the hook passes its ticket and event). */
  readonly fields?: DiagnosticFields;
}

/** Sends `message` from `self` to `peer` under the rule of docs/behaviour.md §5; never throws. */
export type NotifyLivePeer = (self: string, peer: string, message: string, options?: NotifyOptions) => Promise<WeakNotifyOutcome>;

/** What the notify needs from its runtime. */
export interface WeakNotifyDeps {
  readonly store: PodMetadataStore;
  readonly diagnostics: Diagnostics;
  /** Liveness of any pod name; `stopped` when nothing serves it. */
  liveness(name: string): PodLiveness | Promise<PodLiveness>;
  /** Delivers a notice; returns once the target acknowledged it, throws otherwise. */
  deliver(name: string, message: string, autoRun: boolean): void | Promise<void>;
  /** Largest accepted message, in UTF-8 bytes. */
  readonly maxMessageBytes: number;
  /** Shown every decision, with its path; absent when nobody inspects. */
  readonly report?: (self: string, peer: string, decision: WeakNotifyDecision) => void;
}

/** One notify on its way: what the fact gatherers read and leave for each other. */
interface Attempt {
  readonly self: string;
  readonly peer: string;
  readonly message: string;
  readonly autoRun: boolean;
  target: PodMetadata | null;
  /** A failed read, reported by the store check after the visibility check. */
  storeError: unknown;
}

function messageProblem(message: unknown, maxBytes: number): string | undefined {
  if (typeof message !== 'string') return 'message is not a string';
  if (message.length * 3 > maxBytes && Buffer.byteLength(message, 'utf8') > maxBytes) {
    return `message is larger than ${maxBytes} bytes`;
  }
  return undefined;
}

const sent = (): null => null;
const refused = (error: unknown): string => errorLine(error);

/**
 * The notify of a runtime: the rule of `core/decideWeakNotify.ts` walked with
 * fact gatherers over the real store, liveness and transport. Facts that are
 * at hand (an in-process pod's liveness, its acknowledgement) are not awaited.
 */
export function createWeakNotify(deps: WeakNotifyDeps): NotifyLivePeer {
  const { store, diagnostics } = deps;

  const gatherers: WeakNotifyGatherers<Attempt> = {
    target(attempt) {
      if (!isValidPodName(attempt.peer)) return false;
      return store.read(attempt.peer).then(
        (record) => {
          attempt.target = record;
          return record !== null;
        },
        (error: unknown) => {
          // The record is there but unreadable: a store failure, reported after the visibility check.
          attempt.storeError = error;
          return true;
        },
      );
    },
    visibility(attempt) {
      const { self, peer } = attempt;
      if (peer === self) return visibilityOf(self, attempt.target, peer) ?? 'none';
      return store.read(self).then(
        (record) => visibilityOf(self, record, peer) ?? 'none',
        (error: unknown) => {
          attempt.storeError ??= error;
          return 'unknown' as const;
        },
      );
    },
    store: (attempt) => (attempt.storeError === undefined ? null : errorLine(attempt.storeError)),
    liveness(attempt) {
      const bounded = (live: PodLiveness): PodLiveness =>
        live.reason === undefined ? live : { ...live, reason: errorLine(live.reason) };
      const live = deps.liveness(attempt.peer);
      return live instanceof Promise ? live.then(bounded) : bounded(live);
    },
    sent(attempt) {
      const problem = messageProblem(attempt.message, deps.maxMessageBytes);
      if (problem !== undefined) return problem;
      try {
        const acknowledged = deps.deliver(attempt.peer, attempt.message, attempt.autoRun);
        return acknowledged instanceof Promise ? acknowledged.then(sent, refused) : null;
      } catch (error) {
        return refused(error);
      }
    },
  };

  const record = (attempt: Attempt, decision: WeakNotifyDecision, fields: DiagnosticFields | undefined): void => {
    const { outcome, facts } = decision;
    const quiet = outcome.type === 'delivered' || outcome.type === 'skipped-missing';
    const error = outcome.type === 'send-failed' ? outcome.error : undefined;
    const reason = facts.liveness?.reason;
    diagnostics.record(quiet ? 'debug' : 'warn', 'notify', `${attempt.autoRun ? 'notify' : 'weak notify'} ${outcome.type}`, {
      ...fields,
      self: attempt.self,
      peer: isValidPodName(attempt.peer) ? attempt.peer : '(invalid name)',
      outcome: outcome.type,
      ...(error === undefined ? {} : { error }),
      ...(reason === undefined ? {} : { reason }),
    });
  };

  return async (self, peer, message, options = {}) => {
    const attempt: Attempt = { self, peer, message, autoRun: options.autoRun === true, target: null, storeError: undefined };
    let decision: WeakNotifyDecision;
    try {
      decision = await walkWeakNotify(gatherers, attempt);
    } catch (error) {
      // Only a broken liveness probe or store double can get here; still an outcome, never a throw.
      const line = errorLine(error);
      decision = { state: 'sendFailed', outcome: { type: 'send-failed', error: line }, facts: {}, checked: 0 };
    }
    record(attempt, decision, options.fields);
    deps.report?.(self, peer, decision);
    return decision.outcome;
  };
}

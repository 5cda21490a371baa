import {
  walkWeakNotify,
  weakNotifyPath,
  WEAK_NOTIFY_OUTCOME_TYPES,
  type VisibilityFact,
  type WeakNotifyDecision,
  type WeakNotifyGatherers,
} from '../../core/decideWeakNotify.js';
import { exceedsBytes } from '../../core/exceedsBytes.js';
import { errorLine } from '../../core/text.js';
import type { PodLiveness, PodMetadata, PodMetadataStore, WeakNotifyOutcome, WeakNotifyOutcomeType } from '../../core/types.js';
import { isValidPodName } from '../../core/validatePodName.js';
import { visibilityOf } from '../../core/visibilityOf.js';
import type { WeakNotifyDecidedEvent } from '../../machines/discoveryMachine.js';
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
  /** Delivers a notice from pod `from`; returns once the target acknowledged it, throws otherwise. */
  deliver(name: string, message: string, autoRun: boolean, from: string): void | Promise<void>;
  /** Largest accepted message, in UTF-8 bytes. */
  readonly maxMessageBytes: number;
  /** Shown every decision, with its path and facts; absent when nobody inspects. */
  readonly report?: (event: WeakNotifyDecidedEvent) => void;
}

/** A decision as the discovery actor is told of it; only the facts it needed. */
function decidedEvent({ self, peer, autoRun }: Attempt, decision: WeakNotifyDecision, fields: DiagnosticFields | undefined): WeakNotifyDecidedEvent {
  const facts = Object.fromEntries(Object.entries(decision.facts).filter(([, value]) => value !== undefined));
  // The ticket a caller named (the orchestrator's ticket notices do), so an inspector can filter by it.
  const ticket = typeof fields?.ticket === 'string' ? { ticket: fields.ticket } : {};
  return { type: 'weakNotify.decided', self, peer, autoRun, state: decision.state, outcome: decision.outcome.type, path: weakNotifyPath(decision), facts, ...ticket };
}

/** One notify on its way: what the fact gatherers read and leave for each other. */
interface Attempt {
  readonly self: string;
  readonly peer: string;
  readonly message: string;
  readonly autoRun: boolean;
  /** Set once the target check found the name valid. */
  validPeer: boolean;
  target: PodMetadata | null;
  /** Where the target stands in the sender's record, read with the target. */
  visibility: VisibilityFact;
  /** A failed read, reported by the store check after the visibility check. */
  storeError: unknown;
}

/** The visibility of the target in the sender's record. */
function rememberVisibility(attempt: Attempt, selfRecord: PodMetadata | null): void {
  attempt.visibility = visibilityOf(attempt.self, selfRecord, attempt.peer) ?? 'none';
}

/** The sender's record could not be read: its visibility is unknown, a store failure. */
function visibilityUnknown(attempt: Attempt, error: unknown): void {
  attempt.storeError ??= error;
  attempt.visibility = 'unknown';
}

function messageProblem(message: unknown, maxBytes: number): string | undefined {
  if (typeof message !== 'string') return 'message is not a string';
  return exceedsBytes(message, maxBytes) ? `message is larger than ${maxBytes} bytes` : undefined;
}

// One message per kind of notify and outcome, made once.
const MESSAGES = Object.fromEntries(
  (['notify', 'weak notify'] as const).map((kind) => [kind, Object.fromEntries(WEAK_NOTIFY_OUTCOME_TYPES.map((type) => [type, `${kind} ${type}`]))]),
) as Record<'notify' | 'weak notify', Record<WeakNotifyOutcomeType, string>>;

const accepted = (): null => null;
const refused = (error: unknown): string => errorLine(error);
const boundedLiveness = (live: PodLiveness): PodLiveness => (live.reason === undefined ? live : { ...live, reason: errorLine(live.reason) });

/**
 * The notify of a runtime: the rule of `core/decideWeakNotify.ts` walked with
 * fact gatherers over the real store, liveness and transport. Facts that are
 * at hand (an in-process pod's liveness, its acknowledgement) are not awaited.
 */
export function createWeakNotify(deps: WeakNotifyDeps): NotifyLivePeer {
  const { store, diagnostics } = deps;

  // Methods, not closures made per call: a notify allocates only its attempt and facts.
  const gatherers: WeakNotifyGatherers<Attempt> = {
    // Both records are read in this one step: the visibility check always follows a target that exists.
    target(attempt) {
      if (!isValidPodName(attempt.peer)) return false;
      attempt.validPeer = true;
      return store.readNow === undefined ? readRecordsAsync(attempt) : readRecordsNow(attempt);
    },
    visibility: (attempt) => attempt.visibility,
    store: (attempt) => (attempt.storeError === undefined ? null : errorLine(attempt.storeError)),
    liveness(attempt) {
      const live = deps.liveness(attempt.peer);
      return live instanceof Promise ? live.then(boundedLiveness) : boundedLiveness(live);
    },
    sent(attempt) {
      const problem = messageProblem(attempt.message, deps.maxMessageBytes);
      if (problem !== undefined) return problem;
      try {
        const acknowledged = deps.deliver(attempt.peer, attempt.message, attempt.autoRun, attempt.self);
        return acknowledged instanceof Promise ? acknowledged.then(accepted, refused) : null;
      } catch (error) {
        return refused(error);
      }
    },
  };

  /** The target's record, then (when there is one, readable or not) the sender's: whether the target exists. */
  function readRecordsNow(attempt: Attempt): boolean {
    const { self, peer } = attempt;
    try {
      attempt.target = store.readNow!(peer);
      if (attempt.target === null) return false;
    } catch (error) {
      // The record is there but unreadable: a store failure, reported after the visibility check.
      attempt.storeError = error;
    }
    try {
      rememberVisibility(attempt, peer === self ? attempt.target : store.readNow!(self));
    } catch (error) {
      visibilityUnknown(attempt, error);
    }
    return true;
  }

  /**
   * {@link readRecordsNow} for a store that only reads with promises: both
   * records are asked for at once (one round trip, not two, on a networked
   * store such as NATS KV), and each answer is taken as the sync path takes it.
   */
  async function readRecordsAsync(attempt: Attempt): Promise<boolean> {
    const { self, peer } = attempt;
    const [target, source] = await Promise.allSettled([store.read(peer), peer === self ? undefined : store.read(self)]);
    if (target.status === 'fulfilled') {
      attempt.target = target.value;
      if (attempt.target === null) return false;
    } else {
      // The record is there but unreadable: a store failure, reported after the visibility check.
      attempt.storeError = target.reason;
    }
    if (source.status === 'rejected') visibilityUnknown(attempt, source.reason);
    else rememberVisibility(attempt, peer === self ? attempt.target : (source.value ?? null));
    return true;
  }

  const recordDiagnostic = (attempt: Attempt, decision: WeakNotifyDecision, extra: DiagnosticFields | undefined): void => {
    const { outcome, facts } = decision;
    const type = outcome.type;
    const peer = attempt.validPeer ? attempt.peer : '(invalid name)';
    const fields: Record<string, string | undefined> =
      extra === undefined ? { self: attempt.self, peer, outcome: type } : { ...extra, self: attempt.self, peer, outcome: type };
    if (type === 'send-failed') fields.error = outcome.error;
    if (facts.liveness?.reason !== undefined) fields.reason = facts.liveness.reason;
    const quiet = type === 'delivered' || type === 'skipped-missing';
    diagnostics.recordOwned(quiet ? 'debug' : 'warn', 'notify', MESSAGES[attempt.autoRun ? 'notify' : 'weak notify'][type], fields);
  };

  return async (self, peer, message, options) => {
    const attempt: Attempt = { self, peer, message, autoRun: options?.autoRun === true, validPeer: false, target: null, visibility: 'none', storeError: undefined };
    let decision: WeakNotifyDecision;
    try {
      const walked = walkWeakNotify(gatherers, attempt);
      decision = walked instanceof Promise ? await walked : walked;
    } catch (error) {
      // Only a broken liveness probe or store double can get here; still an outcome, never a throw.
      const line = errorLine(error);
      decision = { state: 'sendFailed', outcome: { type: 'send-failed', error: line }, facts: {}, checked: 0 };
    }
    recordDiagnostic(attempt, decision, options?.fields);
    if (deps.report !== undefined) deps.report(decidedEvent(attempt, decision, options?.fields));
    return decision.outcome;
  };
}

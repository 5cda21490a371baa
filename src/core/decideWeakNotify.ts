/**
 * The weak notify rule (docs/behaviour.md §5) in one place: an ordered list
 * of checks, each reading one fact; the first check that fails ends the
 * decision in the final state that names the outcome. The runtime walks this
 * list with its own fact gatherers (store reads, liveness, the send), and
 * `weakNotifyMachine` is built from the same list, so the chart an inspector
 * draws and the code that decides cannot drift apart. Adding a check is one
 * entry here. Pure: no I/O, no clock.
 */
import type { PodLiveness, WeakNotifyOutcome, WeakNotifyOutcomeType } from './types.js';

/** Where the target stands in the sender's own record; `unknown` when that record could not be read. */
export type VisibilityFact = 'self' | 'spawned-child' | 'peer' | 'none' | 'unknown';

/** The facts a decision looks at. A check's fact is gathered only when every check before it passed. */
export interface WeakNotifyFacts {
  /** The target's name is valid and a record is stored under it (readable or not). */
  readonly target: boolean;
  readonly visibility: VisibilityFact;
  /** A store failure met while reading either record (one line), or `null`. */
  readonly store: string | null;
  readonly liveness: PodLiveness;
  /** Why the target did not acknowledge the notice (one line), or `null` when it did. */
  readonly sent: string | null;
}

/** The name of one fact. */
export type WeakNotifyFactName = keyof WeakNotifyFacts;

/** Final states, each naming the outcome it ends in. */
export const WEAK_NOTIFY_FINAL_STATES = {
  delivered: 'delivered',
  skippedMissing: 'skipped-missing',
  skippedNotVisible: 'skipped-not-visible',
  skippedNotPeer: 'skipped-not-peer',
  skippedNotLive: 'skipped-not-live',
  sendFailed: 'send-failed',
} as const satisfies Record<string, WeakNotifyOutcomeType>;

/** A final state of the decision. */
export type WeakNotifyFinalState = keyof typeof WEAK_NOTIFY_FINAL_STATES;

/** Every outcome type, in the order of the rule's table. */
export const WEAK_NOTIFY_OUTCOME_TYPES: readonly WeakNotifyOutcomeType[] = Object.values(WEAK_NOTIFY_FINAL_STATES);

/** One check: the state that performs it, the fact it reads, the guard that names it in the chart. */
export interface WeakNotifyCheck {
  readonly state: string;
  readonly fact: WeakNotifyFactName;
  readonly guard: string;
  /** Where a failing check ends the decision. */
  readonly otherwise: WeakNotifyFinalState;
  /** Reads only this check's fact and those of the checks before it. */
  passes(facts: WeakNotifyFacts): boolean;
}

/** The rule: the checks in the order they run. A passing last check means `delivered`. */
export const WEAK_NOTIFY_CHECKS = [
  { state: 'resolvingTarget', fact: 'target', guard: 'targetExists', otherwise: 'skippedMissing', passes: (f) => f.target },
  {
    state: 'resolvingVisibility',
    fact: 'visibility',
    guard: 'isVisible',
    otherwise: 'skippedNotVisible',
    passes: (f) => f.visibility !== 'none',
  },
  { state: 'checkingStore', fact: 'store', guard: 'storeReadable', otherwise: 'sendFailed', passes: (f) => f.store === null },
  // The visibility is known by now: self and spawned children are visible but are not peers.
  { state: 'checkingRelation', fact: 'visibility', guard: 'isPeer', otherwise: 'skippedNotPeer', passes: (f) => f.visibility === 'peer' },
  {
    state: 'checkingLiveness',
    fact: 'liveness',
    guard: 'isLive',
    otherwise: 'skippedNotLive',
    passes: (f) => f.liveness.status === 'live',
  },
  { state: 'sending', fact: 'sent', guard: 'wasAccepted', otherwise: 'sendFailed', passes: (f) => f.sent === null },
] as const satisfies readonly WeakNotifyCheck[];

/** Every fact the rule reads, in the order its checks first ask for them. */
const WEAK_NOTIFY_FACT_NAMES: readonly WeakNotifyFactName[] = [...new Set(WEAK_NOTIFY_CHECKS.map((check) => check.fact))];

const NO_FACTS: PartialWeakNotifyFacts = Object.freeze(Object.fromEntries(WEAK_NOTIFY_FACT_NAMES.map((name) => [name, undefined])));

/** A state that performs a check. */
export type WeakNotifyCheckState = (typeof WEAK_NOTIFY_CHECKS)[number]['state'];

/** A guard of the chart, one per check. */
export type WeakNotifyGuard = (typeof WEAK_NOTIFY_CHECKS)[number]['guard'];

/** Facts gathered so far. */
export type PartialWeakNotifyFacts = { -readonly [K in WeakNotifyFactName]?: WeakNotifyFacts[K] };

/** A finished decision: its final state, its outcome, the facts it saw (one not gathered is `undefined`), and how many checks ran. */
export interface WeakNotifyDecision {
  readonly state: WeakNotifyFinalState;
  readonly outcome: WeakNotifyOutcome;
  readonly facts: PartialWeakNotifyFacts;
  /** Checks that ran (the last one decided, unless all passed). */
  readonly checked: number;
}

/**
 * How a caller gathers each fact for a decision about `context`; asked at most once per fact. A gatherer
 * answers the value, or a native promise of it, and never rejects on purpose (a rejection rejects the walk).
 */
export type WeakNotifyGatherers<C> = {
  readonly [K in WeakNotifyFactName]: (context: C, facts: PartialWeakNotifyFacts) => WeakNotifyFacts[K] | Promise<WeakNotifyFacts[K]>;
};

// Shared outcomes of the cases without details: a decision allocates nothing for them.
const DELIVERED: WeakNotifyOutcome = Object.freeze({ type: 'delivered' });
const SKIPPED_MISSING: WeakNotifyOutcome = Object.freeze({ type: 'skipped-missing' });
const SKIPPED_NOT_VISIBLE: WeakNotifyOutcome = Object.freeze({ type: 'skipped-not-visible' });
const NOT_PEER_SELF: WeakNotifyOutcome = Object.freeze({ type: 'skipped-not-peer', visibility: 'self' });
const NOT_PEER_CHILD: WeakNotifyOutcome = Object.freeze({ type: 'skipped-not-peer', visibility: 'spawned-child' });

/** The outcome a final state stands for, described with the facts that led there. */
export function weakNotifyOutcome(state: WeakNotifyFinalState, facts: PartialWeakNotifyFacts): WeakNotifyOutcome {
  switch (state) {
    case 'delivered':
      return DELIVERED;
    case 'skippedMissing':
      return SKIPPED_MISSING;
    case 'skippedNotVisible':
      return SKIPPED_NOT_VISIBLE;
    case 'skippedNotPeer':
      return facts.visibility === 'self' ? NOT_PEER_SELF : NOT_PEER_CHILD;
    case 'skippedNotLive': {
      const status = facts.liveness?.status === 'unreachable' ? 'unreachable' : 'stopped';
      const reason = facts.liveness?.reason;
      return reason === undefined ? { type: 'skipped-not-live', status } : { type: 'skipped-not-live', status, reason };
    }
    case 'sendFailed':
      // An empty error text says nothing: the outcome still gets one.
      return { type: 'send-failed', error: facts.store || facts.sent || 'send failed' };
  }
}

function decided(state: WeakNotifyFinalState, facts: PartialWeakNotifyFacts, checked: number): WeakNotifyDecision {
  return { state, outcome: weakNotifyOutcome(state, facts), facts, checked };
}

// `instanceof` is the cheap test, so a gatherer must return a native promise (an async function's,
// `Promise.resolve(...)`); any other value, a foreign thenable included, is taken as the fact itself.
function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return value instanceof Promise;
}

/**
 * From check `from` on, with the facts at hand: the decision, or the index of
 * the first check whose fact has not been gathered yet.
 */
function advance(facts: PartialWeakNotifyFacts, from: number): WeakNotifyDecision | number {
  for (let i = from; i < WEAK_NOTIFY_CHECKS.length; i += 1) {
    const check = WEAK_NOTIFY_CHECKS[i]!;
    if (facts[check.fact] === undefined) return i;
    if (!check.passes(facts as WeakNotifyFacts)) return decided(check.otherwise, facts, i + 1);
  }
  return decided('delivered', facts, WEAK_NOTIFY_CHECKS.length);
}

function remember(facts: PartialWeakNotifyFacts, at: number, value: unknown): void {
  (facts as Record<string, unknown>)[WEAK_NOTIFY_CHECKS[at]!.fact] = value;
}

// Once a fact had to be awaited, the rest of the walk awaits only what is a promise.
async function walkAsync<C>(
  gatherers: WeakNotifyGatherers<C>,
  context: C,
  facts: PartialWeakNotifyFacts,
  at: number,
  pending: Promise<unknown>,
): Promise<WeakNotifyDecision> {
  remember(facts, at, await pending);
  let step = advance(facts, at);
  while (typeof step === 'number') {
    const value = gatherers[WEAK_NOTIFY_CHECKS[step]!.fact](context, facts);
    remember(facts, step, isPromise(value) ? await value : value);
    step = advance(facts, step);
  }
  return step;
}

/**
 * Walks the rule, gathering each fact only when its check is reached; the
 * first failing check decides. Synchronous while every gatherer is (an
 * in-process notify awaits nothing it does not have to).
 */
export function walkWeakNotify<C>(gatherers: WeakNotifyGatherers<C>, context: C): WeakNotifyDecision | Promise<WeakNotifyDecision> {
  // Every key from the start: one object shape for every notify keeps the checks' reads fast.
  const facts: PartialWeakNotifyFacts = { ...NO_FACTS };
  let step = advance(facts, 0);
  while (typeof step === 'number') {
    const value = gatherers[WEAK_NOTIFY_CHECKS[step]!.fact](context, facts);
    if (isPromise(value)) return walkAsync(gatherers, context, facts, step, value);
    remember(facts, step, value);
    step = advance(facts, step);
  }
  return step;
}

// Gatherers that read a complete set of facts, for decisions made on paper.
const given = Object.fromEntries(
  WEAK_NOTIFY_FACT_NAMES.map((name) => [name, (facts: WeakNotifyFacts) => facts[name]]),
) as unknown as WeakNotifyGatherers<WeakNotifyFacts>;

/** The decision for a complete set of facts (a check that is never reached ignores its fact). */
export function decideWeakNotify(facts: WeakNotifyFacts): WeakNotifyDecision {
  return walkWeakNotify(given, facts) as WeakNotifyDecision;
}

/** The states a decision went through, from the first check to its final state (for inspectors). */
export function weakNotifyPath(decision: Pick<WeakNotifyDecision, 'state' | 'checked'>): string[] {
  return [...WEAK_NOTIFY_CHECKS.slice(0, decision.checked).map((check) => check.state), decision.state];
}

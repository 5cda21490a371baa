import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, initialTransition, transition } from 'xstate';
import {
  decideWeakNotify,
  WEAK_NOTIFY_CHECKS,
  WEAK_NOTIFY_FINAL_STATES,
  type VisibilityFact,
  type WeakNotifyFactName,
  type WeakNotifyFacts,
  type WeakNotifyFinalState,
} from '../../src/core/decideWeakNotify.js';
import type { PodLiveness, WeakNotifyOutcome } from '../../src/core/types.js';
import { weakNotifyMachine, type WeakNotifyFactEvent } from '../../src/machines/weakNotifyMachine.js';

const decision = suite('weakNotifyMachine');

/** The states that wait for a fact, in docs/behaviour.md §5 order, and the fact each waits for. */
const WAITING: readonly (readonly [string, WeakNotifyFactName])[] = [
  ['resolvingTarget', 'target'],
  ['resolvingVisibility', 'visibility'],
  ['checkingStore', 'store'],
  ['checkingLiveness', 'liveness'],
  ['sending', 'sent'],
];
const waitsFor = new Map(WAITING);

const fact = <K extends WeakNotifyFactName>(name: K, value: WeakNotifyFacts[K]): WeakNotifyFactEvent =>
  ({ type: `fact.${name}`, value }) as WeakNotifyFactEvent;

interface Path {
  readonly label: string;
  readonly facts: readonly WeakNotifyFactEvent[];
  readonly value: WeakNotifyFinalState;
  readonly output: WeakNotifyOutcome;
}

const TARGET = fact('target', true);
const PEER = fact('visibility', 'peer');
const STORE_OK = fact('store', null);
const LIVE = fact('liveness', { status: 'live', activity: 'idle' });
const UP_TO_LIVENESS = [TARGET, PEER, STORE_OK] as const;

const PATHS: readonly Path[] = [
  { label: 'a missing target', facts: [fact('target', false)], value: 'skippedMissing', output: { type: 'skipped-missing' } },
  {
    label: 'a target outside the visibility',
    facts: [TARGET, fact('visibility', 'none')],
    value: 'skippedNotVisible',
    output: { type: 'skipped-not-visible' },
  },
  {
    label: 'a store failure (corrupt target) after the visibility check',
    facts: [TARGET, PEER, fact('store', 'corrupt metadata for pod "yoi": bad json')],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'corrupt metadata for pod "yoi": bad json' },
  },
  {
    label: "a store failure reading self's record (visibility unknown)",
    facts: [TARGET, fact('visibility', 'unknown'), fact('store', 'EIO: i/o error')],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'EIO: i/o error' },
  },
  {
    label: 'a store failure without an error text',
    facts: [TARGET, PEER, fact('store', '')],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'send failed' },
  },
  {
    label: 'a target visible as self',
    facts: [TARGET, fact('visibility', 'self'), STORE_OK],
    value: 'skippedNotPeer',
    output: { type: 'skipped-not-peer', visibility: 'self' },
  },
  {
    label: 'a target visible as a spawned child',
    facts: [TARGET, fact('visibility', 'spawned-child'), STORE_OK],
    value: 'skippedNotPeer',
    output: { type: 'skipped-not-peer', visibility: 'spawned-child' },
  },
  {
    label: 'a stopped peer',
    facts: [...UP_TO_LIVENESS, fact('liveness', { status: 'stopped' })],
    value: 'skippedNotLive',
    output: { type: 'skipped-not-live', status: 'stopped' },
  },
  {
    label: 'a stopped peer with a reason',
    facts: [...UP_TO_LIVENESS, fact('liveness', { status: 'stopped', reason: 'no runtime serves it' })],
    value: 'skippedNotLive',
    output: { type: 'skipped-not-live', status: 'stopped', reason: 'no runtime serves it' },
  },
  {
    label: 'an unreachable peer with a reason',
    facts: [...UP_TO_LIVENESS, fact('liveness', { status: 'unreachable', reason: 'ECONNREFUSED 127.0.0.1:7777' })],
    value: 'skippedNotLive',
    output: { type: 'skipped-not-live', status: 'unreachable', reason: 'ECONNREFUSED 127.0.0.1:7777' },
  },
  {
    label: 'a transport that rejects',
    facts: [...UP_TO_LIVENESS, LIVE, fact('sent', 'transport timed out after 5000 ms')],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'transport timed out after 5000 ms' },
  },
  {
    label: 'a transport that rejects without an error text',
    facts: [...UP_TO_LIVENESS, LIVE, fact('sent', '')],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'send failed' },
  },
  { label: 'an accepted notify', facts: [...UP_TO_LIVENESS, LIVE, fact('sent', null)], value: 'delivered', output: { type: 'delivered' } },
];

/** One fact of each kind, for sending the wrong one. */
const ONE_OF_EACH: readonly WeakNotifyFactEvent[] = [
  fact('target', false),
  fact('visibility', 'none'),
  fact('store', 'x'),
  fact('liveness', { status: 'stopped', reason: 'x' }),
  fact('sent', 'x'),
];

decision('should run the checks of the rule in docs/behaviour.md §5 order, each fact asked once', () => {
  assert.equal(
    WEAK_NOTIFY_CHECKS.map((check) => [check.state, check.fact, check.otherwise]),
    [
      ['resolvingTarget', 'target', 'skippedMissing'],
      ['resolvingVisibility', 'visibility', 'skippedNotVisible'],
      ['checkingStore', 'store', 'sendFailed'],
      ['checkingRelation', 'visibility', 'skippedNotPeer'],
      ['checkingLiveness', 'liveness', 'skippedNotLive'],
      ['sending', 'sent', 'sendFailed'],
    ],
  );
  // The chart has exactly the rule's states: one per check, one per final state.
  const states = Object.keys(weakNotifyMachine.root.states);
  assert.equal(states, [...WEAK_NOTIFY_CHECKS.map((c) => c.state), ...Object.keys(WEAK_NOTIFY_FINAL_STATES)]);
});

decision('should cover every final state with the paths below', () => {
  assert.equal([...new Set(PATHS.map((p) => p.value))].sort(), Object.keys(WEAK_NOTIFY_FINAL_STATES).sort());
  for (const path of PATHS) assert.is(WEAK_NOTIFY_FINAL_STATES[path.value], path.output.type, path.label);
});

for (const path of PATHS) {
  decision(`should end in ${path.value} for ${path.label}`, () => {
    const actor = createActor(weakNotifyMachine).start();
    try {
      path.facts.forEach((event, i) => {
        const before = actor.getSnapshot();
        assert.is(before.status, 'active', `before fact ${i}`);
        assert.is(before.value, WAITING[i]![0], `before fact ${i}`);
        assert.is(event.type, `fact.${waitsFor.get(before.value as string)}`, `fact ${i} is the one ${before.value} waits for`);
        actor.send(event);
      });
      const snapshot = actor.getSnapshot();
      assert.is(snapshot.status, 'done');
      assert.is(snapshot.value, path.value);
      assert.equal(snapshot.output, path.output);
      // No stray `reason: undefined` and the like: the output has exactly the keys of the outcome.
      assert.equal(Object.keys(snapshot.output ?? {}).sort(), Object.keys(path.output).sort());
    } finally {
      actor.stop();
    }
  });
}

decision('should ignore a fact of the wrong kind in every waiting state', () => {
  const prefix = [...UP_TO_LIVENESS, LIVE];
  WAITING.forEach(([state, wanted], depth) => {
    const actor = createActor(weakNotifyMachine).start();
    try {
      for (const event of prefix.slice(0, depth)) actor.send(event);
      const before = actor.getSnapshot();
      assert.is(before.value, state);
      for (const event of ONE_OF_EACH) {
        if (event.type === `fact.${wanted}`) continue;
        assert.not.ok(before.can(event), `${state} can take ${event.type}`);
        actor.send(event);
        const after = actor.getSnapshot();
        assert.is(after.status, 'active', `${state} after ${event.type}`);
        assert.is(after.value, state, `${state} after ${event.type}`);
        assert.equal(after.context, before.context, `${state} after ${event.type}`);
      }
      // The right fact still works afterwards.
      const right = ONE_OF_EACH.find((e) => e.type === `fact.${wanted}`)!;
      assert.ok(actor.getSnapshot().can(right), `${state} takes ${right.type}`);
    } finally {
      actor.stop();
    }
  });
});

// Every value each fact can take that a check tells apart, plus details that only describe.
const DOMAIN = {
  target: [true, false],
  visibility: ['self', 'spawned-child', 'peer', 'none', 'unknown'] satisfies VisibilityFact[],
  store: [null, 'EIO: i/o error', ''],
  liveness: [
    { status: 'live', activity: 'idle' },
    { status: 'stopped' },
    { status: 'stopped', reason: 'gone' },
    { status: 'unreachable', reason: 'ECONNREFUSED' },
  ] satisfies PodLiveness[],
  sent: [null, 'no acknowledgement within 5000 ms', ''],
} as const;

function* everyCombination(): Generator<WeakNotifyFacts> {
  for (const target of DOMAIN.target)
    for (const visibility of DOMAIN.visibility)
      for (const store of DOMAIN.store)
        for (const liveness of DOMAIN.liveness) for (const sent of DOMAIN.sent) yield { target, visibility, store, liveness, sent };
}

decision('should reach the same final state and outcome as decideWeakNotify for every combination of facts', () => {
  let combinations = 0;
  const finals = new Set<string>();
  for (const facts of everyCombination()) {
    combinations += 1;
    const label = JSON.stringify(facts);
    const decided = decideWeakNotify(facts);
    // Walk the chart with xstate's pure transition, answering whatever fact the state waits for.
    let [snapshot] = initialTransition(weakNotifyMachine);
    const asked: WeakNotifyFactName[] = [];
    while (snapshot.status === 'active') {
      const wanted = waitsFor.get(snapshot.value as string);
      if (wanted === undefined) throw new Error(`${label}: the chart rests in ${String(snapshot.value)}, which waits for nothing`);
      asked.push(wanted);
      [snapshot] = transition(weakNotifyMachine, snapshot, fact(wanted, facts[wanted]));
    }
    assert.is(snapshot.value, decided.state, label);
    assert.equal(snapshot.output, decided.outcome, label);
    // The chart asks for exactly the facts the rule looked at, in the same order: a failing check ends it.
    assert.equal(asked, Object.keys(decided.facts).filter((key) => decided.facts[key as WeakNotifyFactName] !== undefined), label);
    finals.add(decided.state);
  }
  assert.is(combinations, 2 * 5 * 3 * 4 * 3);
  assert.equal([...finals].sort(), Object.keys(WEAK_NOTIFY_FINAL_STATES).sort(), 'the combinations reach every final state');
});

decision.run();

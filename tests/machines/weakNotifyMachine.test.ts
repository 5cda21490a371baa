import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { createWeakNotifyDecider } from '../../src/actors/createWeakNotifyDecider.js';
import type { DecisionNode } from '../../src/actors/createWeakNotifyDecider.js';
import {
  WEAK_NOTIFY_FACT_BY_STATE,
  WEAK_NOTIFY_OUTCOME_BY_STATE,
  weakNotifyMachine,
} from '../../src/machines/weakNotifyMachine.js';
import type { WeakNotifyCheckState, WeakNotifyFact, WeakNotifyFinalState } from '../../src/machines/weakNotifyMachine.js';
import type { WeakNotifyDelivery } from '../../src/types.js';

const decision = suite('weakNotifyMachine');

/** The checking states in SPEC §5 order: the n-th fact of any path is answered in the n-th of them. */
const CHAIN: readonly WeakNotifyCheckState[] = [
  'resolvingTarget',
  'resolvingVisibility',
  'checkingStore',
  'checkingRelation',
  'checkingLiveness',
  'sending',
];

interface Path {
  readonly label: string;
  readonly facts: readonly WeakNotifyFact[];
  readonly value: WeakNotifyFinalState;
  readonly output: WeakNotifyDelivery;
}

const TARGET: WeakNotifyFact = { type: 'fact.target', exists: true };
const PEER: WeakNotifyFact = { type: 'fact.visibility', visibility: 'peer' };
const STORE_OK: WeakNotifyFact = { type: 'fact.store', ok: true };
const RELATION_PEER: WeakNotifyFact = { type: 'fact.relation', visibility: 'peer' };
const LIVE: WeakNotifyFact = { type: 'fact.liveness', status: 'live' };
const UP_TO_LIVENESS = [TARGET, PEER, STORE_OK, RELATION_PEER] as const;

const PATHS: readonly Path[] = [
  {
    label: 'a missing target',
    facts: [{ type: 'fact.target', exists: false }],
    value: 'skippedMissing',
    output: { type: 'skipped-missing' },
  },
  {
    label: 'a target outside the visibility',
    facts: [TARGET, { type: 'fact.visibility', visibility: 'none' }],
    value: 'skippedNotVisible',
    output: { type: 'skipped-not-visible' },
  },
  {
    label: 'a store failure (corrupt target) after the visibility check',
    facts: [TARGET, PEER, { type: 'fact.store', ok: false, error: 'corrupt metadata for pod "yoi": bad json' }],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'corrupt metadata for pod "yoi": bad json' },
  },
  {
    label: "a store failure reading self's record (visibility unknown)",
    facts: [TARGET, { type: 'fact.visibility', visibility: 'unknown' }, { type: 'fact.store', ok: false, error: 'EIO: i/o error' }],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'EIO: i/o error' },
  },
  {
    label: 'a store failure without an error text',
    facts: [TARGET, PEER, { type: 'fact.store', ok: false }],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'send failed' },
  },
  {
    label: 'a target visible as self',
    facts: [TARGET, { type: 'fact.visibility', visibility: 'self' }, STORE_OK, { type: 'fact.relation', visibility: 'self' }],
    value: 'skippedNotPeer',
    output: { type: 'skipped-not-peer', visibility: 'self' },
  },
  {
    label: 'a target visible as a spawned child',
    facts: [
      TARGET,
      { type: 'fact.visibility', visibility: 'spawned-child' },
      STORE_OK,
      { type: 'fact.relation', visibility: 'spawned-child' },
    ],
    value: 'skippedNotPeer',
    output: { type: 'skipped-not-peer', visibility: 'spawned-child' },
  },
  {
    label: 'a stopped peer',
    facts: [...UP_TO_LIVENESS, { type: 'fact.liveness', status: 'stopped' }],
    value: 'skippedNotLive',
    output: { type: 'skipped-not-live', status: 'stopped' },
  },
  {
    label: 'a stopped peer with a reason',
    facts: [...UP_TO_LIVENESS, { type: 'fact.liveness', status: 'stopped', reason: 'no runtime serves it' }],
    value: 'skippedNotLive',
    output: { type: 'skipped-not-live', status: 'stopped', reason: 'no runtime serves it' },
  },
  {
    label: 'an unreachable peer with a reason',
    facts: [...UP_TO_LIVENESS, { type: 'fact.liveness', status: 'unreachable', reason: 'ECONNREFUSED 127.0.0.1:7777' }],
    value: 'skippedNotLive',
    output: { type: 'skipped-not-live', status: 'unreachable', reason: 'ECONNREFUSED 127.0.0.1:7777' },
  },
  {
    label: 'a transport that rejects',
    facts: [...UP_TO_LIVENESS, LIVE, { type: 'fact.sent', accepted: false, error: 'transport timed out after 5000 ms' }],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'transport timed out after 5000 ms' },
  },
  {
    label: 'a transport that rejects without an error text',
    facts: [...UP_TO_LIVENESS, LIVE, { type: 'fact.sent', accepted: false }],
    value: 'sendFailed',
    output: { type: 'send-failed', error: 'send failed' },
  },
  {
    label: 'an accepted notify',
    facts: [...UP_TO_LIVENESS, LIVE, { type: 'fact.sent', accepted: true }],
    value: 'delivered',
    output: { type: 'delivered' },
  },
];

/** One fact of each kind, for sending the wrong one. */
const ONE_OF_EACH: readonly WeakNotifyFact[] = [
  { type: 'fact.target', exists: false },
  { type: 'fact.visibility', visibility: 'none' },
  { type: 'fact.store', ok: false, error: 'x' },
  { type: 'fact.relation', visibility: 'self' },
  { type: 'fact.liveness', status: 'stopped', reason: 'x' },
  { type: 'fact.sent', accepted: false, error: 'x' },
];

decision('should wait for the facts in SPEC §5 order', () => {
  assert.equal(Object.keys(WEAK_NOTIFY_FACT_BY_STATE), [...CHAIN]);
  assert.equal(Object.values(WEAK_NOTIFY_FACT_BY_STATE), ONE_OF_EACH.map((f) => f.type));
});

decision('should cover every final state with the paths below', () => {
  assert.equal([...new Set(PATHS.map((p) => p.value))].sort(), Object.keys(WEAK_NOTIFY_OUTCOME_BY_STATE).sort());
  for (const path of PATHS) assert.is(WEAK_NOTIFY_OUTCOME_BY_STATE[path.value], path.output.type, path.label);
});

for (const path of PATHS) {
  decision(`should end in ${path.value} for ${path.label}`, () => {
    const actor = createActor(weakNotifyMachine).start();
    try {
      path.facts.forEach((fact, i) => {
        const before = actor.getSnapshot();
        assert.is(before.status, 'active', `before fact ${i}`);
        assert.is(before.value, CHAIN[i], `before fact ${i}`);
        assert.is(fact.type, WEAK_NOTIFY_FACT_BY_STATE[CHAIN[i]!], `fact ${i} is the one ${CHAIN[i]} waits for`);
        actor.send(fact);
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

decision('should ignore a fact of the wrong kind in every checking state', () => {
  const prefix = [...UP_TO_LIVENESS, LIVE];
  CHAIN.forEach((state, depth) => {
    const actor = createActor(weakNotifyMachine).start();
    try {
      for (const fact of prefix.slice(0, depth)) actor.send(fact);
      const before = actor.getSnapshot();
      assert.is(before.value, state);
      for (const fact of ONE_OF_EACH) {
        if (fact.type === WEAK_NOTIFY_FACT_BY_STATE[state]) continue;
        assert.not.ok(before.can(fact), `${state} can take ${fact.type}`);
        actor.send(fact);
        const after = actor.getSnapshot();
        assert.is(after.status, 'active', `${state} after ${fact.type}`);
        assert.is(after.value, state, `${state} after ${fact.type}`);
        assert.equal(after.context, before.context, `${state} after ${fact.type}`);
      }
      // The right fact still works afterwards.
      const right = ONE_OF_EACH.find((f) => f.type === WEAK_NOTIFY_FACT_BY_STATE[state])!;
      assert.ok(actor.getSnapshot().can(right), `${state} takes ${right.type}`);
    } finally {
      actor.stop();
    }
  });
});

/** Walks the decider along a path and returns every node it visited, root first. */
function walkDecider(decider: ReturnType<typeof createWeakNotifyDecider>, facts: readonly WeakNotifyFact[]): DecisionNode[] {
  const nodes: DecisionNode[] = [decider.root];
  let node = decider.root;
  for (const fact of facts) {
    if (node.final) throw new Error(`decider ended in ${node.state} before the path did`);
    node = decider.step(node, fact);
    nodes.push(node);
  }
  return nodes;
}

decision('should make the decider reach the same final state as the actor on every path', () => {
  const decider = createWeakNotifyDecider();
  assert.is(decider.root.state, 'resolvingTarget');
  assert.is(decider.root.final, false);
  for (const path of PATHS) {
    const nodes = walkDecider(decider, path.facts);
    const last = nodes[nodes.length - 1]!;
    assert.ok(last.final, path.label);
    assert.is(last.state, path.value, path.label);
    nodes.slice(0, -1).forEach((node, i) => {
      assert.is(node.final, false, `${path.label}: node ${i}`);
      assert.is(node.state, CHAIN[i], `${path.label}: node ${i}`);
    });
    // The same answer as a real actor.
    const actor = createActor(weakNotifyMachine).start();
    for (const fact of path.facts) actor.send(fact);
    assert.is(actor.getSnapshot().value, last.state, path.label);
    actor.stop();
  }
});

decision('should return the identical cached nodes on a second walk', () => {
  const decider = createWeakNotifyDecider();
  const first = PATHS.map((path) => walkDecider(decider, path.facts));
  const second = PATHS.map((path) => walkDecider(decider, path.facts));
  PATHS.forEach((path, p) => {
    assert.is(second[p]!.length, first[p]!.length, path.label);
    second[p]!.forEach((node, i) => assert.ok(node === first[p]![i], `${path.label}: node ${i} was rebuilt`));
  });
  // Paths that share a prefix share its nodes too.
  const stopped = first[PATHS.findIndex((p) => p.label === 'a stopped peer')]!;
  const delivered = first[PATHS.findIndex((p) => p.label === 'an accepted notify')]!;
  for (let i = 0; i <= UP_TO_LIVENESS.length; i++) assert.ok(stopped[i] === delivered[i], `shared node ${i}`);
});

decision('should key the memo on what the guards read, not on error or reason texts', () => {
  const decider = createWeakNotifyDecider();
  const [a] = walkDecider(decider, [...UP_TO_LIVENESS, { type: 'fact.liveness', status: 'unreachable', reason: 'one' }]).slice(-1);
  const [b] = walkDecider(decider, [...UP_TO_LIVENESS, { type: 'fact.liveness', status: 'unreachable', reason: 'two' }]).slice(-1);
  assert.ok(a === b);
  const [c] = walkDecider(decider, [...UP_TO_LIVENESS, { type: 'fact.liveness', status: 'stopped' }]).slice(-1);
  assert.is(c?.state, 'skippedNotLive');
  assert.ok(c !== a, 'stopped and unreachable must not share a cached node');
});

decision('should keep separate caches per decider', () => {
  const one = createWeakNotifyDecider();
  const two = createWeakNotifyDecider();
  assert.ok(one.root !== two.root);
  assert.ok(one.step(one.root as DecisionNode & { final: false }, TARGET) !== two.step(two.root as DecisionNode & { final: false }, TARGET));
});

decision('should refuse a fact of the wrong kind in the decider', () => {
  const decider = createWeakNotifyDecider();
  const root = decider.root;
  if (root.final) throw new Error('root is final');
  assert.throws(() => decider.step(root, { type: 'fact.sent', accepted: true }), /resolvingTarget/);
  // The refused fact left nothing in the cache: the right one still walks on normally.
  assert.is(decider.step(root, TARGET).state, 'resolvingVisibility');
});

decision.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decideWeakNotify,
  walkWeakNotify,
  weakNotifyOutcome,
  weakNotifyPath,
  WEAK_NOTIFY_OUTCOME_TYPES,
  type WeakNotifyDecision,
  type WeakNotifyFactName,
  type WeakNotifyFacts,
  type WeakNotifyGatherers,
} from '../../src/core/decideWeakNotify.js';

const rule = suite('decideWeakNotify');

/** The facts a decision saw (one not gathered is `undefined`). */
const gathered = (facts: object): string[] => Object.entries(facts).flatMap(([key, value]) => (value === undefined ? [] : [key]));

const DELIVERABLE: WeakNotifyFacts = {
  target: true,
  visibility: 'peer',
  store: null,
  liveness: { status: 'live', activity: 'idle' },
  sent: null,
};

/** Gatherers that answer from `facts` and record what they were asked, synchronously or not. */
function recording(facts: WeakNotifyFacts, async: boolean) {
  const asked: WeakNotifyFactName[] = [];
  const answer =
    <K extends WeakNotifyFactName>(name: K) =>
    () => {
      asked.push(name);
      return async ? Promise.resolve(facts[name]) : facts[name];
    };
  const gatherers: WeakNotifyGatherers<null> = {
    target: answer('target'),
    visibility: answer('visibility'),
    store: answer('store'),
    liveness: answer('liveness'),
    sent: answer('sent'),
  };
  return { asked, gatherers };
}

rule('should deliver when every check passes, having asked each fact once', () => {
  const { asked, gatherers } = recording(DELIVERABLE, false);
  const walked = walkWeakNotify(gatherers, null);
  if (walked instanceof Promise) throw new Error('synchronous gatherers must give a synchronous decision');
  const decision: WeakNotifyDecision = walked;
  assert.equal(decision, { state: 'delivered', outcome: { type: 'delivered' }, facts: DELIVERABLE, checked: 6 });
  assert.equal(gathered(decision.facts), ['target', 'visibility', 'store', 'liveness', 'sent']);
  assert.equal(asked, ['target', 'visibility', 'store', 'liveness', 'sent'], 'visibility is asked once for two checks');
});

rule('should wait for asynchronous facts and reach the same decision', async () => {
  const sync = recording(DELIVERABLE, false);
  const async = recording(DELIVERABLE, true);
  const pending = walkWeakNotify(async.gatherers, null);
  assert.instance(pending, Promise);
  assert.equal(await pending, walkWeakNotify(sync.gatherers, null));
  assert.equal(async.asked, sync.asked);
});

rule('should stop at the first failing check and never ask for a later fact', async () => {
  const cases: readonly [Partial<WeakNotifyFacts>, string, WeakNotifyFactName[]][] = [
    [{ target: false }, 'skippedMissing', ['target']],
    [{ visibility: 'none' }, 'skippedNotVisible', ['target', 'visibility']],
    [{ store: 'EIO' }, 'sendFailed', ['target', 'visibility', 'store']],
    [{ visibility: 'spawned-child' }, 'skippedNotPeer', ['target', 'visibility', 'store']],
    [{ liveness: { status: 'unreachable', reason: 'x' } }, 'skippedNotLive', ['target', 'visibility', 'store', 'liveness']],
    [{ sent: 'refused' }, 'sendFailed', ['target', 'visibility', 'store', 'liveness', 'sent']],
  ];
  for (const [change, state, expected] of cases) {
    for (const async of [false, true]) {
      const { asked, gatherers } = recording({ ...DELIVERABLE, ...change }, async);
      const decision = await walkWeakNotify(gatherers, null);
      assert.is(decision.state, state, JSON.stringify(change));
      assert.equal(asked, expected, JSON.stringify(change));
      assert.equal(gathered(decision.facts), expected, 'the decision keeps only the facts it saw');
    }
  }
});

rule('should describe each outcome with the facts that led to it', () => {
  assert.equal(decideWeakNotify({ ...DELIVERABLE, visibility: 'self' }).outcome, { type: 'skipped-not-peer', visibility: 'self' });
  assert.equal(decideWeakNotify({ ...DELIVERABLE, liveness: { status: 'stopped' } }).outcome, { type: 'skipped-not-live', status: 'stopped' });
  assert.equal(decideWeakNotify({ ...DELIVERABLE, liveness: { status: 'unreachable', reason: 'ECONNREFUSED' } }).outcome, {
    type: 'skipped-not-live',
    status: 'unreachable',
    reason: 'ECONNREFUSED',
  });
  assert.equal(decideWeakNotify({ ...DELIVERABLE, store: 'corrupt' }).outcome, { type: 'send-failed', error: 'corrupt' });
  assert.equal(decideWeakNotify({ ...DELIVERABLE, sent: 'timeout' }).outcome, { type: 'send-failed', error: 'timeout' });
  assert.equal(weakNotifyOutcome('sendFailed', {}), { type: 'send-failed', error: 'send failed' });
  assert.equal(WEAK_NOTIFY_OUTCOME_TYPES, ['delivered', 'skipped-missing', 'skipped-not-visible', 'skipped-not-peer', 'skipped-not-live', 'send-failed']);
});

rule('should name the path a decision took, from the first check to its final state', () => {
  assert.equal(weakNotifyPath(decideWeakNotify({ ...DELIVERABLE, target: false })), ['resolvingTarget', 'skippedMissing']);
  assert.equal(weakNotifyPath(decideWeakNotify({ ...DELIVERABLE, visibility: 'self' })), [
    'resolvingTarget',
    'resolvingVisibility',
    'checkingStore',
    'checkingRelation',
    'skippedNotPeer',
  ]);
  assert.equal(weakNotifyPath(decideWeakNotify(DELIVERABLE)), [
    'resolvingTarget',
    'resolvingVisibility',
    'checkingStore',
    'checkingRelation',
    'checkingLiveness',
    'sending',
    'delivered',
  ]);
});

rule('should let a rejecting gatherer reject the walk (the runtime turns it into an outcome)', async () => {
  const gatherers: WeakNotifyGatherers<null> = {
    ...recording(DELIVERABLE, false).gatherers,
    liveness: () => Promise.reject(new Error('probe broke')),
  };
  try {
    await walkWeakNotify(gatherers, null);
    assert.unreachable('a rejecting gatherer must reject');
  } catch (error) {
    assert.is((error as Error).message, 'probe broke');
  }
});

rule.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatOutcome } from '../../src/core/formatOutcome.js';
import type { WeakNotifyOutcome, WeakNotifyOutcomeType } from '../../src/core/types.js';

const format = suite('formatOutcome');

/** One outcome of every shape docs/behaviour.md §5 allows, with and without optional details. */
const OUTCOMES: readonly WeakNotifyOutcome[] = [
  { type: 'delivered' },
  { type: 'skipped-missing' },
  { type: 'skipped-not-visible' },
  { type: 'skipped-not-peer', visibility: 'self' },
  { type: 'skipped-not-peer', visibility: 'spawned-child' },
  { type: 'skipped-not-live', status: 'stopped' },
  { type: 'skipped-not-live', status: 'unreachable' },
  { type: 'skipped-not-live', status: 'unreachable', reason: 'ECONNREFUSED 127.0.0.1:7777' },
  { type: 'send-failed', error: 'transport timed out after 5000 ms' },
];

const ALL_TYPES: readonly WeakNotifyOutcomeType[] = [
  'delivered',
  'skipped-missing',
  'skipped-not-visible',
  'skipped-not-peer',
  'skipped-not-live',
  'send-failed',
];

format('should cover all six outcome types', () => {
  assert.equal([...new Set(OUTCOMES.map((o) => o.type))].sort(), [...ALL_TYPES].sort());
});

format('should give one non-empty line for every outcome', () => {
  for (const outcome of OUTCOMES) {
    const line = formatOutcome(outcome);
    assert.type(line, 'string');
    assert.ok(line.trim().length > 0, JSON.stringify(outcome));
    assert.not.match(line, /[\r\n\u2028\u2029]/, JSON.stringify(outcome));
    assert.is(line, line.trim(), JSON.stringify(outcome));
  }
});

format('should give a distinct line for every outcome', () => {
  const lines = OUTCOMES.map((outcome) => formatOutcome(outcome));
  assert.is(new Set(lines).size, OUTCOMES.length, lines.join(' | '));
});

format('should tell delivered apart from every skip and failure', () => {
  const delivered = formatOutcome({ type: 'delivered' });
  assert.match(delivered, /deliver/i);
  assert.not.match(delivered, /skip|fail/i);
  for (const outcome of OUTCOMES.filter((o) => o.type !== 'delivered')) {
    assert.not.match(formatOutcome(outcome), /^delivered/i, JSON.stringify(outcome));
  }
});

format('should say a skip is a skip and a failure is a failure', () => {
  for (const outcome of OUTCOMES) {
    const line = formatOutcome(outcome);
    if (outcome.type.startsWith('skipped-')) assert.match(line, /skip/i, line);
    if (outcome.type === 'send-failed') assert.match(line, /fail/i, line);
  }
});

format('should mention the visibility of a skipped-not-peer outcome', () => {
  assert.match(formatOutcome({ type: 'skipped-not-peer', visibility: 'self' }), /\bself\b/);
  const child = formatOutcome({ type: 'skipped-not-peer', visibility: 'spawned-child' });
  assert.match(child, /spawned-child/);
  assert.not.match(child, /\bself\b/);
});

format('should mention the status and, when present, the reason of a skipped-not-live outcome', () => {
  const stopped = formatOutcome({ type: 'skipped-not-live', status: 'stopped' });
  assert.match(stopped, /stopped/);
  assert.not.match(stopped, /unreachable/);
  assert.not.match(stopped, /undefined/);
  const unreachable = formatOutcome({ type: 'skipped-not-live', status: 'unreachable' });
  assert.match(unreachable, /unreachable/);
  assert.not.match(unreachable, /undefined/);
  const withReason = formatOutcome({ type: 'skipped-not-live', status: 'unreachable', reason: 'ECONNREFUSED 127.0.0.1:7777' });
  assert.ok(withReason.includes('unreachable'), withReason);
  assert.ok(withReason.includes('ECONNREFUSED 127.0.0.1:7777'), withReason);
});

format('should mention the error of a send-failed outcome', () => {
  const line = formatOutcome({ type: 'send-failed', error: 'transport timed out after 5000 ms' });
  assert.ok(line.includes('transport timed out after 5000 ms'), line);
  const other = formatOutcome({ type: 'send-failed', error: 'EPIPE' });
  assert.ok(other.includes('EPIPE'), other);
  assert.is.not(line, other);
});

format('should not mention details the other outcomes do not carry', () => {
  for (const type of ['delivered', 'skipped-missing', 'skipped-not-visible'] as const) {
    const line = formatOutcome({ type });
    assert.not.match(line, /undefined|null|\[object/, line);
  }
});

format('should make a hand-built multi-line error or reason one bounded line', () => {
  const error = formatOutcome({ type: 'send-failed', error: `line one\nline two\r\n${'x'.repeat(400)}` });
  assert.not.match(error, /[\r\n]/);
  assert.ok(error.startsWith('send failed: line one line two '));
  assert.ok([...error].length <= 'send failed: '.length + 201);
  const reason = formatOutcome({ type: 'skipped-not-live', status: 'unreachable', reason: 'a\r\nb' });
  assert.not.match(reason, /[\r\n]/);
  assert.match(reason, /\(a b\)/);
});

format('should say a turn was requested for a delivered autoRun notice, and only then', () => {
  assert.is(formatOutcome({ type: 'delivered' }, { autoRun: true }), 'delivered (queued; a turn was requested)');
  assert.is(formatOutcome({ type: 'delivered' }, { autoRun: false }), 'delivered (queued without starting a turn)');
  assert.is(formatOutcome({ type: 'delivered' }, {}), 'delivered (queued without starting a turn)');
  assert.is(formatOutcome({ type: 'delivered' }), 'delivered (queued without starting a turn)');
  // A notice that was not delivered started nothing, whatever it asked for.
  for (const outcome of OUTCOMES.filter((o) => o.type !== 'delivered')) {
    assert.is(formatOutcome(outcome, { autoRun: true }), formatOutcome(outcome), JSON.stringify(outcome));
  }
});

format.run();

import { format } from 'node:util';
import createDebug from 'debug';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_DIAGNOSTICS_LIMIT, createDiagnostics } from '../../../src/actors/runtime/createDiagnostics.js';
import type { DiagnosticFields } from '../../../src/actors/runtime/createDiagnostics.js';

const diagnostics = suite('createDiagnostics');

const codePoints = (text: string): number => [...text].length;

/** A clock that returns 1000, 1001, 1002, … */
function counterClock(start = 1000): () => number {
  let t = start;
  return () => t++;
}

// Colours are on when stderr is a terminal (or DEBUG_COLORS is set).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

interface Captured {
  readonly namespace: string;
  /** The line as debug's Node logger would print it (it applies util.format to the args). */
  readonly line: string;
}

/**
 * Enables `podmesh:*` in the `debug` package and captures what it logs while
 * `body` runs; restores the previous namespaces and log function afterwards.
 */
function captureDebug(namespaces: string | undefined, body: () => void): Captured[] {
  const captured: Captured[] = [];
  const previousLog = createDebug.log;
  const previousNamespaces = createDebug.disable();
  try {
    if (namespaces !== undefined) createDebug.enable(namespaces);
    createDebug.log = function (this: createDebug.Debugger, ...args: unknown[]) {
      captured.push({ namespace: this.namespace, line: format(...args).replace(ANSI, '') });
    };
    body();
  } finally {
    createDebug.log = previousLog;
    createDebug.disable();
    if (previousNamespaces !== '') createDebug.enable(previousNamespaces);
  }
  return captured;
}

diagnostics('should default to a limit of 1,000 records', () => {
  assert.is(DEFAULT_DIAGNOSTICS_LIMIT, 1000);
  const d = createDiagnostics();
  for (let i = 0; i < 1005; i++) d.record('debug', 'test', `m${i}`);
  const recent = d.recent();
  assert.is(recent.length, 1000);
  assert.is(recent[0]?.message, 'm5');
  assert.is(recent[999]?.message, 'm1004');
});

diagnostics('should keep the newest records oldest first with increasing seq', () => {
  const d = createDiagnostics({ limit: 3, now: counterClock() });
  assert.equal(d.recent(), []);
  d.record('debug', 'test', 'one');
  d.record('warn', 'test', 'two');
  assert.equal(
    d.recent().map((r) => r.message),
    ['one', 'two'],
  );
  for (const message of ['three', 'four', 'five', 'six', 'seven']) d.record('debug', 'test', message);
  const recent = d.recent();
  assert.equal(
    recent.map((r) => r.message),
    ['five', 'six', 'seven'],
  );
  assert.equal(
    recent.map((r) => r.seq),
    [5, 6, 7],
  );
});

diagnostics('should stay ordered across many wraps of the ring', () => {
  const d = createDiagnostics({ limit: 7 });
  for (let i = 1; i <= 100; i++) {
    d.record('debug', 'test', `m${i}`);
    const seqs = d.recent().map((r) => r.seq);
    const expected = Array.from({ length: Math.min(i, 7) }, (_, k) => i - Math.min(i, 7) + 1 + k);
    assert.equal(seqs, expected, `after ${i} records`);
  }
});

diagnostics('should keep no record with limit 0 yet keep counting', () => {
  const d = createDiagnostics({ limit: 0 });
  d.record('warn', 'test', 'dropped');
  d.record('warn', 'test', 'dropped too');
  assert.equal(d.recent(), []);
  const negative = createDiagnostics({ limit: -5 });
  negative.record('warn', 'test', 'dropped');
  assert.equal(negative.recent(), []);
});

diagnostics('should return a copy from recent()', () => {
  const d = createDiagnostics({ limit: 2 });
  d.record('debug', 'test', 'a');
  const first = d.recent();
  first.length = 0;
  assert.is(d.recent().length, 1);
});

diagnostics('should stamp at from the injected clock and keep level, scope and fields', () => {
  const d = createDiagnostics({ now: () => 1_700_000_000_000 });
  d.record('warn', 'notify', 'weak notify skipped-not-live', { peer: 'companion', outcome: 'skipped-not-live' });
  assert.equal(d.recent(), [
    {
      seq: 1,
      at: 1_700_000_000_000,
      level: 'warn',
      scope: 'notify',
      message: 'weak notify skipped-not-live',
      fields: { peer: 'companion', outcome: 'skipped-not-live' },
    },
  ]);
});

diagnostics('should use the clock once per record', () => {
  const d = createDiagnostics({ now: counterClock(50) });
  d.record('debug', 'a', 'x');
  d.record('debug', 'a', 'y');
  assert.equal(
    d.recent().map((r) => r.at),
    [50, 51],
  );
});

diagnostics('should make the message one line', () => {
  const d = createDiagnostics();
  d.record('warn', 'test', '  first line\n\tsecond\r\nthird \u0007bell ');
  assert.is(d.recent()[0]?.message, 'first line second third bell');
});

diagnostics('should bound the message to 200 code points plus an ellipsis', () => {
  const d = createDiagnostics();
  d.record('warn', 'test', 'x'.repeat(200));
  d.record('warn', 'test', 'x'.repeat(201));
  d.record('warn', 'test', '日'.repeat(500));
  d.record('warn', 'test', '😀'.repeat(300));
  const [exact, over, wide, astral] = d.recent().map((r) => r.message);
  assert.is(exact, 'x'.repeat(200));
  assert.is(over, 'x'.repeat(200) + '…');
  assert.is(wide, '日'.repeat(200) + '…');
  assert.is(astral, '😀'.repeat(200) + '…');
  assert.is(codePoints(astral ?? ''), 201);
});

diagnostics('should make every field value one line and bounded, and drop undefined fields', () => {
  const d = createDiagnostics();
  const fields: DiagnosticFields = {
    ticket: 'T-1',
    event: 'comment/plan',
    companion: ' yoi ',
    error: 'boom\n    at stack frame (file.ts:1:1)',
    outcome: 'y'.repeat(250),
    self: undefined,
    custom: 'tab\there',
  };
  d.record('warn', 'orchestrator', 'ensure failed', fields);
  const recorded = d.recent()[0]?.fields;
  assert.equal(recorded, {
    ticket: 'T-1',
    event: 'comment/plan',
    companion: 'yoi',
    error: 'boom at stack frame (file.ts:1:1)',
    outcome: 'y'.repeat(200) + '…',
    custom: 'tab here',
  });
  assert.not.ok(recorded !== undefined && 'self' in recorded);
  for (const value of Object.values(recorded ?? {})) {
    assert.not.match(value ?? '', /[\u0000-\u001f\u007f-\u009f]/);
    assert.ok(codePoints(value ?? '') <= 201);
  }
});

diagnostics('should not be changed by later edits of the fields object', () => {
  const d = createDiagnostics();
  const fields: Record<string, string> = { peer: 'a' };
  d.record('debug', 'test', 'x', fields);
  fields.peer = 'b';
  assert.is(d.recent()[0]?.fields.peer, 'a');
});

diagnostics('should forget retained records on clear() and keep seq increasing', () => {
  const d = createDiagnostics({ limit: 2 });
  d.record('debug', 'test', 'a');
  d.record('debug', 'test', 'b');
  d.record('debug', 'test', 'c');
  d.clear();
  assert.equal(d.recent(), []);
  d.record('debug', 'test', 'd');
  d.record('debug', 'test', 'e');
  d.record('debug', 'test', 'f');
  const recent = d.recent();
  assert.equal(
    recent.map((r) => r.message),
    ['e', 'f'],
  );
  assert.ok((recent[0]?.seq ?? 0) > 3);
  assert.ok((recent[1]?.seq ?? 0) > (recent[0]?.seq ?? 0));
});

diagnostics('should write each record to debug under podmesh:<scope>', () => {
  const d = createDiagnostics();
  const captured = captureDebug('podmesh:*', () => {
    d.record('warn', 'notify', 'weak notify send-failed', { peer: 'yoi', outcome: 'send-failed' });
    d.record('debug', 'orchestrator', 'peer ensured\nat start', { companion: 'yoi' });
  });
  assert.is(captured.length, 2);
  assert.equal(
    captured.map((c) => c.namespace),
    ['podmesh:notify', 'podmesh:orchestrator'],
  );
  const [first, second] = captured;
  // Level, then the bounded one-line message, then the fields as an object.
  const firstLine = first?.line ?? '';
  assert.match(firstLine, /podmesh:notify warn weak notify send-failed \{ peer: 'yoi', outcome: 'send-failed' \}/);
  const secondLine = second?.line ?? '';
  assert.match(secondLine, /podmesh:orchestrator debug peer ensured at start \{ companion: 'yoi' \}/);
  assert.not.ok(secondLine.includes('%s'), secondLine);
});

diagnostics('should only write the enabled namespaces', () => {
  const d = createDiagnostics();
  const captured = captureDebug('podmesh:notify', () => {
    d.record('warn', 'notify', 'kept');
    d.record('warn', 'orchestrator', 'not enabled');
  });
  assert.equal(
    captured.map((c) => c.namespace),
    ['podmesh:notify'],
  );
  // Disabled debug output never affects the ring buffer.
  assert.equal(
    d.recent().map((r) => r.message),
    ['kept', 'not enabled'],
  );
});

diagnostics('should write nothing to debug when it is disabled', () => {
  const d = createDiagnostics();
  const captured = captureDebug(undefined, () => {
    d.record('warn', 'notify', 'quiet');
  });
  assert.equal(captured, []);
  assert.is(d.recent().length, 1);
});

diagnostics('should restore the debug package after capturing', () => {
  const before = createDebug.log;
  captureDebug('podmesh:*', () => {
    assert.is.not(createDebug.log, before);
    assert.ok(createDebug.enabled('podmesh:anything'));
  });
  assert.is(createDebug.log, before);
});

diagnostics.run();
